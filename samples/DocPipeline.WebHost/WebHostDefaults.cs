using DocPipeline.Configuration;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace DocPipeline.WebHost;

/// <summary>The defaults that make the host safe to start as it is: data outside the source tree, bounded requests.</summary>
internal static class WebHostDefaults
{
    /// <summary>The data folder when <c>DocPipeline:DataDirectory</c> is not configured: under the user's local application data.</summary>
    public static string DataDirectory => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "DocPipeline", "web");

    /// <summary>Uses <see cref="DataDirectory"/> unless the configuration names a data folder.</summary>
    public static IServiceCollection AddWebHostDefaults(this IServiceCollection services)
    {
        services.AddOptions<DocPipelineOptions>().PostConfigure<IConfiguration>((options, configuration) =>
        {
            if (string.IsNullOrWhiteSpace(configuration["DocPipeline:DataDirectory"]))
            {
                options.DataDirectory = DataDirectory;
            }
        });
        return services;
    }

    /// <summary>
    /// Refuses a query string longer than <see cref="WebHostOptions.MaxQueryLength"/> (414) and a body larger than
    /// <see cref="WebHostOptions.MaxRequestBodyBytes"/> (413), with problem details, before any endpoint reads them.
    /// </summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var options = context.RequestServices.GetRequiredService<IOptions<WebHostOptions>>().Value;
        if (context.Request.QueryString.Value is { } query && query.Length > options.MaxQueryLength)
        {
            await Results.Problem($"The query string is longer than WebHost:MaxQueryLength ({options.MaxQueryLength} characters).", statusCode: StatusCodes.Status414UriTooLong).ExecuteAsync(context);
            return;
        }

        if (context.Request.ContentLength > options.MaxRequestBodyBytes)
        {
            await Results.Problem($"The request body is larger than WebHost:MaxRequestBodyBytes ({options.MaxRequestBodyBytes} bytes).", statusCode: StatusCodes.Status413PayloadTooLarge).ExecuteAsync(context);
            return;
        }

        // A chunked body without a length is cut off by the server at the same size.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxRequestBodyBytes;
        }

        await next(context);
    });
}
