using DocPipeline.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DocPipeline.PostgreSql;

/// <summary>
/// Validates <see cref="PostgreSqlOptions"/>: the data annotations, a connection string Npgsql can parse and that names
/// a host, and a schema that is a plain identifier. Each failure names its key (<c>DocPipeline:PostgreSql:…</c>).
/// </summary>
internal sealed class PostgreSqlOptionsValidator : IValidateOptions<PostgreSqlOptions>
{
    /// <summary>The longest identifier PostgreSQL keeps without truncating it.</summary>
    private const int MaxIdentifierLength = 63;

    public ValidateOptionsResult Validate(string? name, PostgreSqlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new ValidateOptionsResultBuilder();
        OptionsAnnotations.Validate(options, PostgreSqlOptions.SectionName, failures);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            try
            {
                var parsed = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                if (string.IsNullOrWhiteSpace(parsed.Host))
                {
                    failures.AddError($"{PostgreSqlOptions.SectionName}:ConnectionString names no Host.");
                }
            }
            catch (ArgumentException ex)
            {
                failures.AddError($"{PostgreSqlOptions.SectionName}:ConnectionString is not a valid Npgsql connection string: {ex.Message}");
            }
        }

        if (!string.IsNullOrEmpty(options.Schema) && !IsPlainIdentifier(options.Schema))
        {
            failures.AddError(
                $"{PostgreSqlOptions.SectionName}:Schema must be a plain identifier: letters, digits and underscores, not starting with a digit, at most {MaxIdentifierLength} characters (was '{options.Schema}').");
        }

        return failures.Build();
    }

    /// <summary>Whether <paramref name="value"/> can be used as a schema name without any escaping.</summary>
    internal static bool IsPlainIdentifier(string value) =>
        value.Length is > 0 and <= MaxIdentifierLength
        && (char.IsAsciiLetter(value[0]) || value[0] == '_')
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
