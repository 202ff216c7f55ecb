namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// A service resolved on first use rather than when its consumer is built: the maintenance façade and the startup
/// check reach the stores only through the operations they run, so a container built to restore a data folder never
/// opens the stores it is about to replace.
/// </summary>
/// <typeparam name="T">The service.</typeparam>
internal sealed class Deferred<T>(IServiceProvider services)
    where T : notnull
{
    /// <summary>Gets the service, resolving it the first time.</summary>
    public T Value => services.GetRequiredService<T>();
}
