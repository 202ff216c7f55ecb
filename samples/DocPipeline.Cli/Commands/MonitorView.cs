namespace DocPipeline.Cli.Commands;

/// <summary>The views of <c>docpipe monitor</c> that refresh.</summary>
internal enum MonitorView
{
    Live,
    Jobs,
    Performance,
    Resources,
}
