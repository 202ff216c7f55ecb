using Npgsql;

namespace DocPipeline.PostgreSql.Tests;

/// <summary>
/// The PostgreSQL server the tests run against: the one <c>DOCPIPELINE_POSTGRES_CONNECTION</c> names (<c>.ci/run</c>
/// starts one and sets it). Without it, or when the server does not answer, every test that needs it is skipped with
/// the reason.
/// </summary>
internal static class PostgreSqlTestServer
{
    public const string Variable = "DOCPIPELINE_POSTGRES_CONNECTION";

    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>Gets the connection string of the test server (valid once <see cref="SkipIfUnavailable"/> passed).</summary>
    public static string ConnectionString => Environment.GetEnvironmentVariable(Variable) ?? string.Empty;

    /// <summary>Skips the calling test, saying why, when no server is configured or reachable.</summary>
    public static void SkipIfUnavailable()
    {
        var reason = Unavailable.Value;
        Skip.If(reason is not null, reason);
    }

    /// <summary>A schema name no other test uses, so tests run in parallel without sharing tables.</summary>
    public static string NewSchemaName() => "t_" + Guid.NewGuid().ToString("N");

    /// <summary>Options for a store in <paramref name="schema"/>, under an application name of its own (so a test can end only its own backends).</summary>
    public static PostgreSqlOptions Options(string schema, string? applicationName = null) => new()
    {
        ConnectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = applicationName ?? schema }.ConnectionString,
        Schema = schema,
    };

    /// <summary>Runs one statement on the server outside any store (for setup, inspection and cleanup).</summary>
    public static async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync();
    }

    /// <summary>Drops a test schema and everything in it.</summary>
    public static Task DropSchemaAsync(string schema) => ScalarAsync($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;");

    /// <summary>Ends every server backend opened under <paramref name="applicationName"/>, as a server restart or an administrator would, and waits until they are gone.</summary>
    public static async Task<long> TerminateBackendsAsync(string applicationName) =>
        (long)(await ScalarAsync(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = @name AND pid <> pg_backend_pid()) AS t;",
            ("name", applicationName)))!;

    private static string? Probe()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return $"No PostgreSQL server configured: set {Variable} (for example Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres); .ci/run starts one.";
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5 };
            using var connection = new NpgsqlConnection(builder.ConnectionString);
            connection.Open();
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            return $"The PostgreSQL server named by {Variable} is not reachable: {ex.Message}";
        }
    }
}
