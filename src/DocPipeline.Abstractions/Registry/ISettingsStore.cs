namespace DocPipeline.Registry;

/// <summary>
/// Registry-wide settings: small string values kept with the data they describe (the keys DocPipeline writes are in
/// <see cref="RegistrySettings"/>, for example the embedder the data was built with).
/// </summary>
/// <remarks>
/// The registries DocPipeline ships implement this contract on the same storage as <see cref="IDocumentRegistry"/>,
/// and the dependency injection container resolves both to the same instance.
/// </remarks>
public interface ISettingsStore
{
    /// <summary>Reads a registry-wide setting.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Writes a registry-wide setting.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the setting is durable.</returns>
    Task SetSettingAsync(string key, string value, CancellationToken cancellationToken = default);
}
