namespace DocPipeline.Storage;

/// <summary>An embedded store on a SQLite file of the data folder: what its part in backups and verify needs to know.</summary>
internal interface IEmbeddedSqliteStore
{
    /// <summary>Gets the store's part name in the data folder (see <see cref="Consistency.DataFolderLayout"/>).</summary>
    static abstract string PartName { get; }

    /// <summary>Gets what the file holds, in messages.</summary>
    static abstract string StoreDescription { get; }

    /// <summary>Gets the store's schema.</summary>
    static abstract SqliteSchema StoreSchema { get; }
}
