using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace DocPipeline.Consistency;

/// <summary>
/// Reads a stream ahead on another thread, in batches, so that producing items (decoding SQLite rows, walking Lucene
/// terms) overlaps with consuming them. At most <c>Capacity</c> batches wait, so memory stays bounded.
/// </summary>
internal static class ReadAhead
{
    /// <summary>Wraps <paramref name="source"/> so it is read ahead of the consumer, in batches of 2,048 items, up to 8 batches ahead.</summary>
    public static IAsyncEnumerable<T> ReadAheadAsync<T>(this IAsyncEnumerable<T> source, CancellationToken cancellationToken = default) =>
        source.ReadAheadAsync(batchSize: 2048, capacity: 8, cancellationToken);

    /// <summary>Wraps <paramref name="source"/> so it is read ahead of the consumer, at most <paramref name="capacity"/> batches of <paramref name="batchSize"/> items ahead.</summary>
    public static async IAsyncEnumerable<T> ReadAheadAsync<T>(this IAsyncEnumerable<T> source, int batchSize, int capacity, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<T[]>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(() => ProduceAsync(source, channel.Writer, batchSize, stop.Token), CancellationToken.None);
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var batch))
                {
                    foreach (var item in batch)
                    {
                        yield return item;
                    }
                }
            }

            // Surfaces the producer's exception, if it failed.
            await producer.ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The consumer stopped early.
            }
            catch (Exception) when (!producer.IsCompletedSuccessfully)
            {
                // Already surfaced above, or the consumer stopped first and no longer cares.
            }
        }
    }

    private static async Task ProduceAsync<T>(IAsyncEnumerable<T> source, ChannelWriter<T[]> writer, int batchSize, CancellationToken cancellationToken)
    {
        try
        {
            var batch = new List<T>(batchSize);
            await foreach (var item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                batch.Add(item);
                if (batch.Count == batchSize)
                {
                    await writer.WriteAsync([.. batch], cancellationToken).ConfigureAwait(false);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                await writer.WriteAsync([.. batch], cancellationToken).ConfigureAwait(false);
            }

            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
            throw;
        }
    }
}
