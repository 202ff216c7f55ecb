using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DocPipeline.WebHost.Security;

/// <summary>
/// Authenticates a request that carries <see cref="WebHostOptions.ApiKeyHeader"/>: the key is compared with the
/// configured one in constant time (over SHA-256 digests, so the length leaks nothing either).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    IOptions<WebHostOptions> hostOptions,
    ILoggerFactory logger,
    UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    /// <summary>The name of the scheme.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>Whether <paramref name="given"/> is the configured key (false when none is configured).</summary>
    public static bool IsKey(string? configured, string? given)
    {
        if (string.IsNullOrEmpty(configured) || string.IsNullOrEmpty(given))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(configured)), SHA256.HashData(Encoding.UTF8.GetBytes(given)));
    }

    /// <summary>The signed-in operator, as both schemes name it.</summary>
    public static ClaimsPrincipal Operator(string scheme) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], scheme));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(WebHostOptions.ApiKeyHeader, out var values))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(IsKey(hostOptions.Value.ApiKey, values.ToString())
            ? AuthenticateResult.Success(new AuthenticationTicket(Operator(SchemeName), SchemeName))
            : AuthenticateResult.Fail($"The {WebHostOptions.ApiKeyHeader} header does not hold the configured key."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, hostOptions.Value.ApiKey is null
            ? "Changes are off: the server has no WebHost:ApiKey configured."
            : $"Sign in, or send the key in the {WebHostOptions.ApiKeyHeader} header.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "This key may not do that.");

    private Task WriteProblemAsync(int status, string detail)
    {
        Response.Headers.WWWAuthenticate = SchemeName;
        return Results.Problem(detail: detail, statusCode: status).ExecuteAsync(Context);
    }
}
