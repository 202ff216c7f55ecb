using DocPipeline.Consistency;
using DocPipeline.Ingestion;
using DocPipeline.Management;
using DocPipeline.Registry;
using DocPipeline.Search;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Ingestion;

namespace DocPipeline.Tests.Configuration;

/// <summary>The options of each public call are checked at the boundary, before any index is opened, with messages naming the option.</summary>
public sealed class OperationOptionsValidationTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Theory]
    [InlineData(2_000_000_000)]
    [InlineData(1001)]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task SearchAsync_TopKOutOfRange_ThrowsNamingTheOptionBeforeOpeningAnIndex(int topK)
    {
        await using var pipeline = new TestPipeline(_directory);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            pipeline.Pipeline.SearchAsync("harbour", new SearchOptions { TopK = topK }));

        Assert.Contains("SearchOptions.TopK must be between 1 and 1000", error.Message, StringComparison.Ordinal);
        Assert.Contains(topK.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        AssertNoIndexOpened();
    }

    [Fact]
    public async Task SearchAsync_UndefinedMode_ThrowsNamingTheOption()
    {
        await using var pipeline = new TestPipeline(_directory);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            pipeline.Pipeline.SearchAsync("harbour", new SearchOptions { Mode = (SearchMode)42 }));

        Assert.Contains("SearchOptions.Mode must be one of", error.Message, StringComparison.Ordinal);
        AssertNoIndexOpened();
    }

    public static TheoryData<IngestOptions, string> InvalidIngestOptions => new()
    {
        { new IngestOptions { MaxConcurrent = 0 }, "IngestOptions.MaxConcurrent must be between 1 and 1024" },
        { new IngestOptions { MaxConcurrent = 1_000_000 }, "IngestOptions.MaxConcurrent must be between 1 and 1024" },
        { new IngestOptions { Priority = 5000 }, "IngestOptions.Priority must be between -1000 and 1000" },
        { new IngestOptions { Priority = -1001 }, "IngestOptions.Priority must be between -1000 and 1000 (was -1001)" },
        { new IngestOptions { UpdateMode = (UpdateMode)9 }, "IngestOptions.UpdateMode must be one of" },
        { new IngestOptions { Cleanup = (CleanupMode)(-1) }, "IngestOptions.Cleanup must be one of" },
    };

    [Theory]
    [MemberData(nameof(InvalidIngestOptions))]
    public async Task IngestAndResumeAsync_InvalidOption_ThrowNamingTheOptionBeforeOpeningAnIndex(IngestOptions options, string expected)
    {
        await using var pipeline = new TestPipeline(_directory);
        var file = _directory.Write("a.txt", "A small document.");

        var ingest = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pipeline.Pipeline.IngestAsync([file], options));
        var resume = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pipeline.Pipeline.ResumeAsync(options));

        Assert.Contains(expected, ingest.Message, StringComparison.Ordinal);
        Assert.Contains(expected, resume.Message, StringComparison.Ordinal);
        AssertNoIndexOpened();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    [InlineData(int.MaxValue)]
    public async Task ListAsync_LimitOutOfRange_ThrowsNamingTheOption(int limit)
    {
        await using var pipeline = new TestPipeline(_directory);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            pipeline.Get<IIndexManager>().ListAsync(new DocumentListOptions { Limit = limit }));

        Assert.Contains("DocumentListOptions.Limit must be between 1 and 10000", error.Message, StringComparison.Ordinal);
        AssertNoIndexOpened();
    }

    [Fact]
    public async Task ListAsync_UndefinedStatus_ThrowsNamingTheOption()
    {
        await using var pipeline = new TestPipeline(_directory);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            pipeline.Get<IIndexManager>().ListAsync(new DocumentListOptions { Status = (DocumentStatus)77 }));

        Assert.Contains("DocumentListOptions.Status must be one of", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackupAsync_UndefinedFormat_ThrowsNamingTheOption()
    {
        await using var pipeline = new TestPipeline(_directory);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            pipeline.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = _directory.File("backups"), Format = (BackupFormat)3 }));

        Assert.Contains("BackupOptions.Format must be one of Archive, Folder", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_directory.File("backups")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task RestoreAsync_BlankSource_ThrowsNamingTheOption(string source)
    {
        await using var pipeline = new TestPipeline(_directory);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            pipeline.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = source }));

        Assert.Contains("RestoreOptions.Source is required", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BackupOptions.Destination")]
    [InlineData("RestoreOptions.Source")]
    public async Task BackupAndRestoreAsync_PathWithNulCharacter_ThrowsNamingTheOption(string option)
    {
        await using var pipeline = new TestPipeline(_directory);
        var maintenance = pipeline.Get<IIndexMaintenance>();
        var path = _directory.File("back\0ups");

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => option.StartsWith("Backup", StringComparison.Ordinal)
            ? maintenance.BackupAsync(new BackupOptions { Destination = path })
            : maintenance.RestoreAsync(new RestoreOptions { Source = path }));

        Assert.Contains($"{option} must be a path without invalid characters", error.Message, StringComparison.Ordinal);
        AssertNoIndexOpened();
    }

    [Fact]
    public async Task ApplyAsync_NullOperation_ThrowsNamingItsPositionBeforeQueueingAnything()
    {
        await using var pipeline = new TestPipeline(_directory);
        var file = _directory.Write("a.txt", "A small document.");

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            pipeline.Get<IIndexManager>().ApplyAsync([DocumentOperation.Add(file), null!]));

        Assert.Contains("operations[1] is null", error.Message, StringComparison.Ordinal);
        Assert.Equal("operations", error.ParamName);
        Assert.Equal(0, (await pipeline.Pipeline.GetQueueStatusAsync()).Total);
    }

    [Fact]
    public async Task ApplyAsync_UndefinedKind_ThrowsNamingTheOperation()
    {
        await using var pipeline = new TestPipeline(_directory);
        var file = _directory.Write("a.txt", "A small document.");

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            pipeline.Get<IIndexManager>().ApplyAsync([new DocumentOperation((DocumentOperationKind)7, null, file)]));

        Assert.Contains("operations[0].Kind must be one of Add, Update, Remove (was 7)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await pipeline.Pipeline.GetQueueStatusAsync()).Total);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public async Task RebuildAsync_UndefinedTarget_ThrowsNamingTheParameter(int target)
    {
        await using var pipeline = new TestPipeline(_directory);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            pipeline.Get<IIndexMaintenance>().RebuildAsync((RebuildTarget)target));

        Assert.Equal("target", error.ParamName);
        Assert.Contains("Rebuild the vector index, the keyword index, or both.", error.Message, StringComparison.Ordinal);
        AssertNoIndexOpened();
    }

    [Fact]
    public async Task SearchAsync_ValidOptions_StillAnswers()
    {
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.Write("a.txt", "The harbour at dawn."));

        var hits = await pipeline.Pipeline.SearchAsync("harbour", new SearchOptions { TopK = 1000, Mode = SearchMode.Keyword });

        Assert.Single(hits);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>The data folder holds no index: the call failed before opening (and so creating) either of them.</summary>
    private void AssertNoIndexOpened()
    {
        var data = _directory.File("data");
        var entries = Directory.Exists(data) ? Directory.GetFileSystemEntries(data).Select(Path.GetFileName).ToList() : [];
        Assert.DoesNotContain(entries, e => e!.StartsWith("vector", StringComparison.Ordinal) || e.StartsWith("keyword", StringComparison.Ordinal));
    }
}
