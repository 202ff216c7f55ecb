namespace DocPipeline.Ingestion;

/// <summary>What an ingestion job did, recorded as the job's result.</summary>
/// <param name="Kind">added, updated, unchanged or removed.</param>
/// <param name="Chunks">The number of chunks of the document version now served.</param>
/// <param name="Embedded">How many chunk texts were sent to the embedder.</param>
/// <param name="Reused">How many chunks took their embedding from the cache.</param>
internal sealed record JobOutcome(string Kind, int Chunks, int Embedded, int Reused)
{
    public const string Added = "added";
    public const string Updated = "updated";
    public const string Unchanged = "unchanged";
    public const string Removed = "removed";
}
