using DocPipeline.Fingerprints;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace DocPipeline.Specification.Tests.Fingerprints;

/// <summary>
/// The contract of <see cref="IFingerprintStore"/>. Every implementation's test class inherits this suite and
/// supplies only <see cref="CreateStore"/>.
/// </summary>
public abstract partial class FingerprintStoreSpecification : IDisposable
{
    /// <summary>The clock given to the store; starts at <see cref="Start"/>.</summary>
    protected static readonly DateTimeOffset Start = new(2026, 1, 15, 8, 30, 0, TimeSpan.Zero);

    protected FingerprintStoreSpecification()
    {
        Time = new FakeTimeProvider(Start);
    }

    /// <summary>Gets the fake clock the store is created with.</summary>
    protected FakeTimeProvider Time { get; }

    /// <summary>Gets a temporary folder of this test, for stores that keep files.</summary>
    protected TestDirectory Directory { get; } = new();

    /// <summary>Creates an empty store that reads time from <paramref name="timeProvider"/>.</summary>
    protected abstract IFingerprintStore CreateStore(TimeProvider timeProvider);

    [Fact]
    public async Task GetAsync_UnknownSource_ReturnsNull()
    {
        var store = CreateStore(Time);

        Assert.Null(await store.GetAsync("/docs/unknown.txt"));
    }

    [Fact]
    public async Task UpsertAsync_NewSource_GetReturnsEveryField()
    {
        var store = CreateStore(Time);
        var fingerprint = new SourceFingerprint
        {
            Source = "/docs/a.txt",
            Size = 12_345,
            LastWriteTimeUtc = Start.AddDays(-3).AddMilliseconds(123),
            ContentHash = Hash('a'),
            MetadataHash = Hash('m'),
            DocumentId = "doc-a",
            LastSeenAt = Start.AddMilliseconds(456),
        };

        await store.UpsertAsync([fingerprint]);

        Assert.Equal(fingerprint, await store.GetAsync("/docs/a.txt"));
    }

    [Fact]
    public async Task UpsertAsync_NullOptionalFields_RoundTripAsNull()
    {
        var store = CreateStore(Time);
        var fingerprint = Fingerprint("/docs/a.txt", 'a') with { MetadataHash = null, DocumentId = null };

        await store.UpsertAsync([fingerprint]);

        var stored = await store.GetAsync("/docs/a.txt");
        Assert.NotNull(stored);
        Assert.Null(stored.MetadataHash);
        Assert.Null(stored.DocumentId);
    }

    [Fact]
    public async Task UpsertAsync_TimeWithSubMillisecondTicks_KeptAtLeastToTheMillisecond()
    {
        var store = CreateStore(Time);
        var written = Start.AddDays(-1).AddTicks(1_234_567);
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a') with { LastWriteTimeUtc = written }]);

        var stored = await store.GetAsync("/docs/a.txt");

        Assert.Equal(written.ToUnixTimeMilliseconds(), stored!.LastWriteTimeUtc.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task UpsertAsync_ExistingSource_ReplacesFingerprint()
    {
        var store = CreateStore(Time);
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a')]);
        var replacement = Fingerprint("/docs/a.txt", 'b') with { Size = 99, DocumentId = "doc-2" };

        await store.UpsertAsync([replacement]);

        Assert.Equal(replacement, await store.GetAsync("/docs/a.txt"));
        Assert.Equal(1, await store.CountAsync());
    }

    [Fact]
    public async Task UpsertAsync_OneFingerprintWithoutContentHash_ThrowsAndWritesNothing()
    {
        var store = CreateStore(Time);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.UpsertAsync([Fingerprint("/docs/a.txt", 'a'), Fingerprint("/docs/b.txt", 'b') with { ContentHash = null! }]));

        Assert.Equal(0, await store.CountAsync());
    }

    [Fact]
    public async Task GetManyAsync_KnownAndUnknownSources_ReturnsOnlyKnownKeyedBySource()
    {
        var store = CreateStore(Time);
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a'), Fingerprint("/docs/b.txt", 'b'), Fingerprint("/docs/c.txt", 'c')]);

        var found = await store.GetManyAsync(["/docs/a.txt", "/docs/missing.txt", "/docs/c.txt"]);

        Assert.Equal(["/docs/a.txt", "/docs/c.txt"], found.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Hash('a'), found["/docs/a.txt"].ContentHash);
        Assert.Equal(Hash('c'), found["/docs/c.txt"].ContentHash);
    }

    [Fact]
    public async Task GetManyAsync_EmptyList_ReturnsEmpty()
    {
        var store = CreateStore(Time);
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a')]);

        Assert.Empty(await store.GetManyAsync([]));
    }

    [Fact]
    public async Task GetManyAsync_BatchOfThousands_ReturnsEveryKnownSource()
    {
        var store = CreateStore(Time);
        var known = Enumerable.Range(0, 1500).Select(i => $"/corpus/{i:D5}.md").ToList();
        await store.UpsertAsync(known.Select(s => Fingerprint(s, 'a')).ToList());
        var asked = known.Take(1000).Concat(Enumerable.Range(0, 500).Select(i => $"/corpus/unknown-{i}.md")).ToList();

        var found = await store.GetManyAsync(asked);

        Assert.Equal(known.Take(1000).Order(StringComparer.Ordinal), found.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetManyAsync_SourcesDifferingOnlyInCase_AreDistinct()
    {
        var store = CreateStore(Time);
        await store.UpsertAsync([Fingerprint("/docs/Report.txt", 'a'), Fingerprint("/docs/report.txt", 'b')]);

        var found = await store.GetManyAsync(["/docs/Report.txt", "/docs/report.txt", "/docs/REPORT.txt"]);

        Assert.Equal(2, found.Count);
        Assert.Equal(Hash('a'), found["/docs/Report.txt"].ContentHash);
        Assert.Equal(Hash('b'), found["/docs/report.txt"].ContentHash);
    }

    [Fact]
    public async Task UpsertAsync_SourcesWithQuotesEscapesAndUnicode_RoundTrip()
    {
        var store = CreateStore(Time);
        string[] sources = ["/docs/it's \"quoted\".txt", @"C:\docs\back\slash.txt", "/docs/new\nline.txt", "/docs/ünïcödé 文書 📄.txt", "/docs/100%_like.txt"];
        await store.UpsertAsync(sources.Select(s => Fingerprint(s, 'a')).ToList());

        var found = await store.GetManyAsync(sources);

        Assert.Equal(sources.Order(StringComparer.Ordinal), found.Keys.Order(StringComparer.Ordinal));
        foreach (var source in sources)
        {
            Assert.Equal(source, (await store.GetAsync(source))!.Source);
        }
    }

    [Fact]
    public async Task UpsertAsync_NewSource_AddsOneHistoryEntryRecordedNow()
    {
        var store = CreateStore(Time);
        Time.Advance(TimeSpan.FromMinutes(5));
        var fingerprint = Fingerprint("/docs/a.txt", 'a');

        await store.UpsertAsync([fingerprint]);

        var entry = Assert.Single(await store.GetHistoryAsync("/docs/a.txt", 10));
        Assert.Equal(
            new FingerprintHistoryEntry("/docs/a.txt", Hash('a'), fingerprint.MetadataHash, fingerprint.Size, fingerprint.LastWriteTimeUtc, fingerprint.DocumentId, Start.AddMinutes(5))
            {
                Change = FingerprintChange.Added,
            },
            entry);
    }

    [Fact]
    public async Task UpsertAsync_OnlyLastWriteTimeChanged_UpdatesFingerprintAndAddsNoHistory()
    {
        var store = CreateStore(Time);
        var first = Fingerprint("/docs/a.txt", 'a');
        await store.UpsertAsync([first]);
        var touched = first with { LastWriteTimeUtc = first.LastWriteTimeUtc.AddHours(1), LastSeenAt = first.LastSeenAt.AddHours(1) };

        await store.UpsertAsync([touched]);

        Assert.Equal(touched.LastWriteTimeUtc, (await store.GetAsync("/docs/a.txt"))!.LastWriteTimeUtc);
        Assert.Single(await store.GetHistoryAsync("/docs/a.txt", 10));
    }

    [Fact]
    public async Task UpsertAsync_ContentHashChanged_AddsHistoryEntryNewestFirst()
    {
        var store = CreateStore(Time);
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a')]);
        Time.Advance(TimeSpan.FromHours(1));

        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'b')]);

        var history = await store.GetHistoryAsync("/docs/a.txt", 10);
        Assert.Equal([Hash('b'), Hash('a')], history.Select(h => h.ContentHash));
        Assert.Equal([Start.AddHours(1), Start], history.Select(h => h.RecordedAt));
    }

    [Fact]
    public async Task UpsertAsync_MetadataHashChanged_AddsHistoryEntry()
    {
        var store = CreateStore(Time);
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a') with { MetadataHash = null }]);

        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a') with { MetadataHash = Hash('1') }]);
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a') with { MetadataHash = Hash('2') }]);
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a') with { MetadataHash = Hash('2') }]);

        var history = await store.GetHistoryAsync("/docs/a.txt", 10);
        Assert.Equal([Hash('2'), Hash('1'), null], history.Select(h => h.MetadataHash));
    }

    [Fact]
    public async Task UpsertAsync_SameSourceTwiceInOneCall_LastWinsAndBothVersionsInHistory()
    {
        var store = CreateStore(Time);

        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a'), Fingerprint("/docs/a.txt", 'b')]);

        Assert.Equal(Hash('b'), (await store.GetAsync("/docs/a.txt"))!.ContentHash);
        Assert.Equal([Hash('b'), Hash('a')], (await store.GetHistoryAsync("/docs/a.txt", 10)).Select(h => h.ContentHash));
    }

    [Fact]
    public async Task GetHistoryAsync_Limit_ReturnsOnlyTheNewestEntries()
    {
        var store = CreateStore(Time);
        foreach (var version in "abcde")
        {
            await store.UpsertAsync([Fingerprint("/docs/a.txt", version)]);
        }

        var history = await store.GetHistoryAsync("/docs/a.txt", 2);

        Assert.Equal([Hash('e'), Hash('d')], history.Select(h => h.ContentHash));
        Assert.Empty(await store.GetHistoryAsync("/docs/a.txt", 0));
    }

    [Fact]
    public async Task GetHistoryAsync_OtherSourcesHistory_NotIncluded()
    {
        var store = CreateStore(Time);
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a'), Fingerprint("/docs/b.txt", 'b')]);

        Assert.Empty(await store.GetHistoryAsync("/docs/unknown.txt", 10));
        Assert.Equal(Hash('b'), Assert.Single(await store.GetHistoryAsync("/docs/b.txt", 10)).ContentHash);
    }

    [Fact]
    public async Task MarkSeenAsync_SomeSources_UpdatesOnlyTheirLastSeenAndCreatesNothing()
    {
        var store = CreateStore(Time);
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a'), Fingerprint("/docs/b.txt", 'b')]);
        var seenAt = Start.AddDays(2);

        await store.MarkSeenAsync(["/docs/a.txt", "/docs/unknown.txt"], seenAt);

        var a = await store.GetAsync("/docs/a.txt");
        Assert.Equal(seenAt, a!.LastSeenAt);
        Assert.Equal(Fingerprint("/docs/a.txt", 'a') with { LastSeenAt = seenAt }, a);
        Assert.Equal(Start, (await store.GetAsync("/docs/b.txt"))!.LastSeenAt);
        Assert.Null(await store.GetAsync("/docs/unknown.txt"));
        Assert.Single(await store.GetHistoryAsync("/docs/a.txt", 10));
    }

    [Fact]
    public async Task MarkSeenAsync_BatchOfThousands_UpdatesEveryOne()
    {
        var store = CreateStore(Time);
        var sources = Enumerable.Range(0, 2000).Select(i => $"/corpus/{i}.txt").ToList();
        await store.UpsertAsync(sources.Select(s => Fingerprint(s, 'a')).ToList());

        await store.MarkSeenAsync(sources, Start.AddDays(1));

        var found = await store.GetManyAsync(sources);
        Assert.All(found.Values, f => Assert.Equal(Start.AddDays(1), f.LastSeenAt));
        Assert.Equal(2000, found.Count);
    }

    [Fact]
    public async Task RemoveAsync_KnownSource_RemovesFingerprintAndKeepsHistory()
    {
        var store = CreateStore(Time);
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a'), Fingerprint("/docs/b.txt", 'b')]);

        Assert.True(await store.RemoveAsync("/docs/a.txt"));

        Assert.Null(await store.GetAsync("/docs/a.txt"));
        Assert.NotNull(await store.GetAsync("/docs/b.txt"));
        Assert.Equal([FingerprintChange.Removed, FingerprintChange.Added], (await store.GetHistoryAsync("/docs/a.txt", 10)).Select(h => h.Change));
    }

    [Fact]
    public async Task RemoveAsync_UnknownSource_ReturnsFalse()
    {
        var store = CreateStore(Time);

        Assert.False(await store.RemoveAsync("/docs/unknown.txt"));
    }

    [Fact]
    public async Task RemoveNotSeenSinceAsync_StaleAndRecentSources_RemovesOnlyStaleWithTheirHistory()
    {
        var store = CreateStore(Time);
        await store.UpsertAsync(
        [
            Fingerprint("/docs/old.txt", 'a') with { LastSeenAt = Start.AddDays(-40) },
            Fingerprint("/docs/borderline.txt", 'b') with { LastSeenAt = Start.AddDays(-30) },
            Fingerprint("/docs/recent.txt", 'c') with { LastSeenAt = Start.AddDays(-1) },
        ]);

        var removed = await store.RemoveNotSeenSinceAsync(Start.AddDays(-30));

        Assert.Equal(1, removed);
        Assert.Null(await store.GetAsync("/docs/old.txt"));
        Assert.Empty(await store.GetHistoryAsync("/docs/old.txt", 10));
        Assert.NotNull(await store.GetAsync("/docs/borderline.txt"));
        Assert.NotNull(await store.GetAsync("/docs/recent.txt"));
        Assert.Single(await store.GetHistoryAsync("/docs/recent.txt", 10));
        Assert.Equal(2, await store.CountAsync());
    }

    [Fact]
    public async Task RemoveNotSeenSinceAsync_HistoryOfRemovedSource_PurgedOnlyOnceOlderThanCutoff()
    {
        var store = CreateStore(Time);
        await store.UpsertAsync([Fingerprint("/docs/gone.txt", 'a')]);
        await store.RemoveAsync("/docs/gone.txt");

        Assert.Equal(0, await store.RemoveNotSeenSinceAsync(Start));
        Assert.Equal(2, (await store.GetHistoryAsync("/docs/gone.txt", 10)).Count);

        Assert.Equal(1, await store.RemoveNotSeenSinceAsync(Start.AddDays(1)));
        Assert.Empty(await store.GetHistoryAsync("/docs/gone.txt", 10));
    }

    [Fact]
    public async Task RemoveNotSeenSinceAsync_NothingStale_RemovesNothing()
    {
        var store = CreateStore(Time);
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a')]);

        Assert.Equal(0, await store.RemoveNotSeenSinceAsync(Start.AddDays(-1)));
        Assert.Equal(1, await store.CountAsync());
    }

    [Fact]
    public async Task CountAsync_AfterUpsertsAndRemovals_CountsCurrentFingerprintsOnly()
    {
        var store = CreateStore(Time);
        Assert.Equal(0, await store.CountAsync());
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a'), Fingerprint("/docs/b.txt", 'b'), Fingerprint("/docs/c.txt", 'c')]);
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'd')]);
        await store.RemoveAsync("/docs/b.txt");

        Assert.Equal(2, await store.CountAsync());
    }

    [Fact]
    public async Task UpsertAsync_ManyConcurrentCallers_EveryFingerprintStored()
    {
        var store = CreateStore(Time);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => store.UpsertAsync([Fingerprint($"/docs/{i}.txt", 'a')]))));

        Assert.Equal(200, await store.CountAsync());
        Assert.Equal(200, (await store.GetManyAsync(Enumerable.Range(0, 200).Select(i => $"/docs/{i}.txt").ToList())).Count);
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the stores the derived class created, then the test folder.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Dispose();
        }
    }

    /// <summary>A 64-hex-digit stand-in for a SHA-256, distinct per <paramref name="version"/>.</summary>
    protected static string Hash(char version) => new(char.ToLowerInvariant(version), 64);

    /// <summary>A complete fingerprint of <paramref name="source"/> at content <paramref name="version"/>, seen at <see cref="Start"/>.</summary>
    protected static SourceFingerprint Fingerprint(string source, char version) => new()
    {
        Source = source,
        Size = 1024,
        LastWriteTimeUtc = Start.AddDays(-7),
        ContentHash = Hash(version),
        MetadataHash = Hash('f'),
        DocumentId = "doc:" + source,
        LastSeenAt = Start,
    };
}
