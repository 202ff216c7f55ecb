using Microsoft.Extensions.Options;

namespace DocPipeline.Configuration;

/// <summary>
/// Checks an options object the way DocPipeline checks its own, so that a backend's options (for example
/// <c>DocPipeline:PostgreSql</c>) fail with the same kind of message: the configuration key, the rule, and the value.
/// </summary>
public static class OptionsAnnotations
{
    /// <summary>
    /// Checks the data annotations of <paramref name="options"/> and of every nested options object (a property whose
    /// type name ends in <c>Options</c>), and that enum values are defined, adding one error per broken rule that names
    /// its key as <c><paramref name="sectionName"/>:Property</c>.
    /// </summary>
    /// <param name="options">The options object.</param>
    /// <param name="sectionName">The configuration section the options bind from, for example <c>DocPipeline:PostgreSql</c>.</param>
    /// <param name="failures">Collects the errors.</param>
    public static void Validate(object options, string sectionName, ValidateOptionsResultBuilder failures)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionName);
        ArgumentNullException.ThrowIfNull(failures);
        DocPipelineOptionsValidator.ValidateAnnotations(options, sectionName, failures);
    }
}
