namespace DocPipeline.Storage;

/// <summary>Who holds a data folder's writer lock, as written beside it (see <see cref="DataFolderWriter"/>).</summary>
/// <param name="ProcessId">The writing process.</param>
/// <param name="Host">The machine it runs on.</param>
/// <param name="Since">When it took the lock (UTC).</param>
/// <param name="Command">Its command line, program names without folders.</param>
internal sealed record WriterOwner(int ProcessId, string Host, DateTime Since, string Command);
