using DocPipeline.Indexing.Keyword;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.Tests.Indexing.Keyword;

public sealed class GroupCommitterTests
{
    [Fact]
    public async Task ApplyAndCommitAsync_WaitersArrivingDuringACommit_ShareTheNextCommit()
    {
        using var gate = new CommitGate();
        using var committer = new GroupCommitter(gate.Commit, "test");

        var first = CommitAsync(committer, CancellationToken.None);
        gate.WaitForFirstCommit();
        var later = Enumerable.Range(0, 8).Select(_ => CommitAsync(committer, CancellationToken.None)).ToList();
        Assert.All(later, task => Assert.False(task.IsCompleted));
        gate.Release();
        await Task.WhenAll(later.Append(first));

        Assert.Equal(2, gate.Commits);
    }

    [Fact]
    public async Task ApplyAndCommitAsync_AfterASharedCommit_NextCommitWaitsForAsManyWritersOrForItsDuration()
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
        var first = CommitAsync(committer, CancellationToken.None);
        gate.WaitForFirstCommit();
        var shared = new[] { CommitAsync(committer, CancellationToken.None), CommitAsync(committer, CancellationToken.None) };
        gate.Release();
        await Task.WhenAll(shared.Append(first));
        Assert.Equal(2, gate.Commits);

        // The last commit served two writers: one writer alone is held back until a second one waits, and they share a commit.
        var alone = CommitAsync(committer, CancellationToken.None);
        var second = CommitAsync(committer, CancellationToken.None);
        await Task.WhenAll(alone, second);
        Assert.Equal(3, gate.Commits);

        // Or until twice as long as that commit took has passed.
        var late = CommitAsync(committer, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(59));
        Assert.Equal(3, gate.Commits);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await late;
        Assert.Equal(4, gate.Commits);

        // A commit that served one writer never holds the next back.
        await CommitAsync(committer, CancellationToken.None);
        Assert.Equal(5, gate.Commits);
    }

    [Fact]
    public async Task ApplyAndCommitAsync_CommitFails_ThatCommitsWaitersFailAndTheNextCommitWorks()
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

        var error = await Assert.ThrowsAsync<IOException>(() => CommitAsync(committer, CancellationToken.None));
        fail = false;
        await CommitAsync(committer, CancellationToken.None);

        Assert.Equal("disk full", error.Message);
    }

    [Fact]
    public async Task ApplyAndCommitAsync_WritersWaitingTogether_ChangesAppliedOnTheCommitThreadBeforeTheirSharedCommit()
    {
        using var gate = new CommitGate();
        var log = new List<string>();
        var threads = new HashSet<int>();
        using var committer = new GroupCommitter(
            () =>
            {
                lock (log)
                {
                    log.Add("commit");
                }

                gate.Commit();
            },
            "test");
        var first = CommitAsync(committer, CancellationToken.None);
        gate.WaitForFirstCommit();

        var writes = Enumerable.Range(0, 5).Select(i => committer.ApplyAndCommitAsync(
            () =>
            {
                lock (log)
                {
                    log.Add($"apply {i}");
                    threads.Add(Environment.CurrentManagedThreadId);
                }
            },
            CancellationToken.None)).ToList();
        Assert.DoesNotContain(log, entry => entry.StartsWith("apply", StringComparison.Ordinal));
        gate.Release();
        await Task.WhenAll(writes.Append(first));

        // One commit for the five writes, after all five changes, all applied on one thread (the commit thread).
        Assert.Equal(["commit", "apply 0", "apply 1", "apply 2", "apply 3", "apply 4", "commit"], log);
        Assert.Single(threads);
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, threads);
    }

    [Fact]
    public async Task ApplyAndCommitAsync_OneChangeThrows_OnlyThatWriteFailsAndTheOthersCommit()
    {
        using var gate = new CommitGate();
        using var committer = new GroupCommitter(gate.Commit, "test");
        var first = CommitAsync(committer, CancellationToken.None);
        gate.WaitForFirstCommit();
        var applied = 0;

        var good = committer.ApplyAndCommitAsync(() => Interlocked.Increment(ref applied), CancellationToken.None);
        var bad = committer.ApplyAndCommitAsync(() => throw new InvalidDataException("bad record"), CancellationToken.None);
        var alsoGood = committer.ApplyAndCommitAsync(() => Interlocked.Increment(ref applied), CancellationToken.None);
        gate.Release();

        await Task.WhenAll(first, good, alsoGood);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => bad);
        Assert.Equal("bad record", error.Message);
        Assert.Equal(2, applied);
        Assert.Equal(2, gate.Commits);
    }

    [Fact]
    public async Task ApplyAndCommitAsync_CancelledBeforeItsTurn_ChangeNeverApplied()
    {
        using var gate = new CommitGate();
        using var committer = new GroupCommitter(gate.Commit, "test");
        var first = CommitAsync(committer, CancellationToken.None);
        gate.WaitForFirstCommit();
        using var cancel = new CancellationTokenSource();
        var applied = false;

        var write = committer.ApplyAndCommitAsync(() => applied = true, cancel.Token);
        await cancel.CancelAsync();
        gate.Release();
        await first;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);

        // The next commit proves the loop went past the cancelled write without applying it.
        await CommitAsync(committer, CancellationToken.None);
        Assert.False(applied);
    }

    [Fact]
    public async Task Dispose_WaitersPending_CommitsForThemBeforeStopping()
    {
        using var gate = new CommitGate();
        var committer = new GroupCommitter(gate.Commit, "test");
        var first = CommitAsync(committer, CancellationToken.None);
        gate.WaitForFirstCommit();
        var pending = CommitAsync(committer, CancellationToken.None);

        var disposing = Task.Run(committer.Dispose);
        gate.Release();
        await disposing;
        await Task.WhenAll(first, pending);

        Assert.Equal(2, gate.Commits);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => CommitAsync(committer, CancellationToken.None));
    }

    [Fact]
    public async Task ApplyAndCommitAsync_Cancelled_StopsWaitingButTheCommitStillRuns()
    {
        using var gate = new CommitGate();
        using var committer = new GroupCommitter(gate.Commit, "test");
        using var cancellation = new CancellationTokenSource();

        var waiting = CommitAsync(committer, cancellation.Token);
        gate.WaitForFirstCommit();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        gate.Release();
        await CommitAsync(committer, CancellationToken.None);
        Assert.Equal(2, gate.Commits);
    }

    /// <summary>A write with nothing to apply: it waits for a commit that starts after it was handed over.</summary>
    private static Task CommitAsync(GroupCommitter committer, CancellationToken cancellationToken) =>
        committer.ApplyAndCommitAsync(static () => { }, cancellationToken);
}
