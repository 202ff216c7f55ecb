namespace DocPipeline.Fingerprints;

/// <summary>
/// The two file operations fingerprinting needs. The seam lets tests count how often files are opened (the quick
/// check must not open unchanged files) and simulate a file that cannot be read.
/// </summary>
internal interface IFingerprintFileSystem
{
    /// <summary>Reads a file's size and last-write time without opening it.</summary>
    /// <param name="path">The full path.</param>
    /// <returns>The file's stat, or <see langword="null"/> when there is no file at <paramref name="path"/>.</returns>
    FileStat? GetStat(string path);

    /// <summary>Opens a file for a sequential read of its content.</summary>
    /// <param name="path">The full path.</param>
    /// <returns>The stream; the caller disposes it.</returns>
    Stream OpenRead(string path);
}
