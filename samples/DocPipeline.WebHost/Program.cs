using DocPipeline;
using DocPipeline.WebHost;
using DocPipeline.WebHost.Api;
using DocPipeline.WebHost.Security;

// A web host over DocPipeline: a dashboard (Razor Pages) and a JSON API under /api, jobs processed in the background
// by the hosted worker, health at /health, the API described at /openapi/v1.json. Options come from the "DocPipeline"
// and "WebHost" sections of appsettings.json or the environment (DocPipeline__DataDirectory=..., WebHost__ApiKey=...).
// Safe by default: loopback only, changes need the API key (header or signed-in session), ingest only under
// WebHost:AllowedSourceRoots.
var builder = WebApplication.CreateBuilder(args);

// Against DNS rebinding: unless configured, only requests for the loopback names are served (Host: evil.example.com gets 400).
if (string.IsNullOrEmpty(builder.Configuration["AllowedHosts"]))
{
    builder.Configuration["AllowedHosts"] = "localhost;127.0.0.1;[::1]";
}

// Run as a built dll from another folder (dotnet artifacts/bin/.../DocPipeline.WebHost.dll), the content root is that
// folder: its appsettings.json is not read and wwwroot is not there. The build's static web assets manifest (absent
// from a publish, where wwwroot is copied) still serves the stylesheet and scripts, and the framework's per-request
// log lines stay off unless configured.
builder.WebHost.UseStaticWebAssets();
if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
{
    builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
}

// This container only shares the job store with other processes; it never opens the indexes. Changes go through the
// WriterSide (opened while there is something to write, so a docpipe batch beside the host gets its turn), reads
// through the ReadSide, and the FolderWorker runs the queue's jobs whenever the folder is free.
WebHostEmbedder.Use(builder.Services.AddDocPipeline(), builder.Configuration);

builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
    "docpipeline", sp => new ReadSideHealthCheck(sp.GetRequiredService<ReadSide>()), failureStatus: null, tags: ["docpipeline"]));
builder.Services.AddWebHostDefaults();
builder.Services.AddOptions<WebHostOptions>().BindConfiguration(WebHostOptions.SectionName).ValidateOnStart();
builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<WebHostOptions>, WebHostOptionsValidator>();
builder.Services.AddSingleton<SourceRoots>();
builder.Services.AddSingleton<BackupFolder>();
builder.Services.AddSingleton<DashboardState>();
builder.Services.AddSingleton<ReadSide>();
builder.Services.AddSingleton<WriterSide>();
builder.Services.AddSingleton<FolderWorker>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<FolderWorker>());
builder.Services.AddWebHostSecurity();
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.Services.ConfigureHttpJsonOptions(o => WebWords.Configure(o.SerializerOptions));
builder.Services.AddRazorPages(o =>
{
    o.Conventions.AuthorizeFolder("/", WebHostSecurity.ReadPolicy);
    o.Conventions.AllowAnonymousToPage("/Login");
});

// A malformed number or enum in a query or body throws (instead of an empty 400) so the handler below can say what was wrong.
builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestLimits();

// Bad input answers 400 with a message: a value that cannot be read, or an option DocPipeline refuses (for example
// SearchOptions.TopK outside 1-1000), checked before any work or allocation.
app.Use(async (context, next) =>
{
    try
    {
        await next(context);
    }
    catch (FolderBusyException ex) when (!context.Response.HasStarted)
    {
        await Results.Problem(detail: ex.Message, statusCode: StatusCodes.Status409Conflict, title: "The data folder is being written by another process").ExecuteAsync(context);
    }
    catch (Exception ex) when (ex is BadHttpRequestException or ArgumentException or DocPipeline.Consistency.InvalidBackupException && !context.Response.HasStarted)
    {
        var status = ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;

        // A body that is not the expected JSON: say where (for example "could not be converted to UpdateMode. Path: $.mode").
        var detail = ex.InnerException is System.Text.Json.JsonException json ? $"{ex.Message} {json.Message}" : ex.Message;
        await Results.Problem(detail: detail, statusCode: status).ExecuteAsync(context);
    }
});

app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapDocPipelineApi();
app.MapOpenApi();
app.MapHealthChecks("/health");
app.MapAskEndpoint(); // POST /api/ask, only when a chat model is configured (AskEndpoints.cs)
app.MapRazorPages();

app.Run();
