namespace DocPipeline.Maintenance;

/// <summary>
/// A store that says whether it can be used: checked when the pipeline starts, so that a store that is lost or damaged
/// while the others hold data stops the pipeline with the way back instead of starting empty. Register it with
/// <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;IStoreHealth, MyStoreHealth&gt;())</c>.
/// </summary>
public interface IStoreHealth
{
    /// <summary>Gets the name of the store in reports, as <see cref="IStoreBackup.Name"/>.</summary>
    string Name { get; }

    /// <summary>Gets a value indicating whether the store is the one the pipeline uses; only those are checked.</summary>
    bool IsInUse { get; }

    /// <summary>Says whether the store can be used, without creating anything and without keeping it open.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The state and, unless healthy, the reason naming the store and its location.</returns>
    Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default);
}
