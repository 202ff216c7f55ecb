using Lucene.Net.Index;

namespace DocPipeline.Indexing.Keyword;

/// <summary>Reads only the identity fields of a stored document and stops before the rest. Reusable after <see cref="Reset"/>.</summary>
internal sealed class IndexEntryVisitor : StoredFieldVisitor
{
    private const int AllFields = 3;
    private string _chunkId = string.Empty;
    private string _documentId = string.Empty;
    private int _version;
    private int _found;

    /// <summary>Gets the entry read by the last visit.</summary>
    public IndexEntry Entry => new(_chunkId, _documentId, _version);

    /// <summary>Forgets the last document, before the next visit.</summary>
    public void Reset()
    {
        _chunkId = string.Empty;
        _documentId = string.Empty;
        _version = 0;
        _found = 0;
    }

    public override Status NeedsField(FieldInfo fieldInfo)
    {
        ArgumentNullException.ThrowIfNull(fieldInfo);
        if (_found == AllFields)
        {
            return Status.STOP;
        }

        return fieldInfo.Name is KeywordFields.ChunkId or KeywordFields.DocumentId or KeywordFields.Version ? Status.YES : Status.NO;
    }

    public override void StringField(FieldInfo fieldInfo, string value)
    {
        ArgumentNullException.ThrowIfNull(fieldInfo);
        if (fieldInfo.Name == KeywordFields.ChunkId)
        {
            _chunkId = value;
            _found++;
        }
        else if (fieldInfo.Name == KeywordFields.DocumentId)
        {
            _documentId = value;
            _found++;
        }
    }

    public override void Int32Field(FieldInfo fieldInfo, int value)
    {
        ArgumentNullException.ThrowIfNull(fieldInfo);
        if (fieldInfo.Name == KeywordFields.Version)
        {
            _version = value;
            _found++;
        }
    }
}
