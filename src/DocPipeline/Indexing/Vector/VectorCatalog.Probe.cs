namespace DocPipeline.Indexing.Vector;

/// <summary>The cheap read of the catalog that opening the index needs (see <see cref="VectorStore"/>).</summary>
internal sealed partial class VectorCatalog
{
    /// <summary>
    /// Reads, in one read transaction, the dimensions and the entries in the lowest and the highest slot: what an open
    /// checks against the vector file without loading every entry. Both ends come from the unique index on the slot,
    /// so this costs a few page reads however many entries the catalog holds.
    /// </summary>
    /// <returns>The dimensions (<see langword="null"/> when none are recorded) and the two entries (<see langword="null"/> when the catalog holds none).</returns>
    public (long? Dimensions, VectorSlotEntry? Lowest, VectorSlotEntry? Highest) Probe() => _database.Read(session =>
    {
        using var transaction = session.Connection.BeginTransaction(deferred: true);
        using var command = session.Connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM vector_settings WHERE name = 'dimensions';";
        var dimensions = command.ExecuteScalar() as long?;
        command.CommandText = $"SELECT {EntryColumns} FROM vector_entries ORDER BY slot LIMIT 1;";
        var lowest = ReadOne(command);
        command.CommandText = $"SELECT {EntryColumns} FROM vector_entries ORDER BY slot DESC LIMIT 1;";
        var highest = ReadOne(command);
        transaction.Commit();
        return (dimensions, lowest, highest);
    });

    /// <summary>Counts the entries and their documents in SQLite, without loading them.</summary>
    public (long Entries, long Documents) Count() => _database.Read(session =>
    {
        using var command = session.Connection.CreateCommand();
        command.CommandText = "SELECT count(*), count(DISTINCT document_id) FROM vector_entries;";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    });

    private static VectorSlotEntry? ReadOne(Microsoft.Data.Sqlite.SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadEntry(reader) : null;
    }
}
