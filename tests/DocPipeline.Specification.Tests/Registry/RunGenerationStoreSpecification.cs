using DocPipeline.Registry;
using Xunit;

namespace DocPipeline.Specification.Tests.Registry;

/// <summary>
/// The behaviour every <see cref="IRunGenerationStore"/> must have. Implementations inherit this class and supply the
/// factory: the run generations and the documents of the same registry, because a run marks documents (their
/// <see cref="DocumentRecord.LastSeenRun"/>) and lists the committed ones.
/// </summary>
public abstract class RunGenerationStoreSpecification : RegistrySpecificationBase
{
    /// <summary>Creates the registry under test, empty, using <see cref="RegistrySpecificationBase.Time"/>: its documents and its run generations over one storage.</summary>
    protected abstract (IDocumentRegistry Documents, IRunGenerationStore Runs) CreateRunGenerationStore();

    [Fact]
    public async Task MarkSeenAsync_DocumentsNotSeenByARun_AreStreamed()
    {
        var (registry, runs) = CreateRunGenerationStore();
        await Commit(registry, Version("seen", 1, "x"));
        await Commit(registry, Version("gone", 1, "y"));
        var first = await runs.BeginRunAsync();
        var second = await runs.BeginRunAsync();

        await runs.MarkSeenAsync(["seen", "unknown"], second);

        Assert.True(second > first);
        Assert.Equal(["gone"], await NotSeenAsync(runs, second));
        Assert.Equal(second, (await registry.GetAsync("seen"))!.LastSeenRun);
        Assert.Null(await registry.GetAsync("unknown"));
    }

    [Fact]
    public async Task MarkSeenAsync_EarlierRun_NeverLowersLastSeenRun()
    {
        var (registry, runs) = CreateRunGenerationStore();
        await Commit(registry, Version("doc-a", 1, "x"));
        var first = await runs.BeginRunAsync();
        var second = await runs.BeginRunAsync();

        await runs.MarkSeenAsync(["doc-a"], second);
        await runs.MarkSeenAndListCommittedAsync(["doc-a"], first);

        Assert.Equal(second, (await registry.GetAsync("doc-a"))!.LastSeenRun);
        Assert.Empty(await NotSeenAsync(runs, second));
    }

    [Fact]
    public async Task MarkSeenAndListCommittedAsync_MixedDocuments_MarksEveryKnownOneAndListsTheCommitted()
    {
        var (registry, runs) = CreateRunGenerationStore();
        await Commit(registry, Version("committed", 1, "x"));
        await registry.StageAsync(Version("staged", 1, "y"));
        await Commit(registry, Version("updating", 1, "z"));
        await registry.StageAsync(Version("updating", 2, "z2"));
        await Commit(registry, Version("not-in-run", 1, "w"));
        var run = await runs.BeginRunAsync();

        var committed = await runs.MarkSeenAndListCommittedAsync(["committed", "staged", "updating", "unknown"], run);

        Assert.Equal(["committed", "updating"], committed.Order(StringComparer.Ordinal));
        Assert.Equal(run, (await registry.GetAsync("staged"))!.LastSeenRun);
        Assert.Equal(["not-in-run"], await NotSeenAsync(runs, run));
        Assert.Empty(await runs.MarkSeenAndListCommittedAsync([], run));
    }

    [Fact]
    public async Task BeginRunAsync_EachRun_LargerThanTheLast()
    {
        var (_, runs) = CreateRunGenerationStore();

        var first = await runs.BeginRunAsync();
        var second = await runs.BeginRunAsync();

        Assert.True(first > 0);
        Assert.True(second > first);
    }

    private static async Task<List<string>> NotSeenAsync(IRunGenerationStore runs, long generation)
    {
        var notSeen = new List<string>();
        await foreach (var document in runs.StreamNotSeenAsync(generation))
        {
            notSeen.Add(document.Id);
        }

        return notSeen;
    }
}
