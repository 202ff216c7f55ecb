using System.Globalization;
using System.Text;

namespace DocPipeline.Indexing.Vector;

/// <summary>
/// The lock file that makes one process (and one index instance) the only writer of a vector index folder. It is
/// an operating-system lock on an open file, so it is released when the process ends, however it ends.
/// </summary>
internal sealed class VectorFolderLock : IDisposable
{
    /// <summary>The name of the lock file in the index folder.</summary>
    public const string FileName = Consistency.DataFolderLayout.VectorLockFileName;

    private readonly FileStream _stream;

    private VectorFolderLock(FileStream stream)
    {
        _stream = stream;
    }

    /// <summary>Creates the folder when missing and takes its lock.</summary>
    /// <exception cref="DocPipelineStorageException">Another process or instance holds the lock, or the folder cannot be written.</exception>
    public static VectorFolderLock Acquire(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DocPipelineStorageException($"Cannot create the vector index folder '{directory}': {ex.Message}", ex);
        }

        FileStream stream;
        try
        {
            // FileShare.None takes an exclusive lock (flock on Unix, a sharing lock on Windows) for as long as the file is open.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new DocPipelineStorageException($"Cannot create the lock file '{path}' of the vector index: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new DocPipelineStorageException(
                $"The vector index '{directory}' is already open for writing by another process (or by another DocPipeline instance in this process): " +
                $"its lock file '{path}' is held ({ex.Message}). Only one process may write an index folder: stop the other one, or give this one " +
                "its own folder (DocPipeline:VectorIndex:Path).",
                ex);
        }

        try
        {
            // The owner's process id, for a person looking at the folder; the lock itself is the open file.
            stream.SetLength(0);
            stream.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
            stream.Flush();
        }
        catch (IOException)
        {
            // The lock is held either way; the process id is only a courtesy.
        }

        return new VectorFolderLock(stream);
    }

    public void Dispose() => _stream.Dispose();
}
