using Microsoft.Extensions.Options;

namespace DocPipeline.Configuration;

/// <summary>
/// Validates the options object of one call (<c>SearchOptions</c>, <c>IngestOptions</c>, <c>DocumentListOptions</c>,
/// <c>BackupOptions</c>, <c>RestoreOptions</c>, <c>RepairOptions</c>) at the public boundary, before any store is
/// touched, with the data-annotations walker of <see cref="DocPipelineOptionsValidator"/>. Each failure names the
/// option (for example <c>SearchOptions.TopK</c>), the rule and the value that broke it.
/// </summary>
internal static class OperationOptionsValidator
{
    /// <summary>Throws when <paramref name="options"/> is <see langword="null"/> or breaks one of its rules.</summary>
    /// <param name="options">The options of the call.</param>
    /// <param name="paramName">The name of the parameter that holds them.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside what its option allows.</exception>
    public static void ThrowIfInvalid(object options, string paramName = "options")
    {
        ArgumentNullException.ThrowIfNull(options, paramName);
        var failures = new ValidateOptionsResultBuilder();
        DocPipelineOptionsValidator.ValidateAnnotations(options, options.GetType().Name, failures, '.');
        var result = failures.Build();
        if (result.Failed)
        {
            throw new ArgumentOutOfRangeException(paramName, string.Join(" ", result.Failures));
        }
    }
}
