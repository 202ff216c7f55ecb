using DocPipeline.Indexing;

namespace DocPipeline.Consistency;

/// <summary>
/// An embedded index that keeps its files in a folder of its own, as the startup check sees it: where the folder is,
/// and a second instance over it opened only for the check (so the process that checks never keeps the folder locked).
/// </summary>
internal interface IIndexFolder
{
    /// <summary>Gets the index role (<c>vector</c> or <c>keyword</c>).</summary>
    string Name { get; }

    /// <summary>Gets a value indicating whether the index in use is this one.</summary>
    bool IsInUse { get; }

    /// <summary>Gets the index in use.</summary>
    ISearchIndex Index { get; }

    /// <summary>Gets the folder of the index files.</summary>
    string Location { get; }

    /// <summary>Opens another instance over <see cref="Location"/>; the caller disposes it.</summary>
    /// <returns>The instance, not yet opened.</returns>
    ISearchIndex OpenOwnInstance();

    /// <summary>Whether the index folder holds files, or a finished rebuild beside it will fill it when the index opens (a swap cut short by a crash).</summary>
    static bool HasFiles(string directory) =>
        (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any()) || RebuildStaging.AnyFinishedBeside(directory);
}
