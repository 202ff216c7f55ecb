using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;

namespace DocPipeline.Indexing.Keyword;

/// <summary>Gives every searcher the similarity the writer indexed with (BM25), so scores follow the norms written.</summary>
internal sealed class Bm25SearcherFactory(Similarity similarity) : SearcherFactory
{
    public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = similarity };
}
