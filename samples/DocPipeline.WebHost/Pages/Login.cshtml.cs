using DocPipeline.WebHost.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace DocPipeline.WebHost.Pages;

/// <summary>Signs in with the API key (a session cookie), or signs out.</summary>
public sealed class LoginModel(IOptions<WebHostOptions> options) : PageModel
{
    /// <summary>Gets the page to go back to after signing in (local paths only).</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Gets why the last sign-in failed.</summary>
    public string? Error { get; private set; }

    /// <summary>Signs in when the key is the configured one.</summary>
    public async Task<IActionResult> OnPostAsync(string? key)
    {
        if (!ApiKeyAuthenticationHandler.IsKey(options.Value.ApiKey, key))
        {
            Error = options.Value.ApiKey is null ? "Sign-in is off: the server has no WebHost:ApiKey configured." : "That is not the key.";
            return Page();
        }

        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, ApiKeyAuthenticationHandler.Operator(CookieAuthenticationDefaults.AuthenticationScheme));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    /// <summary>Signs out.</summary>
    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return LocalRedirect("/login");
    }
}
