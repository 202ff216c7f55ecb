using DocPipeline.Storage;

namespace DocPipeline.Indexing.Keyword;

/// <summary>
/// The on-disk index of a writing container enters the data folder's writer lock (<see cref="DataFolderWriter"/>)
/// before it takes Lucene's <c>write.lock</c>: a process that merely searched or listed first never holds the index
/// folder while another process is the folder's writer (which would make that writer's jobs fail on <c>write.lock</c>).
/// </summary>
internal sealed partial class LuceneKeywordIndex
{
    private DataFolderWriter? _folderWriter;

    /// <summary>A write waits its turn, like every other writer, until this process is the folder's writer.</summary>
    private Task EnterFolderWriterAsync(CancellationToken cancellationToken) =>
        _folderWriter is { IsHeld: false } writer && !_settings.ReadOnly && _handle is null
            ? writer.EnterAsync(cancellationToken)
            : Task.CompletedTask;

    /// <summary>
    /// Before <c>write.lock</c> is taken: becomes the folder's writer when it is free, or reports the index as in use
    /// by the process that writes the folder (a read does not wait; a write waited in <see cref="EnterFolderWriterAsync"/>).
    /// </summary>
    /// <exception cref="DataFolderInUseException">Another process is the data folder's writer.</exception>
    private void EnterFolderWriter()
    {
        if (_folderWriter is not { } writer || writer.TryEnter())
        {
            return;
        }

        throw new DataFolderInUseException(
            $"The keyword index '{Location}' is in use by another process: the data folder is being written by " +
            $"{DataFolderWriter.DescribeOwner(Path.GetDirectoryName(writer.LockPath)!)}. Only one process writes a data folder; " +
            "open this one read-only (DocPipeline:ReadOnly) to search beside it, or wait until that process has finished.");
    }
}
