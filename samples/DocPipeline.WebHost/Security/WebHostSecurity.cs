using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace DocPipeline.WebHost.Security;

/// <summary>
/// Who may read and who may change: an API key in a header, or a session cookie signed in with that key on the login
/// page (forms carry antiforgery tokens). Requests under <c>/api</c> get problem details (401/403), pages a redirect
/// to the login page.
/// </summary>
internal static class WebHostSecurity
{
    /// <summary>The policy of every request that changes something (ingest, remove, cancel, retry, pause, repair, backup, …).</summary>
    public const string WritePolicy = "DocPipeline.Write";

    /// <summary>The policy of pages and read-only API calls: signed in, unless <see cref="WebHostOptions.AnonymousRead"/>.</summary>
    public const string ReadPolicy = "DocPipeline.Read";

    private const string EitherScheme = "ApiKeyOrCookie";

    public static IServiceCollection AddWebHostSecurity(this IServiceCollection services)
    {
        services.AddAuthentication(EitherScheme)
            .AddPolicyScheme(EitherScheme, "API key or session", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(WebHostOptions.ApiKeyHeader)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/login";
                o.Cookie.Name = "docpipeline.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;

                // The API answers with problem details; only pages are sent to the login page.
                o.Events.OnRedirectToLogin = context => IsApi(context.Request)
                    ? Problem(context.HttpContext, StatusCodes.Status401Unauthorized, context.HttpContext.RequestServices.GetRequiredService<IOptions<WebHostOptions>>().Value.ApiKey is null
                        ? "Changes are off: the server has no WebHost:ApiKey configured."
                        : $"Sign in, or send the key in the {WebHostOptions.ApiKeyHeader} header.")
                    : Redirect(context);
                o.Events.OnRedirectToAccessDenied = context => IsApi(context.Request)
                    ? Problem(context.HttpContext, StatusCodes.Status403Forbidden, "This session may not do that.")
                    : Redirect(context);
            });

        // A request authenticates with the key header when it sends one, else with the session cookie (sent same-site
        // only: SameSite=Strict, so another site cannot make a signed-in browser change anything).
        services.AddAuthorizationBuilder()
            .AddPolicy(WritePolicy, p => p.RequireAuthenticatedUser())
            .AddPolicy(ReadPolicy, p => p.AddRequirements(new ReadRequirement()));
        services.AddSingleton<IAuthorizationHandler, ReadRequirementHandler>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "docpipeline.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        return services;
    }

    private static Task Problem(HttpContext context, int status, string detail) =>
        Results.Problem(detail: detail, statusCode: status).ExecuteAsync(context);

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Whether the request is for the JSON API (answered with problem details rather than redirects).</summary>
    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reading is allowed to a signed-in user, or to anyone when <see cref="WebHostOptions.AnonymousRead"/>.</summary>
    internal sealed class ReadRequirement : IAuthorizationRequirement;

    private sealed class ReadRequirementHandler(IOptions<WebHostOptions> options) : AuthorizationHandler<ReadRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ReadRequirement requirement)
        {
            if (options.Value.AnonymousRead || context.User.Identity?.IsAuthenticated == true)
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }
}
