namespace DocPipeline.Jobs;

/// <summary>What a claim does with one due job; see <see cref="JobRules.Decide"/>.</summary>
public enum ClaimDecision
{
    /// <summary>Take the job under a new lease.</summary>
    Claim,

    /// <summary>Leave the job for a later claim: its document is busy.</summary>
    Skip,

    /// <summary>Cancel the job: a newer job of the same document replaces it.</summary>
    Supersede,
}
