using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.PostgreSql;

/// <summary>
/// Binds <see cref="PostgreSqlOptions"/> from the <c>DocPipeline:PostgreSql</c> configuration section when the
/// container has an <see cref="IConfiguration"/>; code passed to <c>UsePostgreSql</c> runs after it, so code wins.
/// </summary>
internal sealed class PostgreSqlOptionsSetup(IServiceProvider services) : IConfigureOptions<PostgreSqlOptions>
{
    public void Configure(PostgreSqlOptions options) =>
        services.GetService<IConfiguration>()?.GetSection(PostgreSqlOptions.SectionName).Bind(options);
}
