using DocPipeline.WebHost.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DocPipeline.WebHost.Pages;

/// <summary>
/// A dashboard page: reading follows <see cref="WebHostSecurity.ReadPolicy"/> (a folder convention), and every POST
/// handler first asks <see cref="WebHostSecurity.WritePolicy"/> through <see cref="WriteAsync"/>. Forms carry
/// antiforgery tokens (checked by Razor Pages on every POST).
/// </summary>
public abstract class DashboardPage : PageModel
{
    /// <summary>Runs <paramref name="action"/> when the user may change things; otherwise asks to sign in.</summary>
    protected async Task<IActionResult> WriteAsync(Func<Task<string>> action, string? redirect = null)
    {
        var authorization = HttpContext.RequestServices.GetRequiredService<IAuthorizationService>();
        if (!(await authorization.AuthorizeAsync(User, WebHostSecurity.WritePolicy)).Succeeded)
        {
            return Challenge();
        }

        try
        {
            TempData["Message"] = await action();
        }
        catch (Exception ex) when (ex is ArgumentException or FolderBusyException)
        {
            TempData["Message"] = ex.Message;
        }

        return redirect is null ? RedirectToPage() : LocalRedirect(redirect);
    }
}
