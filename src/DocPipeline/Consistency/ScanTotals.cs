namespace DocPipeline.Consistency;

/// <summary>What a scan counted.</summary>
internal sealed class ScanTotals(int indexes)
{
    /// <summary>Gets or sets the number of committed chunks the registry listed.</summary>
    public long RegistryChunks { get; set; }

    /// <summary>Gets the entries each index listed.</summary>
    public long[] Entries { get; } = new long[indexes];

    /// <summary>Gets, per index, the differences not reported because their document is in flight.</summary>
    public long[] InFlight { get; } = new long[indexes];
}
