namespace DocPipeline.Tests.Indexing.Keyword;

/// <summary>Stands in for a commit: counts the commits and holds the first one until <see cref="Release"/>.</summary>
internal sealed class CommitGate : IDisposable
{
    private readonly ManualResetEventSlim _firstStarted = new();
    private readonly ManualResetEventSlim _release = new();
    private int _commits;

    public int Commits => Volatile.Read(ref _commits);

    public void Commit()
    {
        if (Interlocked.Increment(ref _commits) == 1)
        {
            _firstStarted.Set();
            _release.Wait();
        }
    }

    /// <summary>Blocks until the first commit is running (and held).</summary>
    public void WaitForFirstCommit() => _firstStarted.Wait();

    public void Release() => _release.Set();

    public void Dispose()
    {
        _release.Set();
        _firstStarted.Dispose();
        _release.Dispose();
    }
}
