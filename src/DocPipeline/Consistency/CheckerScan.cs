namespace DocPipeline.Consistency;

/// <summary>The outcome of one <see cref="ConsistencyChecker"/> scan.</summary>
/// <param name="Report">The report.</param>
/// <param name="Tally">The counts behind it, per document.</param>
/// <param name="InFlight">The documents left alone because a job is changing them.</param>
internal sealed record CheckerScan(ConsistencyReport Report, ConsistencyTally Tally, IReadOnlySet<string> InFlight);
