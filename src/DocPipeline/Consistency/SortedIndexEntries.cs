using System.Runtime.CompilerServices;
using System.Text;
using DocPipeline.Indexing;

namespace DocPipeline.Consistency;

/// <summary>
/// Index entries sorted by chunk id (<see cref="ChunkIdComparer"/>) with bounded memory: the input is cut into runs of
/// at most <c>runLength</c> entries, each run is sorted in memory and, when there is more than one, written to a
/// temporary file; reading merges the runs. Memory holds one run while sorting and one buffered reader per run while
/// merging, whatever the number of entries.
/// </summary>
/// <remarks>Reading may be repeated (a verify that restarts reads the runs again); disposing deletes the files.</remarks>
internal sealed class SortedIndexEntries : IAsyncDisposable
{
    /// <summary>The default run length: about 20 MB of entries with typical ids.</summary>
    public const int DefaultRunLength = 131_072;

    private const int FileBufferSize = 1 << 16;
    private const byte SameDocument = 1;

    private readonly List<string> _runFiles;
    private readonly IndexEntry[]? _memoryRun;

    private SortedIndexEntries(List<string> runFiles, IndexEntry[]? memoryRun, long count)
    {
        _runFiles = runFiles;
        _memoryRun = memoryRun;
        Count = count;
    }

    /// <summary>Gets the number of entries.</summary>
    public long Count { get; }

    /// <summary>Gets the number of runs written to temporary files (0 when everything fit in one run).</summary>
    public int SpilledRuns => _runFiles.Count;

    /// <summary>Reads <paramref name="entries"/> to the end and sorts them.</summary>
    /// <param name="entries">The entries, in any order.</param>
    /// <param name="temporaryDirectory">Where run files go; created when needed.</param>
    /// <param name="runLength">The most entries held in memory at once.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    public static async Task<SortedIndexEntries> SortAsync(
        IAsyncEnumerable<IndexEntry> entries, string temporaryDirectory, int runLength, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runLength, 2);
        var files = new List<string>();
        var run = new IndexEntry[Math.Min(runLength, 4096)];
        var documents = new Dictionary<string, string>(StringComparer.Ordinal);
        var filled = 0;
        long count = 0;
        try
        {
            await foreach (var entry in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (filled == run.Length)
                {
                    if (filled < runLength)
                    {
                        Array.Resize(ref run, Math.Min(runLength, filled * 2));
                    }
                    else
                    {
                        files.Add(Spill(run, filled, temporaryDirectory, cancellationToken));
                        documents.Clear();
                        filled = 0;
                    }
                }

                // Entries arrive with their own copy of the document id; one shared copy per run saves most of the memory they take.
                if (!documents.TryGetValue(entry.DocumentId, out var document))
                {
                    document = entry.DocumentId;
                    documents[document] = document;
                }

                run[filled++] = entry with { DocumentId = document };
                count++;
            }

            if (files.Count == 0)
            {
                Array.Resize(ref run, filled);
                Array.Sort(run, EntryComparer.Instance);
                return new SortedIndexEntries(files, run, count);
            }

            if (filled > 0)
            {
                files.Add(Spill(run, filled, temporaryDirectory, cancellationToken));
            }

            return new SortedIndexEntries(files, null, count);
        }
        catch
        {
            DeleteFiles(files);
            throw;
        }
    }

    /// <summary>Reads the entries in chunk id order.</summary>
    public async IAsyncEnumerable<IndexEntry> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_memoryRun is not null)
        {
            for (var i = 0; i < _memoryRun.Length; i++)
            {
                if ((i & 0xFFFF) == 0xFFFF)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await Task.Yield();
                }

                yield return _memoryRun[i];
            }

            yield break;
        }

        var readers = new List<RunReader>(_runFiles.Count);
        try
        {
            var heads = new PriorityQueue<RunReader, IndexEntry>(_runFiles.Count, EntryComparer.Instance);
            foreach (var file in _runFiles)
            {
                var reader = new RunReader(file);
                readers.Add(reader);
                if (reader.TryRead(out var first))
                {
                    heads.Enqueue(reader, first);
                }
            }

            var produced = 0;
            while (heads.TryDequeue(out var reader, out var entry))
            {
                if (reader.TryRead(out var next))
                {
                    heads.Enqueue(reader, next);
                }

                if ((++produced & 0xFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await Task.Yield();
                }

                yield return entry;
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        DeleteFiles(_runFiles);
        _runFiles.Clear();
        return ValueTask.CompletedTask;
    }

    private static string Spill(IndexEntry[] run, int count, string temporaryDirectory, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Array.Sort(run, 0, count, EntryComparer.Instance);
        Directory.CreateDirectory(temporaryDirectory);
        var path = Path.Combine(temporaryDirectory, $"run-{Guid.NewGuid():N}.bin");
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileBufferSize);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        string? previousDocument = null;
        for (var i = 0; i < count; i++)
        {
            var entry = run[i];

            // Sorted by chunk id, the chunks of a document mostly follow each other: their document id is written once.
            var same = string.Equals(entry.DocumentId, previousDocument, StringComparison.Ordinal);
            writer.Write(same ? SameDocument : (byte)0);
            writer.Write(entry.ChunkId);
            if (!same)
            {
                writer.Write(entry.DocumentId);
                previousDocument = entry.DocumentId;
            }

            writer.Write7BitEncodedInt(entry.Version);
            run[i] = default;
        }

        return path;
    }

    private static void DeleteFiles(List<string> files)
    {
        foreach (var file in files)
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // A temporary file; the next verify of this folder does not read it.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private sealed class EntryComparer : IComparer<IndexEntry>
    {
        public static EntryComparer Instance { get; } = new();

        public int Compare(IndexEntry x, IndexEntry y) => ChunkIdComparer.Instance.Compare(x.ChunkId, y.ChunkId);
    }

    private sealed class RunReader : IDisposable
    {
        private readonly BinaryReader _reader;
        private readonly long _length;
        private string _document = string.Empty;

        public RunReader(string path)
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileBufferSize, FileOptions.SequentialScan);
            _length = stream.Length;
            _reader = new BinaryReader(stream, Encoding.UTF8);
        }

        public bool TryRead(out IndexEntry entry)
        {
            if (_reader.BaseStream.Position >= _length)
            {
                entry = default;
                return false;
            }

            var flags = _reader.ReadByte();
            var chunkId = _reader.ReadString();
            if ((flags & SameDocument) == 0)
            {
                _document = _reader.ReadString();
            }

            entry = new IndexEntry(chunkId, _document, _reader.Read7BitEncodedInt());
            return true;
        }

        public void Dispose() => _reader.Dispose();
    }
}
