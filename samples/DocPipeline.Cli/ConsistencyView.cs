using DocPipeline.Consistency;

namespace DocPipeline.Cli;

/// <summary>Prints the results of the index consistency actions: one JSON object with <c>--json</c>, readable lines otherwise.</summary>
internal static class ConsistencyView
{
    public static void Report(ConsistencyReport report, CliOutput output)
    {
        if (output.IsJson)
        {
            output.WriteJson(ToJson(report));
            return;
        }

        WriteReport(report, output);
        WriteStores(report, output);
        output.Line(!report.IsIntact
            ? $"Damaged: {string.Join(", ", report.Stores.Values.Where(s => !s.IsIntact).Select(s => s.Name))}. Restore from a backup ('docpipe manage --restore'), or rebuild a damaged index ('docpipe manage --rebuild-index')."
            : report.IsConsistent
            ? "Consistent: every index matches the registry" + (report.Stores.Count > 0 ? " and every store checked is intact." : ".")
            : "Inconsistent. See the fixes with 'docpipe manage --repair-consistency'; apply them with '--repair-consistency --auto-fix'.");
    }

    public static void Repair(RepairResult result, CliOutput output)
    {
        if (output.IsJson)
        {
            output.WriteJson(new
            {
                DryRun = result.DryRun,
                Consistent = (result.After ?? result.Before).IsConsistent,
                Actions = result.Actions,
                Indexes = result.Indexes.ToDictionary(
                    p => p.Key,
                    p => new { p.Value.Rewritten, p.Value.Deleted, p.Value.Rebuilt, p.Value.Skipped, p.Value.Unrepairable, p.Value.Error }),
                Before = ToJson(result.Before),
                After = result.After is null ? null : ToJson(result.After),
            });
            return;
        }

        WriteReport(result.Before, output);
        output.Line(result.DryRun ? "Would do (dry run; add --auto-fix to do it):" : "Done:");
        foreach (var action in result.Actions)
        {
            output.Line($"  {action}");
        }

        if (result.After is { } after)
        {
            output.Line(after.IsConsistent ? "Consistent now: every index matches the registry." : "Still inconsistent:");
            if (!after.IsConsistent)
            {
                WriteReport(after, output);
            }
        }
    }

    public static void Backup(BackupResult result, CliOutput output)
    {
        if (output.IsJson)
        {
            output.WriteJson(new
            {
                result.Path,
                result.CreatedAt,
                result.Stores,
                result.Skipped,
                result.Files,
                result.Bytes,
                result.Documents,
                result.Chunks,
                result.Reconciled,
                result.Expired,
            });
            return;
        }

        output.Line($"Backed up {result.Documents} documents ({result.Chunks} chunks) to {result.Path}");
        output.Line($"  {result.Files} files, {result.Bytes:N0} bytes: {string.Join(", ", result.Stores)}");
        foreach (var skipped in result.Skipped)
        {
            output.Line($"  not included: {skipped}");
        }

        foreach (var expired in result.Expired)
        {
            output.Line($"  deleted (older than the retention): {expired}");
        }
    }

    public static void Restore(RestoreResult result, CliOutput output)
    {
        if (output.IsJson)
        {
            output.WriteJson(new { result.Source, result.BackupCreatedAt, result.Stores, result.BackupPath, result.Documents, result.Chunks });
            return;
        }

        output.Line($"Restored {string.Join(", ", result.Stores)} from {result.Source} (taken {result.BackupCreatedAt:u}): {result.Documents} documents, {result.Chunks} chunks");
        if (result.BackupPath is not null)
        {
            output.Line($"  the replaced data was backed up first to {result.BackupPath}");
        }
    }

    public static void Rebuild(RebuildResult result, CliOutput output)
    {
        if (output.IsJson)
        {
            output.WriteJson(new
            {
                Indexes = result.Indexes.ToDictionary(p => p.Key, p => new { p.Value.Documents, p.Value.Chunks, p.Value.Unrepairable, p.Value.MovedAside }),
                result.BackupPath,
                Consistent = result.After.IsConsistent,
                DurationMs = (long)result.Duration.TotalMilliseconds,
            });
            return;
        }

        foreach (var index in result.Indexes.Values)
        {
            output.Line($"Rebuilt the {index.Name} index: {index.Chunks} chunks of {index.Documents} documents, from stored chunks and embeddings.");
            if (index.MovedAside is not null)
            {
                output.Line($"  its damaged files were moved aside: {index.MovedAside}");
            }

            if (index.Unrepairable > 0)
            {
                output.Line($"  {index.Unrepairable} chunks have no stored embedding; re-ingest their documents with --force-reprocess.");
            }
        }

        output.Line(result.After.IsConsistent ? "Consistent: every index matches the registry." : "Still inconsistent: run 'docpipe manage --verify-consistency'.");
    }

    /// <summary>The verify JSON: <c>{"consistent", "indexes": {"vector": {"missing", "orphaned", "stale", …}, …}, "documents": […]}</c>.</summary>
    private static object ToJson(ConsistencyReport report) => new
    {
        Consistent = report.IsConsistent,
        Indexes = report.Indexes.ToDictionary(
            p => p.Key,
            p => new
            {
                p.Value.Discrepancies.Missing,
                p.Value.Discrepancies.Orphaned,
                p.Value.Discrepancies.Stale,
                p.Value.Expected,
                p.Value.Entries,
                p.Value.CountMismatch,
                p.Value.InFlight,
                p.Value.Error,
                Documents = p.Value.Documents,
            }),
        Documents = report.Documents.Select(d => new
        {
            DocId = d.DocumentId,
            Indexes = d.Indexes.ToDictionary(i => i.Key, i => new { i.Value.Missing, i.Value.Orphaned, i.Value.Stale }),
        }),
        report.DocumentCount,
        Pending = report.PendingDocuments,
        report.PendingDocumentCount,
        report.RegistryChunks,
        report.Deep,
        Intact = report.IsIntact,
        Stores = report.Stores.ToDictionary(p => p.Key, p => new { p.Value.Check, Intact = p.Value.IsIntact, p.Value.Error, p.Value.Note }),
        DurationMs = (long)report.Duration.TotalMilliseconds,
    };

    private static void WriteStores(ConsistencyReport report, CliOutput output)
    {
        foreach (var store in report.Stores.Values)
        {
            output.Line(store.IsIntact ? $"{store.Name} store: intact ({store.Check})" : $"{store.Name} store: DAMAGED ({store.Check}): {store.Error}");
            if (store.Note is not null)
            {
                output.Line($"  {store.Note}");
            }
        }
    }

    private static void WriteReport(ConsistencyReport report, CliOutput output)
    {
        foreach (var index in report.Indexes.Values)
        {
            if (index.Error is not null)
            {
                output.Line($"{index.Name}: cannot be read: {index.Error}");
                continue;
            }

            var counts = $"{index.Entries} entries, the registry expects {index.Expected}";
            if (index.IsConsistent)
            {
                output.Line($"{index.Name}: consistent ({counts})");
                continue;
            }

            var d = index.Discrepancies;
            output.Line($"{index.Name}: {d.Missing} missing, {d.Orphaned} orphaned, {d.Stale} stale ({counts})");
            output.Line($"  documents: {string.Join(", ", index.Documents.Take(20))}{(index.Documents.Count > 20 ? ", …" : string.Empty)}");
        }

        if (report.PendingDocumentCount > 0)
        {
            output.Line($"{report.PendingDocumentCount} documents are being written and were left out: {string.Join(", ", report.PendingDocuments.Take(20))}");
        }
    }
}
