using Lucene.Net.Documents;

namespace DocPipeline.Indexing.Keyword;

/// <summary>
/// Builds the Lucene documents of a run of records (see <see cref="KeywordFields.CreateDocument(KeywordRecord, string?)"/>)
/// into one set of reused <see cref="Field"/> instances, as Lucene recommends for bulk indexing.
/// </summary>
/// <remarks>
/// A new document per record cost each record new fields and, for every untokenized field, a new token stream with
/// its own attribute map: about a tenth of the bytes a first ingest allocated. The writer consumes a document
/// completely within <c>AddDocument</c>/<c>UpdateDocument</c>, so the next record may overwrite the fields' values.
/// An instance is used by one thread at a time, for one call's records.
/// </remarks>
internal sealed class KeywordDocumentBuilder
{
    private readonly StringField _chunkId = new(KeywordFields.ChunkId, string.Empty, Field.Store.YES);
    private readonly StringField _documentId = new(KeywordFields.DocumentId, string.Empty, Field.Store.YES);
    private readonly StoredField _version = new(KeywordFields.Version, 0);
    private readonly NumericDocValuesField _versionValue = new(KeywordFields.Version, 0L);
    private readonly TextField _text = new(KeywordFields.Text, string.Empty, Field.Store.NO);
    private readonly StoredField _metadata = new(KeywordFields.Metadata, string.Empty);
    private readonly Document _withMetadata;
    private readonly Document _withoutMetadata;

    /// <summary>Initializes a new instance of the <see cref="KeywordDocumentBuilder"/> class.</summary>
    public KeywordDocumentBuilder()
    {
        // The stored fields in the order IndexEntryVisitor reads them, as KeywordFields.CreateDocument adds them.
        _withoutMetadata = [_chunkId, _documentId, _version, _versionValue, _text];
        _withMetadata = [_chunkId, _documentId, _version, _versionValue, _text, _metadata];
    }

    /// <summary>Sets the fields to <paramref name="record"/> and returns the document, valid until the next call.</summary>
    /// <param name="record">The record.</param>
    /// <param name="metadataJson">Its metadata serialized (<see cref="KeywordFields.MetadataJson"/>), or <see langword="null"/> for none.</param>
    public Document Build(KeywordRecord record, string? metadataJson)
    {
        _chunkId.SetStringValue(record.ChunkId);
        _documentId.SetStringValue(record.DocumentId);
        _version.SetInt32Value(record.Version);
        _versionValue.SetInt64Value(record.Version);
        _text.SetStringValue(record.Text);
        if (metadataJson is null)
        {
            return _withoutMetadata;
        }

        _metadata.SetStringValue(metadataJson);
        return _withMetadata;
    }
}
