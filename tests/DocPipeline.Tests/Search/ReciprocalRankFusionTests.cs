using DocPipeline.Indexing;
using DocPipeline.Search;

namespace DocPipeline.Tests.Search;

public sealed class ReciprocalRankFusionTests
{
    [Fact]
    public void Fuse_ChunkRankedByBothLists_BeatsChunksRankedFirstByOnlyOne()
    {
        IndexHit[] vector = [Hit("only-vector"), Hit("both"), Hit("v3")];
        IndexHit[] keyword = [Hit("only-keyword"), Hit("both")];

        var fused = DocumentSearcher.Fuse(vector, keyword);

        Assert.Equal("both", fused[0].ChunkId);
        Assert.Equal((2.0 / (DocumentSearcher.RrfK + 2)), fused[0].Score, 12);
        Assert.Equal(["both", "only-vector", "only-keyword", "v3"], fused.Select(f => f.ChunkId));
    }

    [Fact]
    public void Fuse_EmptyLists_Empty()
    {
        Assert.Empty(DocumentSearcher.Fuse([], []));
    }

    private static IndexHit Hit(string id) => new(id, "doc", 1, 0.5);
}
