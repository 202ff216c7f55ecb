using DocPipeline.Jobs;
using DocPipeline.WebHost.Api;
using Microsoft.AspNetCore.Mvc;

namespace DocPipeline.WebHost.Pages;

/// <summary>One job with every error.</summary>
public sealed class JobModel(IJobStore store) : DashboardPage
{
    /// <summary>Gets the job.</summary>
    public JobRecord? Job { get; private set; }

    /// <summary>Gets the job's errors.</summary>
    public IReadOnlyList<JobError> Errors { get; private set; } = [];

    /// <summary>Reads the job, or answers 404.</summary>
    public async Task<IActionResult> OnGetAsync(string? id, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(id) || await store.GetAsync(ApiEndpoints.CheckText(id, nameof(id))!, cancellationToken) is not { } job)
        {
            return NotFound();
        }

        Job = job;
        Errors = await store.ListErrorsAsync(id, cancellationToken);
        return Page();
    }
}
