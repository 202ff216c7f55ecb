using Lucene.Net.Store;
using LuceneLock = Lucene.Net.Store.Lock;

namespace DocPipeline.Indexing.Keyword;

/// <summary>A Lucene lock held as an exclusive handle on its file (see <see cref="ExclusiveFileLockFactory"/>).</summary>
internal sealed class ExclusiveFileLock(string path) : LuceneLock
{
    private readonly System.Threading.Lock _gate = new();
    private FileStream? _handle;

    /// <summary>Gets the full path of the lock file.</summary>
    public string Path { get; } = path;

    public override bool Obtain()
    {
        lock (_gate)
        {
            FailureReason = null;
            if (_handle is not null)
            {
                return false;
            }

            try
            {
                System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                _handle = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
                return true;
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or PathTooLongException)
            {
                // Not "held by someone else": a reason the caller reports as it is.
                FailureReason = ex;
                return false;
            }
            catch (IOException)
            {
                // The file is locked by another handle, in this process or another one.
                return false;
            }
        }
    }

    public override bool IsLocked()
    {
        lock (_gate)
        {
            if (_handle is not null)
            {
                return true;
            }

            try
            {
                using (new FileStream(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1))
                {
                    return false;
                }
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return false;
            }
            catch (IOException)
            {
                return true;
            }
        }
    }

    public override string ToString() => $"{nameof(ExclusiveFileLock)}@{Path}";

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        lock (_gate)
        {
            // The file stays: deleting it could race with another process that just opened it.
            _handle?.Dispose();
            _handle = null;
        }
    }
}
