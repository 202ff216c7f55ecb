using Lucene.Net.Store;
using LuceneLock = Lucene.Net.Store.Lock;

namespace DocPipeline.Indexing.Keyword;

/// <summary>
/// Makes Lucene locks that hold their file with an exclusive OS lock, so that one index folder has one writer
/// across processes as well as within one.
/// </summary>
/// <remarks>
/// Lucene.Net 4.8.0-beta00017's <see cref="NativeFSLockFactory"/> opens <c>write.lock</c> with
/// <see cref="FileShare.Read"/>. On Linux .NET turns that into a <em>shared</em> <c>flock</c>, so a second process
/// obtains the "same" lock, opens a second writer, and the two corrupt the index. An exclusive handle
/// (<see cref="FileShare.None"/>) is an exclusive <c>flock</c> on Unix and a sharing lock on Windows; the OS drops it
/// when the process dies, so a crash never leaves a stale lock.
/// </remarks>
internal sealed class ExclusiveFileLockFactory : FSLockFactory
{
    public override LuceneLock MakeLock(string lockName)
    {
        ArgumentException.ThrowIfNullOrEmpty(lockName);
        var fileName = string.IsNullOrEmpty(m_lockPrefix) ? lockName : $"{m_lockPrefix}-{lockName}";
        var folder = m_lockDir ?? throw new InvalidOperationException("The lock folder is set when the factory is given to FSDirectory.Open.");
        return new ExclusiveFileLock(Path.Combine(folder.FullName, fileName));
    }

    public override void ClearLock(string lockName)
    {
        // An OS lock disappears with its handle; a leftover lock file holds nothing and is reused by the next lock.
    }
}
