using DocPipeline.Consistency;

namespace DocPipeline.Maintenance;

/// <summary>
/// A store that checks the integrity of what it holds when the pipeline is verified (<c>docpipe manage
/// --verify-consistency</c>). Register it with
/// <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;IStoreIntegrity, MyStoreIntegrity&gt;())</c>.
/// </summary>
public interface IStoreIntegrity
{
    /// <summary>Gets the name of the store in reports, as <see cref="IStoreBackup.Name"/>.</summary>
    string Name { get; }

    /// <summary>Gets a value indicating whether the store is the one the pipeline uses; only those are checked.</summary>
    bool IsInUse { get; }

    /// <summary>
    /// Checks what the store holds: a fast check by default (the structure, the newest writes), and with
    /// <paramref name="deep"/> every byte that can be checked. Damage is reported in the result, not thrown.
    /// </summary>
    /// <param name="deep"><see langword="true"/> for the thorough check.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The result, or <see langword="null"/> when there is nothing to check now (the store cannot be opened,
    /// which the consistency check reports).</returns>
    Task<StoreIntegrity?> CheckIntegrityAsync(bool deep, CancellationToken cancellationToken = default);
}
