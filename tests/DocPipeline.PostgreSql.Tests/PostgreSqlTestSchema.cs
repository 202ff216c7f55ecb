using DocPipeline.PostgreSql.Storage;

namespace DocPipeline.PostgreSql.Tests;

/// <summary>
/// One test's own schema on the test server: every pool opened through it uses that schema, and disposing drops the
/// schema with everything in it. Creating one skips the test when no server is available.
/// </summary>
internal sealed class PostgreSqlTestSchema : IAsyncDisposable
{
    private readonly List<PostgreSqlDatabase> _databases = [];

    public PostgreSqlTestSchema()
    {
        PostgreSqlTestServer.SkipIfUnavailable();
    }

    /// <summary>Gets the schema name.</summary>
    public string Name { get; } = PostgreSqlTestServer.NewSchemaName();

    /// <summary>Gets the application name of this schema's pools (see <see cref="PostgreSqlTestServer.TerminateBackendsAsync"/>).</summary>
    public string ApplicationName => Name;

    /// <summary>Gets options for this schema.</summary>
    public PostgreSqlOptions Options(Action<PostgreSqlOptions>? configure = null)
    {
        var options = PostgreSqlTestServer.Options(Name, ApplicationName);
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Opens a new pool on this schema, disposed with the schema.</summary>
    public PostgreSqlDatabase Open(Action<PostgreSqlOptions>? configure = null)
    {
        var database = new PostgreSqlDatabase(Options(configure), logger: null);
        lock (_databases)
        {
            _databases.Add(database);
        }

        return database;
    }

    public async ValueTask DisposeAsync()
    {
        PostgreSqlDatabase[] databases;
        lock (_databases)
        {
            databases = [.. _databases];
        }

        foreach (var database in databases)
        {
            await database.DisposeAsync();
        }

        await PostgreSqlTestServer.DropSchemaAsync(Name);
    }
}
