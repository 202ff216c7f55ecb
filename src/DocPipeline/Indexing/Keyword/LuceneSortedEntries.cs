using System.Runtime.CompilerServices;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace DocPipeline.Indexing.Keyword;

/// <summary>
/// Lists the entries of the embedded Lucene keyword index already sorted by chunk id, fast: chunk ids come from the
/// term dictionary (which Lucene keeps in UTF-8 byte order, the order verify merges in), document ids from their
/// terms, and versions from doc values. Reading stored fields instead, as
/// <see cref="LuceneKeywordIndex.ListEntriesAsync"/> does, decompresses a block of documents per entry: about ten
/// times slower over a million chunks. Entries written before the version doc value existed fall back to it.
/// </summary>
/// <remarks>
/// One searcher is held for the whole listing, so it is one point in time while writes go on. Memory: one
/// <see cref="int"/> per Lucene document and one string per indexed document id.
/// </remarks>
internal static class LuceneSortedEntries
{
    private const int YieldEvery = 1 << 16;

    /// <summary>Lists the live entries of <paramref name="index"/> in <see cref="Consistency.ChunkIdComparer"/> order; a chunk indexed twice appears twice.</summary>
    /// <exception cref="DocPipelineStorageException">The index cannot be opened.</exception>
    public static async IAsyncEnumerable<IndexEntry> ReadAsync(LuceneKeywordIndex index, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var handle = index.OpenOrReport();
        var searcher = handle.Acquire();
        try
        {
            var reader = searcher.IndexReader;
            var live = MultiFields.GetLiveDocs(reader);
            var (documentOf, documents) = MapDocumentIds(reader, live, cancellationToken);
            var versions = MultiDocValues.GetNumericValues(reader, KeywordFields.Version);
            var hasVersion = versions is null ? null : MultiDocValues.GetDocsWithField(reader, KeywordFields.Version);
            var chunkTerms = MultiFields.GetTerms(reader, KeywordFields.ChunkId);
            if (chunkTerms is null)
            {
                yield break;
            }

            var visitor = new IndexEntryVisitor();
            var terms = chunkTerms.GetEnumerator();
            DocsEnum? docs = null;
            var produced = 0;
            while (terms.MoveNext())
            {
                var chunkId = terms.Term.Utf8ToString();
                docs = terms.Docs(live, docs, DocsFlags.NONE);
                int doc;
                while ((doc = docs.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
                {
                    var ordinal = documentOf[doc];
                    int version;
                    string documentId;
                    if (ordinal >= 0 && versions is not null && hasVersion!.Get(doc))
                    {
                        version = (int)versions.Get(doc);
                        documentId = documents[ordinal];
                    }
                    else
                    {
                        visitor.Reset();
                        reader.Document(doc, visitor);
                        version = visitor.Entry.Version;
                        documentId = visitor.Entry.DocumentId;
                    }

                    if ((++produced & (YieldEvery - 1)) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        await Task.Yield();
                    }

                    yield return new IndexEntry(chunkId, documentId, version);
                }
            }
        }
        finally
        {
            handle.Release(searcher);
        }
    }

    /// <summary>Maps every live Lucene document to the ordinal of its document id, walking the document id terms once.</summary>
    private static (int[] DocumentOf, List<string> Documents) MapDocumentIds(IndexReader reader, Lucene.Net.Util.IBits? live, CancellationToken cancellationToken)
    {
        var documentOf = new int[reader.MaxDoc];
        Array.Fill(documentOf, -1);
        var documents = new List<string>();
        var terms = MultiFields.GetTerms(reader, KeywordFields.DocumentId);
        if (terms is null)
        {
            return (documentOf, documents);
        }

        var termsEnum = terms.GetEnumerator();
        DocsEnum? docs = null;
        while (termsEnum.MoveNext())
        {
            var ordinal = documents.Count;
            documents.Add(termsEnum.Term.Utf8ToString());
            docs = termsEnum.Docs(live, docs, DocsFlags.NONE);
            int doc;
            while ((doc = docs.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
            {
                documentOf[doc] = ordinal;
            }

            if ((ordinal & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return (documentOf, documents);
    }
}
