using DocPipeline.Consistency;
using Microsoft.AspNetCore.Mvc;

namespace DocPipeline.WebHost.Pages;

/// <summary>The last verify result; verify, repair and back up.</summary>
public sealed class ConsistencyModel(WriterSide writer, ReadSide reads, BackupFolder backups) : DashboardPage
{
    internal DashboardState State => HttpContext.RequestServices.GetRequiredService<DashboardState>();

    /// <summary>Gets where backups go.</summary>
    public string BackupPath => backups.Path;

    /// <summary>Shows the page.</summary>
    public void OnGet()
    {
    }

    /// <summary>Compares each index with the registry.</summary>
    public Task<IActionResult> OnPostVerifyAsync() => WriteAsync(async () =>
    {
        var report = await reads.Get<IIndexMaintenance>().VerifyAsync(new VerifyOptions(), HttpContext.RequestAborted);
        State.Verified(report);
        return report.IsConsistent ? "Verified: the indexes match the registry." : "Verified: the indexes differ from the registry; see below.";
    });

    /// <summary>Lists (or, with <paramref name="autoFix"/>, does) what makes the indexes match the registry.</summary>
    public Task<IActionResult> OnPostRepairAsync(bool autoFix) => WriteAsync(async () =>
    {
        var repair = await writer.RunAsync<IIndexMaintenance, RepairResult>(
            (maintenance, token) => maintenance.RepairAsync(new RepairOptions { AutoFix = autoFix }, token), HttpContext.RequestAborted);
        State.Verified(repair.After ?? repair.Before);
        return repair.Actions.Count == 0 ? "Nothing to repair." : $"{(autoFix ? "Repaired" : "Would do")}: {string.Join("; ", repair.Actions.Take(10))}";
    });

    /// <summary>Backs up the data folder.</summary>
    public Task<IActionResult> OnPostBackupAsync() => WriteAsync(async () =>
    {
        var backup = await writer.RunAsync<IIndexMaintenance, BackupResult>(
            (maintenance, token) => maintenance.BackupAsync(new BackupOptions { Destination = backups.Path }, token), HttpContext.RequestAborted);
        return $"Backed up {backup.Documents} documents ({backup.Files} files, {backup.Bytes} bytes) to {backup.Path}.";
    });
}
