using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace DocPipeline.Consistency;

/// <summary>
/// Reads a stream ahead on another thread, in batches, so that producing items (decoding SQLite rows, walking Lucene
/// terms) overlaps with consuming them. At most <c>Capacity</c> batches wait, so memory stays bounded.
/// </summary>
internal static class ReadAhead
{
    private const int BatchSize = 2048;
    private const int Capacity = 8;

    /// <summary>Wraps <paramref name="source"/> so it is read ahead of the consumer.</summary>
    public static async IAsyncEnumerable<T> ReadAheadAsync<T>(this IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<T[]>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(() => ProduceAsync(source, channel.Writer, stop.Token), CancellationToken.None);
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

    private static async Task ProduceAsync<T>(IAsyncEnumerable<T> source, ChannelWriter<T[]> writer, CancellationToken cancellationToken)
    {
        try
        {
            var batch = new List<T>(BatchSize);
            await foreach (var item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                batch.Add(item);
                if (batch.Count == BatchSize)
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
