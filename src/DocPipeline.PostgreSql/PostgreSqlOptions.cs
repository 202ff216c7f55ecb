using System.ComponentModel.DataAnnotations;

namespace DocPipeline.PostgreSql;

/// <summary>
/// Options of the PostgreSQL backend (<c>DocPipeline:PostgreSql</c>): where the shared job store, fingerprint store,
/// document registry and keyword index live. Validated when the host starts; every error names its key.
/// </summary>
public sealed class PostgreSqlOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "DocPipeline:PostgreSql";

    /// <summary>
    /// Gets or sets the Npgsql connection string, for example
    /// <c>Host=db.internal;Port=5432;Database=docs;Username=docpipeline;Password=…</c>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>; a value is required.</value>
    [Required]
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets the PostgreSQL schema that holds DocPipeline's tables. Deployments that share one database keep
    /// apart by using different schemas. It must be a plain identifier: letters, digits and underscores, not starting
    /// with a digit, at most 63 characters.
    /// </summary>
    /// <value>The default value is <c>docpipeline</c>.</value>
    [Required]
    public string Schema { get; set; } = "docpipeline";

    /// <summary>Gets or sets how long one statement may run before it is abandoned with an error.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the most connections this process opens to the server. Each running job, heartbeat and claim
    /// borrows one for the length of a statement; a statement that finds every connection busy waits for one (up to
    /// the connection string's <c>Timeout</c>). <c>MaxConcurrent</c> + 4 keeps that wait rare; the server's
    /// <c>max_connections</c> must cover the sum over every worker process.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the connection string's <c>Maximum Pool Size</c>, else 100.</value>
    [Range(1, 10_000)]
    public int? MaxPoolSize { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether DocPipeline creates and migrates its schema on first use. Turn it off
    /// where the application may not run DDL; the stores then check the schema version and report what is missing.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool MigrateSchema { get; set; } = true;
}
