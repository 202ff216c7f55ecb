namespace DocPipeline.Storage;

/// <summary>
/// A store of a writing container was about to take its folder while another process is the data folder's writer
/// (see <see cref="DataFolderWriter"/>): the store is in use by that process, not damaged.
/// </summary>
internal sealed class DataFolderInUseException(string message) : DocPipelineStorageException(message);
