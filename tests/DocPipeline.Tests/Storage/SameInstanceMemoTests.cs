using DocPipeline.Storage;

namespace DocPipeline.Tests.Storage;

public sealed class SameInstanceMemoTests
{
    [Fact]
    public void Get_SameInstanceAgain_ComputedOnceAndAnEqualButDifferentInstanceComputedAgain()
    {
        var calls = new List<IReadOnlyDictionary<string, string>?>();
        var memo = new SameInstanceMemo<IReadOnlyDictionary<string, string>, string>(metadata =>
        {
            calls.Add(metadata);
            return metadata is null ? "none" : string.Join(",", metadata.Keys);
        });
        var shared = new Dictionary<string, string> { ["a"] = "1" };
        var equal = new Dictionary<string, string> { ["a"] = "1" };

        Assert.Equal("none", memo.Get(null));
        Assert.Equal("none", memo.Get(null));
        Assert.Equal("a", memo.Get(shared));
        Assert.Equal("a", memo.Get(shared));
        Assert.Equal("a", memo.Get(equal));

        // By reference: a dictionary with the same content is another instance (it may be changed independently).
        Assert.Equal([null, shared, equal], calls);
    }
}
