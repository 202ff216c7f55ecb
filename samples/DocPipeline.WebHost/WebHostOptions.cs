using Microsoft.Extensions.Options;

namespace DocPipeline.WebHost;

/// <summary>
/// The web host's own settings (section <c>WebHost</c>): who may change things, what may be ingested, and how large
/// a request may be. Safe by default: without <see cref="ApiKey"/> nothing can be changed, without
/// <see cref="AllowedSourceRoots"/> nothing can be ingested, and reading needs a sign-in unless
/// <see cref="AnonymousRead"/> opens it.
/// </summary>
public sealed class WebHostOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "WebHost";

    /// <summary>
    /// Gets or sets the key that signs in (on the login page) or authorizes an API request (header
    /// <see cref="ApiKeyHeader"/>). At least 16 characters. The default is none: every change is refused.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets a value indicating whether pages and read-only API calls are open without a key. The default is <see langword="false"/>.</summary>
    public bool AnonymousRead { get; set; }

    /// <summary>Gets the folders that ingest may read from (after resolving links and <c>..</c>). The default is none: ingest is refused.</summary>
    public IList<string> AllowedSourceRoots { get; } = [];

    /// <summary>Gets or sets the folder that backups are written to. The default is <c>backups</c> beside the data folder.</summary>
    public string? BackupDirectory { get; set; }

    /// <summary>Gets or sets the largest request body in bytes, 1 KiB-16 MiB. The default is 64 KiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Gets or sets the longest query string in characters, 64-65536. The default is 4096.</summary>
    public int MaxQueryLength { get; set; } = 4096;

    /// <summary>The header that carries the API key.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>The smallest accepted key length.</summary>
    internal const int MinimumKeyLength = 16;
}

/// <summary>Refuses <see cref="WebHostOptions"/> that cannot work, naming the option.</summary>
internal sealed class WebHostOptionsValidator : IValidateOptions<WebHostOptions>
{
    public ValidateOptionsResult Validate(string? name, WebHostOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (options.ApiKey is { } key && key.Length < WebHostOptions.MinimumKeyLength)
        {
            errors.AddError($"WebHost:ApiKey must be at least {WebHostOptions.MinimumKeyLength} characters long.");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            errors.AddError("WebHost:MaxRequestBodyBytes must be between 1024 and 16777216.");
        }

        if (options.MaxQueryLength is < 64 or > 65536)
        {
            errors.AddError("WebHost:MaxQueryLength must be between 64 and 65536.");
        }

        foreach (var root in options.AllowedSourceRoots)
        {
            if (string.IsNullOrWhiteSpace(root) || !Path.IsPathFullyQualified(root))
            {
                errors.AddError($"WebHost:AllowedSourceRoots must hold absolute folder paths; '{root}' is not one.");
            }
        }

        return errors.Build();
    }
}
