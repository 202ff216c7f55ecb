using DocPipeline.Fingerprints;
using Xunit;

namespace DocPipeline.Specification.Tests.Fingerprints;

/// <summary>The history says what each run did with a source.</summary>
public abstract partial class FingerprintStoreSpecification
{
    [Fact]
    public async Task GetHistoryAsync_AddUpdateTouchRemoveAddAgain_EachEntrySaysWhatTheRunDid()
    {
        var store = CreateStore(Time);
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'a')]);
        Time.Advance(TimeSpan.FromHours(1));
        var updated = Fingerprint("/docs/a.txt", 'b');
        await store.UpsertAsync([updated]);
        await store.UpsertAsync([updated with { LastWriteTimeUtc = updated.LastWriteTimeUtc.AddMinutes(1) }]);
        Time.Advance(TimeSpan.FromHours(1));
        Assert.True(await store.RemoveAsync("/docs/a.txt"));
        Assert.False(await store.RemoveAsync("/docs/a.txt"));
        Time.Advance(TimeSpan.FromHours(1));
        await store.UpsertAsync([Fingerprint("/docs/a.txt", 'c')]);

        var history = await store.GetHistoryAsync("/docs/a.txt", 10);

        Assert.Equal(
            [(FingerprintChange.Added, Hash('c')), (FingerprintChange.Removed, Hash('b')), (FingerprintChange.Updated, Hash('b')), (FingerprintChange.Added, Hash('a'))],
            history.Select(h => (h.Change, h.ContentHash)));
        Assert.Equal([Start.AddHours(3), Start.AddHours(2), Start.AddHours(1), Start], history.Select(h => h.RecordedAt));
        Assert.Equal(updated.LastWriteTimeUtc.AddMinutes(1), history[1].LastWriteTimeUtc);
    }
}
