namespace DocPipeline.Consistency;

/// <summary>A backup checked and unpacked beside the stores it replaces, ready to be swapped in.</summary>
/// <param name="Source">The backup.</param>
/// <param name="Manifest">Its manifest.</param>
/// <param name="Staged">Where each store was unpacked, by store name, in <see cref="DataFolderLayout.StoreOrder"/>.</param>
internal sealed record StagedRestore(string Source, BackupManifest Manifest, IReadOnlyList<KeyValuePair<string, string>> Staged)
{
    /// <summary>Deletes whatever is still staged (after a failure, or what a swap left).</summary>
    public void Discard()
    {
        foreach (var (_, path) in Staged)
        {
            try
            {
                BackupFiles.DeletePath(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A leftover beside the store; it is named *.restore-* and nothing reads it.
            }
        }
    }
}
