using Lucene.Net.Documents;
using Lucene.Net.Index;

namespace DocPipeline.Indexing.Keyword;

/// <summary>The fields of one chunk's Lucene document, and how a <see cref="KeywordRecord"/> becomes one.</summary>
internal static class KeywordFields
{
    /// <summary>The chunk id: indexed as one term (the upsert key) and stored.</summary>
    public const string ChunkId = "chunk_id";

    /// <summary>The document id: indexed as one term (delete by document) and stored.</summary>
    public const string DocumentId = "document_id";

    /// <summary>
    /// The document version: stored, and a numeric doc value so that verify reads the versions of a million entries
    /// without decompressing their stored fields (indexes written before it existed fall back to the stored value).
    /// </summary>
    public const string Version = "version";

    /// <summary>The chunk text: analyzed for BM25, not stored (the artifact store keeps the text).</summary>
    public const string Text = "text";

    /// <summary>The metadata as a JSON object: stored only.</summary>
    public const string Metadata = "metadata";

    /// <summary>The term that finds a chunk by id.</summary>
    public static Term ChunkTerm(string chunkId) => new(ChunkId, chunkId);

    /// <summary>The term that finds every chunk of a document.</summary>
    public static Term DocumentTerm(string documentId) => new(DocumentId, documentId);

    /// <summary>Builds the Lucene document of <paramref name="record"/>. The stored fields come first, in the order <see cref="IndexEntryVisitor"/> reads them.</summary>
    public static Document CreateDocument(KeywordRecord record) => CreateDocument(record, MetadataJson(record.Metadata));

    /// <summary>Builds the Lucene document of <paramref name="record"/> with its metadata already serialized (<see cref="MetadataJson"/>).</summary>
    public static Document CreateDocument(KeywordRecord record, string? metadataJson)
    {
        var document = new Document
        {
            new StringField(ChunkId, record.ChunkId, Field.Store.YES),
            new StringField(DocumentId, record.DocumentId, Field.Store.YES),
            new StoredField(Version, record.Version),
            new NumericDocValuesField(Version, record.Version),
            new TextField(Text, record.Text, Field.Store.NO),
        };
        if (metadataJson is not null)
        {
            document.Add(new StoredField(Metadata, metadataJson));
        }

        return document;
    }

    /// <summary>The stored form of a record's metadata: a JSON object, or <see langword="null"/> when there is none.</summary>
    public static string? MetadataJson(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is { Count: > 0 } ? FlatJson.Write(metadata) : null;
}
