using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DocPipeline.Diagnostics;

/// <summary>
/// The one <see cref="System.Diagnostics.Metrics.Meter"/> and the one <see cref="System.Diagnostics.ActivitySource"/>
/// of DocPipeline, both named <c>DocPipeline</c>. Every part creates its instruments and activities from these, so a
/// host listens to a single name (<c>AddMeter("DocPipeline")</c>, <c>AddSource("DocPipeline")</c>).
/// </summary>
internal static class DocPipelineDiagnostics
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "DocPipeline";

    /// <summary>Gets the meter every DocPipeline instrument belongs to.</summary>
    public static Meter Meter { get; } = new(Name, typeof(DocPipelineDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>Gets the activity source every DocPipeline activity starts from.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, typeof(DocPipelineDiagnostics).Assembly.GetName().Version?.ToString());
}
