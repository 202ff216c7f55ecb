namespace DocPipeline.Sources;

/// <summary>What a path leads to, after following symbolic links.</summary>
internal enum SourceFileKind
{
    /// <summary>Nothing: the path does not exist, or it is a symbolic link whose target does not exist.</summary>
    Missing,

    /// <summary>A regular file, the only kind DocPipeline opens.</summary>
    Regular,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A FIFO (named pipe): opening it for reading waits for a writer.</summary>
    Fifo,

    /// <summary>A Unix domain socket.</summary>
    Socket,

    /// <summary>A character device, such as <c>/dev/zero</c> or a terminal.</summary>
    CharacterDevice,

    /// <summary>A block device, such as a disk.</summary>
    BlockDevice,

    /// <summary>The kind could not be told (for example no permission to look), or the platform cannot tell it.</summary>
    Unknown,
}
