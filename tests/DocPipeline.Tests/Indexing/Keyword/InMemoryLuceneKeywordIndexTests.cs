using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Specification.Tests.Indexing;

namespace DocPipeline.Tests.Indexing.Keyword;

/// <summary>The keyword index contract, run against the in-memory Lucene index.</summary>
public sealed class InMemoryLuceneKeywordIndexTests : KeywordIndexSpecification
{
    protected override IKeywordIndex CreateIndex() =>
        new LuceneKeywordIndex(new LuceneKeywordIndexSettings(null, TimeSpan.FromSeconds(1), 16), TimeProvider.System);
}
