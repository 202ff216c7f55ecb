using DocPipeline.Jobs;
using DocPipeline.WebHost.Api;
using Microsoft.AspNetCore.Mvc;

namespace DocPipeline.WebHost.Pages;

/// <summary>The jobs, filtered by state; cancel, retry, pause and resume.</summary>
public sealed class JobsModel(IJobStore store) : DashboardPage
{
    /// <summary>How many jobs the page shows.</summary>
    public const int PageSize = 200;

    private const string Operator = "web dashboard";

    /// <summary>Gets the state filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>Gets the jobs.</summary>
    public IReadOnlyList<JobRecord> Jobs { get; private set; } = [];

    /// <summary>Gets the queue's pause state.</summary>
    public QueuePauseState Queue { get; private set; } = QueuePauseState.Running;

    /// <summary>Lists the jobs.</summary>
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Jobs = await store.ListAsync(new JobQuery { Status = WebWords.Parse<JobStatus>(Status, "status"), Limit = PageSize }, cancellationToken);
        Queue = await store.GetPauseStateAsync(cancellationToken);
    }

    /// <summary>Cancels a job.</summary>
    public Task<IActionResult> OnPostCancelAsync(string id) => WriteAsync(async () =>
        $"Job {id}: {WebWords.Word(await store.CancelAsync(ApiEndpoints.CheckText(id, nameof(id))!, HttpContext.RequestAborted))}.");

    /// <summary>Retries a failed or cancelled job.</summary>
    public Task<IActionResult> OnPostRetryAsync(string id) => WriteAsync(async () =>
        await store.RetryAsync(ApiEndpoints.CheckText(id, nameof(id))!, HttpContext.RequestAborted) ? $"Job {id} is queued again." : $"Job {id} cannot be retried.");

    /// <summary>Pauses the queue for every process.</summary>
    public Task<IActionResult> OnPostPauseAsync() => WriteAsync(async () =>
    {
        await store.SetPauseStateAsync(true, false, Operator, HttpContext.RequestAborted);
        return "The queue is paused: running jobs finish, no new job starts.";
    });

    /// <summary>Resumes the queue.</summary>
    public Task<IActionResult> OnPostResumeAsync() => WriteAsync(async () =>
    {
        await store.SetPauseStateAsync(false, false, Operator, HttpContext.RequestAborted);
        return "The queue is running.";
    });
}
