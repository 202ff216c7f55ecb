using DocPipeline.Indexing.Keyword;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.Tests.Indexing.Keyword;

public sealed class GroupCommitterTests
{
    [Fact]
    public async Task WaitForCommitAsync_WaitersArrivingDuringACommit_ShareTheNextCommit()
    {
        using var gate = new CommitGate();
        using var committer = new GroupCommitter(gate.Commit, "test");

        var first = committer.WaitForCommitAsync(CancellationToken.None);
        gate.WaitForFirstCommit();
        var later = Enumerable.Range(0, 8).Select(_ => committer.WaitForCommitAsync(CancellationToken.None)).ToList();
        Assert.All(later, task => Assert.False(task.IsCompleted));
        gate.Release();
        await Task.WhenAll(later.Append(first));

        Assert.Equal(2, gate.Commits);
    }

    [Fact]
    public async Task WaitForCommitAsync_AfterASharedCommit_NextCommitWaitsForAsManyWritersOrForItsDuration()
    {
        var time = new FakeTimeProvider();
        using var gate = new CommitGate();
        using var committer = new GroupCommitter(
            () =>
            {
                gate.Commit();
                time.Advance(TimeSpan.FromMilliseconds(30));
            },
            "test",
            time);
        var first = committer.WaitForCommitAsync(CancellationToken.None);
        gate.WaitForFirstCommit();
        var shared = new[] { committer.WaitForCommitAsync(CancellationToken.None), committer.WaitForCommitAsync(CancellationToken.None) };
        gate.Release();
        await Task.WhenAll(shared.Append(first));
        Assert.Equal(2, gate.Commits);

        // The last commit served two writers: one writer alone is held back until a second one waits, and they share a commit.
        var alone = committer.WaitForCommitAsync(CancellationToken.None);
        var second = committer.WaitForCommitAsync(CancellationToken.None);
        await Task.WhenAll(alone, second);
        Assert.Equal(3, gate.Commits);

        // Or until twice as long as that commit took has passed.
        var late = committer.WaitForCommitAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(59));
        Assert.Equal(3, gate.Commits);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await late;
        Assert.Equal(4, gate.Commits);

        // A commit that served one writer never holds the next back.
        await committer.WaitForCommitAsync(CancellationToken.None);
        Assert.Equal(5, gate.Commits);
    }

    [Fact]
    public async Task WaitForCommitAsync_CommitFails_ThatCommitsWaitersFailAndTheNextCommitWorks()
    {
        var fail = true;
        using var committer = new GroupCommitter(
            () =>
            {
                if (fail)
                {
                    throw new IOException("disk full");
                }
            },
            "test");

        var error = await Assert.ThrowsAsync<IOException>(() => committer.WaitForCommitAsync(CancellationToken.None));
        fail = false;
        await committer.WaitForCommitAsync(CancellationToken.None);

        Assert.Equal("disk full", error.Message);
    }

    [Fact]
    public async Task Dispose_WaitersPending_CommitsForThemBeforeStopping()
    {
        using var gate = new CommitGate();
        var committer = new GroupCommitter(gate.Commit, "test");
        var first = committer.WaitForCommitAsync(CancellationToken.None);
        gate.WaitForFirstCommit();
        var pending = committer.WaitForCommitAsync(CancellationToken.None);

        var disposing = Task.Run(committer.Dispose);
        gate.Release();
        await disposing;
        await Task.WhenAll(first, pending);

        Assert.Equal(2, gate.Commits);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => committer.WaitForCommitAsync(CancellationToken.None));
    }

    [Fact]
    public async Task WaitForCommitAsync_Cancelled_StopsWaitingButTheCommitStillRuns()
    {
        using var gate = new CommitGate();
        using var committer = new GroupCommitter(gate.Commit, "test");
        using var cancellation = new CancellationTokenSource();

        var waiting = committer.WaitForCommitAsync(cancellation.Token);
        gate.WaitForFirstCommit();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        gate.Release();
        await committer.WaitForCommitAsync(CancellationToken.None);
        Assert.Equal(2, gate.Commits);
    }
}
