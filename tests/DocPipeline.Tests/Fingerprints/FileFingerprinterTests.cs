using System.Security.Cryptography;
using System.Text;
using DocPipeline.Configuration;
using DocPipeline.Fingerprints;
using DocPipeline.Specification.Tests;
using DocPipeline.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.Tests.Fingerprints;

public sealed class FileFingerprinterTests : IDisposable
{
    private static readonly DateTimeOffset RunTime = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(RunTime);
    private readonly CountingFileSystem _files = new();
    private readonly SqliteDatabaseProvider _databases = new();
    private readonly CountingFingerprintStore _store;

    public FileFingerprinterTests()
    {
        _store = new CountingFingerprintStore(new SqliteFingerprintStore(_databases, Options.Create(NewOptions()), _time));
    }

    [Fact]
    public async Task CheckAsync_NewFile_NewWithTheContentHashAndNothingRecordedYet()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: false);

        Assert.Equal(FingerprintStatus.New, check.Status);
        Assert.True(check.NeedsProcessing);
        Assert.True(check.ContentHashed);
        Assert.Null(check.Previous);
        Assert.Equal(
            new SourceFingerprint
            {
                Source = path,
                Size = 11,
                LastWriteTimeUtc = RunTime.AddHours(-1),
                ContentHash = Sha256("hello world"),
                LastSeenAt = RunTime,
            },
            check.Fingerprint);
        Assert.Null(await _store.GetAsync(path));
    }

    [Fact]
    public async Task CheckAsync_UnchangedFile_NotOpenedNotChangedAndMarkedSeen()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");
        await RecordAsync(fingerprinter, path);
        _time.Advance(TimeSpan.FromDays(1));

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: false);

        Assert.Equal(FingerprintStatus.Unchanged, check.Status);
        Assert.False(check.NeedsProcessing);
        Assert.False(check.ContentHashed);
        Assert.Equal(0, _files.Opens);
        Assert.Equal(RunTime.AddDays(1), (await _store.GetAsync(path))!.LastSeenAt);
    }

    [Fact]
    public async Task CheckAsync_LastWriteTimeWithSubMillisecondTicks_UnchangedAfterTheMillisecondRoundTrip()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world", RunTime.AddHours(-1).AddTicks(1_234_567));
        await RecordAsync(fingerprinter, path);

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: false);

        Assert.Equal(FingerprintStatus.Unchanged, check.Status);
        Assert.Equal(0, _files.Opens);
    }

    [Fact]
    public async Task CheckAsync_ByteChangedWithSameSizeAndRestoredLastWriteTime_MissedByQuickCheckAndFoundWhenForced()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");
        await RecordAsync(fingerprinter, path);
        var lastWrite = File.GetLastWriteTimeUtc(path);
        await File.WriteAllTextAsync(path, "hello World");
        File.SetLastWriteTimeUtc(path, lastWrite);
        _time.Advance(TimeSpan.FromDays(1));

        var quick = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: false);
        var forced = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: true);

        Assert.Equal(FingerprintStatus.Unchanged, quick.Status);
        Assert.Equal(FingerprintStatus.Changed, forced.Status);
        Assert.True(forced.NeedsProcessing);
        Assert.Equal(Sha256("hello World"), forced.Fingerprint!.ContentHash);
        Assert.Equal(1, _files.Opens);
    }

    [Fact]
    public async Task CheckAsync_ForcedOnUnchangedFile_OpenedAndStillUnchanged()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");
        await RecordAsync(fingerprinter, path);

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: true);

        Assert.Equal(FingerprintStatus.Unchanged, check.Status);
        Assert.True(check.ContentHashed);
        Assert.Equal(1, _files.Opens);
    }

    [Fact]
    public async Task CheckAsync_TouchedFile_TouchedNotChangedAndNewTimeRecordedWithoutHistory()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");
        await RecordAsync(fingerprinter, path);
        File.SetLastWriteTimeUtc(path, RunTime.AddMinutes(-5).UtcDateTime);

        var touched = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: false);
        _files.Reset();
        var after = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: false);

        Assert.Equal(FingerprintStatus.Touched, touched.Status);
        Assert.False(touched.NeedsProcessing);
        Assert.True(touched.ContentHashed);
        Assert.Equal(RunTime.AddMinutes(-5), (await _store.GetAsync(path))!.LastWriteTimeUtc);
        Assert.Equal("doc:" + path, (await _store.GetAsync(path))!.DocumentId);
        Assert.Single(await _store.GetHistoryAsync(path, 10));
        Assert.Equal(FingerprintStatus.Unchanged, after.Status);
        Assert.Equal(0, _files.Opens);
    }

    [Fact]
    public async Task CheckAsync_ContentChanged_ChangedAgainstThePreviousFingerprint()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");
        var previous = await RecordAsync(fingerprinter, path);
        WriteFile("a.txt", "hello, changed world", RunTime.AddMinutes(-1));

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: false);
        await _store.UpsertAsync([check.Fingerprint!]);

        Assert.Equal(FingerprintStatus.Changed, check.Status);
        Assert.True(check.NeedsProcessing);
        Assert.Equal(previous, check.Previous);
        Assert.Equal(Sha256("hello, changed world"), check.Fingerprint!.ContentHash);
        Assert.Equal(previous.DocumentId, check.Fingerprint.DocumentId);
        Assert.Equal([Sha256("hello, changed world"), Sha256("hello world")], (await _store.GetHistoryAsync(path, 10)).Select(h => h.ContentHash));
    }

    [Fact]
    public async Task CheckAsync_FileWrittenJustBeforeItWasFingerprinted_StatNotTrustedSoSameSizeRewriteIsFound()
    {
        var fingerprinter = CreateFingerprinter();
        var lastWrite = RunTime.AddMilliseconds(-300);
        var path = WriteFile("a.txt", "version 1", lastWrite);
        await RecordAsync(fingerprinter, path);
        WriteFile("a.txt", "version 2", lastWrite);
        _time.Advance(TimeSpan.FromMinutes(1));

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: false);

        Assert.Equal(FingerprintStatus.Changed, check.Status);
    }

    [Fact]
    public async Task CheckAsync_RacyFingerprintConfirmedByHash_TrustedFromThenOn()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "version 1", RunTime.AddMilliseconds(-300));
        await RecordAsync(fingerprinter, path);
        _time.Advance(TimeSpan.FromMinutes(1));

        var confirmed = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: false);
        var opensToConfirm = _files.Opens;
        _files.Reset();
        var trusted = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: false);

        Assert.Equal(FingerprintStatus.Unchanged, confirmed.Status);
        Assert.Equal(1, opensToConfirm);
        Assert.Equal(FingerprintStatus.Unchanged, trusted.Status);
        Assert.Equal(0, _files.Opens);
    }

    [Fact]
    public async Task CheckAsync_MissingFile_MissingWithThePreviousFingerprintAndNotOpened()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");
        var previous = await RecordAsync(fingerprinter, path);
        File.Delete(path);

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: true);

        Assert.Equal(FingerprintStatus.Missing, check.Status);
        Assert.Equal(path, check.Source);
        Assert.Equal(previous, check.Previous);
        Assert.Null(check.Fingerprint);
        Assert.False(check.NeedsProcessing);
        Assert.Equal(0, _files.Opens);
    }

    [Fact]
    public async Task CheckAsync_FileDeletedBetweenStatAndOpen_Missing()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");
        _files.BeforeOpen = File.Delete;

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: false);

        Assert.Equal(FingerprintStatus.Missing, check.Status);
    }

    [Fact]
    public async Task CheckBatchAsync_OneUnreadableFile_FailsWithItsPathWhileTheOthersAreChecked()
    {
        var fingerprinter = CreateFingerprinter();
        var unreadable = WriteFile("locked.txt", "secret");
        var readable = WriteFile("open.txt", "public");
        _files.BeforeOpen = p =>
        {
            if (p == unreadable)
            {
                throw new UnauthorizedAccessException("Access to the path is denied.");
            }
        };

        var checks = await fingerprinter.CheckBatchAsync([new(unreadable), new(readable)], force: false);

        Assert.Equal(FingerprintStatus.Failed, checks[0].Status);
        Assert.Contains(unreadable, checks[0].Error, StringComparison.Ordinal);
        Assert.StartsWith("Permission denied", checks[0].Error, StringComparison.Ordinal);
        Assert.False(checks[0].NeedsProcessing);
        Assert.Equal(FingerprintStatus.New, checks[1].Status);
    }

    [Fact]
    public async Task CheckBatchAsync_EmptyPath_FailsWithoutStoppingTheBatch()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");

        var checks = await fingerprinter.CheckBatchAsync([new("  "), new(path)], force: false);

        Assert.Equal(FingerprintStatus.Failed, checks[0].Status);
        Assert.Equal(FingerprintStatus.New, checks[1].Status);
    }

    [Fact]
    public async Task CheckAsync_PathWithDotSegments_SourceIsTheNormalizedFullPath()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(Path.Combine(_directory.Path, "sub", "..", "a.txt")), force: false);

        Assert.Equal(path, check.Source);
    }

    [Fact]
    public async Task HasChangedAsync_ThroughALifecycle_TrueOnlyForNewAndChangedContent()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");

        Assert.True(await fingerprinter.HasChangedAsync(path));
        await RecordAsync(fingerprinter, path);
        Assert.False(await fingerprinter.HasChangedAsync(path));
        File.SetLastWriteTimeUtc(path, RunTime.AddMinutes(-2).UtcDateTime);
        Assert.False(await fingerprinter.HasChangedAsync(path));
        WriteFile("a.txt", "HELLO WORLD", RunTime.AddMinutes(-1));
        Assert.True(await fingerprinter.HasChangedAsync(path));
    }

    [Fact]
    public async Task HasChangedAsync_MissingFile_ThrowsFileNotFoundNamingThePath()
    {
        var fingerprinter = CreateFingerprinter();
        var path = _directory.File("nowhere.txt");

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => fingerprinter.HasChangedAsync(path));

        Assert.Equal(path, error.FileName);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HasChangedAsync_UnreadableFile_ThrowsIOExceptionNamingThePath()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");
        _files.BeforeOpen = p => throw new IOException("The device is not ready.");

        var error = await Assert.ThrowsAsync<IOException>(() => fingerprinter.HasChangedAsync(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_CallerMetadataChangedButStatEqual_MetadataChangedWithoutOpening()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");
        var previous = await RecordAsync(fingerprinter, path, new Dictionary<string, object?> { ["tag"] = "draft" });

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path, new Dictionary<string, object?> { ["tag"] = "final" }), force: false);

        Assert.Equal(FingerprintStatus.MetadataChanged, check.Status);
        Assert.True(check.NeedsProcessing);
        Assert.Equal(0, _files.Opens);
        Assert.Equal(previous.ContentHash, check.Fingerprint!.ContentHash);
        Assert.NotEqual(previous.MetadataHash, check.Fingerprint.MetadataHash);
    }

    [Fact]
    public async Task CheckAsync_SameMetadataInAnotherKeyOrder_Unchanged()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");
        await RecordAsync(fingerprinter, path, new Dictionary<string, object?> { ["a"] = 1, ["b"] = "x" });

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path, new Dictionary<string, object?> { ["b"] = "x", ["a"] = 1 }), force: false);

        Assert.Equal(FingerprintStatus.Unchanged, check.Status);
        Assert.Equal(0, _files.Opens);
    }

    [Fact]
    public async Task CheckAsync_ChangeOfAnExcludedMetadataKey_Unchanged()
    {
        var fingerprinter = CreateFingerprinter(o => o.ExcludedMetadataKeys.Add("crawledAt"));
        var path = WriteFile("a.txt", "hello world");
        await RecordAsync(fingerprinter, path, new Dictionary<string, object?> { ["tag"] = "x", ["crawledAt"] = RunTime });

        var check = await fingerprinter.CheckAsync(
            new FingerprintRequest(path, new Dictionary<string, object?> { ["tag"] = "x", ["crawledAt"] = RunTime.AddDays(1) }),
            force: false);

        Assert.Equal(FingerprintStatus.Unchanged, check.Status);
    }

    [Fact]
    public async Task CheckAsync_UnhashableMetadata_FailsNamingThePathAndTheKey()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path, new Dictionary<string, object?> { ["handle"] = new object() }), force: false);

        Assert.Equal(FingerprintStatus.Failed, check.Status);
        Assert.Contains(path, check.Error, StringComparison.Ordinal);
        Assert.Contains("'handle'", check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_IncludeMetadataOffAndNoMetadata_NoMetadataHash()
    {
        var fingerprinter = CreateFingerprinter();
        var path = WriteFile("a.txt", "hello world");

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: false);

        Assert.Null(check.Fingerprint!.MetadataHash);
    }

    [Fact]
    public async Task CheckAsync_IncludeMetadataOn_MetadataHashCoversFileNameSizeAndLastWriteTime()
    {
        var fingerprinter = CreateFingerprinter(o => o.IncludeMetadata = true);
        var path = WriteFile("a.txt", "hello world");
        var metadata = new Dictionary<string, object?> { ["tag"] = "x" };

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path, metadata), force: false);

        var expected = new MetadataHasher([]).Hash(new Dictionary<string, object?>
        {
            ["tag"] = "x",
            [FingerprintMetadataKeys.FileName] = "a.txt",
            [FingerprintMetadataKeys.FileSize] = 11L,
            [FingerprintMetadataKeys.LastWriteTimeUtc] = RunTime.AddHours(-1),
        });
        Assert.Equal(expected, check.Fingerprint!.MetadataHash);
    }

    [Fact]
    public async Task CheckAsync_IncludeMetadataOnAndSameContentUnderAnotherName_SameContentHashOtherMetadataHash()
    {
        var fingerprinter = CreateFingerprinter(o => o.IncludeMetadata = true);
        var first = WriteFile("a.txt", "hello world");
        var second = WriteFile("b.txt", "hello world");

        var checks = await fingerprinter.CheckBatchAsync([new(first), new(second)], force: false);

        Assert.Equal(checks[0].Fingerprint!.ContentHash, checks[1].Fingerprint!.ContentHash);
        Assert.NotEqual(checks[0].Fingerprint!.MetadataHash, checks[1].Fingerprint!.MetadataHash);
    }

    [Fact]
    public async Task CheckAsync_IncludeMetadataOnAndTouched_MetadataChangedInsteadOfTouched()
    {
        var fingerprinter = CreateFingerprinter(o => o.IncludeMetadata = true);
        var path = WriteFile("a.txt", "hello world");
        var previous = await RecordAsync(fingerprinter, path);
        File.SetLastWriteTimeUtc(path, RunTime.AddMinutes(-5).UtcDateTime);

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: false);

        Assert.Equal(FingerprintStatus.MetadataChanged, check.Status);
        Assert.True(check.NeedsProcessing);
        Assert.Equal(previous.ContentHash, check.Fingerprint!.ContentHash);
        Assert.Equal(RunTime.AddMinutes(-5), check.Fingerprint.LastWriteTimeUtc);
    }

    [Fact]
    public async Task CheckAsync_FingerprintingDisabled_HashesAndProcessesEvenUnchangedFiles()
    {
        var fingerprinter = CreateFingerprinter(o => o.Enabled = false);
        var path = WriteFile("a.txt", "hello world");
        await RecordAsync(fingerprinter, path);

        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path), force: false);

        Assert.Equal(FingerprintStatus.Unchanged, check.Status);
        Assert.True(check.ContentHashed);
        Assert.True(check.NeedsProcessing);
    }

    [Fact]
    public async Task CheckAllAsync_UnchangedCorpusOfThousands_NoFileOpenedAndOneReadAndOneWritePerBatch()
    {
        var fingerprinter = CreateFingerprinter();
        var paths = Enumerable.Range(0, 2500).Select(i => WriteFile($"corpus/{i:D4}.txt", $"document {i}")).ToList();
        var requests = paths.Select(p => new FingerprintRequest(p)).ToList();
        var first = await fingerprinter.CheckAllAsync(requests.ToAsyncEnumerable(), force: false).ToListAsync();
        await _store.UpsertAsync(first.Select(c => c.Fingerprint!).ToList());
        var opensOnFirstRun = _files.Opens;
        _files.Reset();
        _store.Reset();
        _time.Advance(TimeSpan.FromDays(1));

        var second = await fingerprinter.CheckAllAsync(requests.ToAsyncEnumerable(), force: false).ToListAsync();

        Assert.Equal(2500, opensOnFirstRun);
        Assert.All(first, c => Assert.Equal(FingerprintStatus.New, c.Status));
        Assert.Equal(paths, second.Select(c => c.Source));
        Assert.All(second, c => Assert.Equal(FingerprintStatus.Unchanged, c.Status));
        Assert.Equal(0, _files.Opens);
        Assert.Equal(3, _store.GetManyCalls);
        Assert.Equal(3, _store.MarkSeenCalls);
        Assert.Equal(0, _store.UpsertCalls);
        Assert.All((await _store.GetManyAsync(paths)).Values, f => Assert.Equal(RunTime.AddDays(1), f.LastSeenAt));
    }

    [Fact]
    public async Task RemoveExpiredAsync_SourceNotSeenForLongerThanRetention_RemovedWithItsHistory()
    {
        var fingerprinter = CreateFingerprinter(o => o.RetentionDays = 30);
        var kept = WriteFile("kept.txt", "still here");
        var gone = WriteFile("gone.txt", "deleted later");
        await RecordAsync(fingerprinter, kept);
        await RecordAsync(fingerprinter, gone);
        File.Delete(gone);
        _time.Advance(TimeSpan.FromDays(20));
        var runStartedAt = _time.GetUtcNow();
        await fingerprinter.CheckBatchAsync([new(kept), new(gone)], force: false);
        _time.Advance(TimeSpan.FromDays(15));

        var removed = await fingerprinter.RemoveExpiredAsync(_time.GetUtcNow());
        var removedAgain = await fingerprinter.RemoveExpiredAsync(runStartedAt);

        Assert.Equal(1, removed);
        Assert.Equal(0, removedAgain);
        Assert.Null(await _store.GetAsync(gone));
        Assert.Empty(await _store.GetHistoryAsync(gone, 10));
        Assert.NotNull(await _store.GetAsync(kept));
    }

    [Fact]
    public async Task RemoveExpiredAsync_RetentionZero_RemovesExactlyTheSourcesTheRunDidNotSee()
    {
        var fingerprinter = CreateFingerprinter(o => o.RetentionDays = 0);
        var seen = WriteFile("seen.txt", "in this run");
        var unseen = WriteFile("unseen.txt", "outside this run");
        await RecordAsync(fingerprinter, seen);
        await RecordAsync(fingerprinter, unseen);
        _time.Advance(TimeSpan.FromHours(1).Add(TimeSpan.FromTicks(5_000)));
        var runStartedAt = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromTicks(3_000));
        await fingerprinter.CheckAsync(new FingerprintRequest(seen), force: false);
        _time.Advance(TimeSpan.FromMinutes(10));

        var removed = await fingerprinter.RemoveExpiredAsync(runStartedAt);

        Assert.Equal(1, removed);
        Assert.NotNull(await _store.GetAsync(seen));
        Assert.Null(await _store.GetAsync(unseen));
    }

    public void Dispose()
    {
        _databases.Dispose();
        _directory.Dispose();
    }

    private static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private DocPipelineOptions NewOptions() => new() { DataDirectory = _directory.File("data") };

    private FileFingerprinter CreateFingerprinter(Action<FingerprintOptions>? configure = null)
    {
        var options = NewOptions();
        configure?.Invoke(options.Fingerprint);
        return new FileFingerprinter(_store, _files, Options.Create(options), _time, NullLogger<FileFingerprinter>.Instance);
    }

    /// <summary>Writes a file whose last write was an hour before the run (unless said otherwise) and returns its full path.</summary>
    private string WriteFile(string name, string content, DateTimeOffset? lastWrite = null)
    {
        var path = _directory.Write(name, content);
        File.SetLastWriteTimeUtc(path, (lastWrite ?? RunTime.AddHours(-1)).UtcDateTime);
        return path;
    }

    /// <summary>Checks a file and records its fingerprint as the engine does once it has processed it; then resets the counters.</summary>
    private async Task<SourceFingerprint> RecordAsync(FileFingerprinter fingerprinter, string path, IReadOnlyDictionary<string, object?>? metadata = null)
    {
        var check = await fingerprinter.CheckAsync(new FingerprintRequest(path, metadata), force: false);
        var fingerprint = check.Fingerprint! with { DocumentId = "doc:" + path };
        await _store.UpsertAsync([fingerprint]);
        _files.Reset();
        _store.Reset();
        return (await _store.GetAsync(path))!;
    }
}
