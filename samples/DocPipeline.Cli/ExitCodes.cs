namespace DocPipeline.Cli;

/// <summary>docpipe's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>Everything succeeded (verify: the indexes are consistent).</summary>
    public const int Success = 0;

    /// <summary>The command ran, but some sources failed (or verify found inconsistencies).</summary>
    public const int PartialFailure = 1;

    /// <summary>Bad usage: conflicting flags, an unknown document id, a missing file, or an embedder mismatch.</summary>
    public const int Usage = 2;

    /// <summary>A store could not be opened or used (corrupt, locked, unwritable).</summary>
    public const int Storage = 3;
}
