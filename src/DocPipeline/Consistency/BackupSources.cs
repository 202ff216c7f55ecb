using DocPipeline.Indexing.Keyword;
using DocPipeline.Indexing.Vector;
using DocPipeline.Storage;

namespace DocPipeline.Consistency;

/// <summary>The open stores a backup copies, and the stores it leaves out (with the reason).</summary>
internal sealed class BackupSources
{
    public SqliteDatabase? Jobs { get; init; }

    public SqliteDatabase? Fingerprints { get; init; }

    public required SqliteDatabase Registry { get; init; }

    public EmbeddedVectorIndex? Vector { get; init; }

    public LuceneKeywordIndex? Keyword { get; init; }

    public List<string> Skipped { get; init; } = [];
}
