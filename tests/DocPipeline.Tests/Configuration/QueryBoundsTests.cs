using DocPipeline.Jobs;
using DocPipeline.Registry;

namespace DocPipeline.Tests.Configuration;

/// <summary>
/// The store queries (<see cref="JobQuery"/>, <see cref="DocumentQuery"/>) refuse values no store can answer in bounded
/// memory when they are set, so every backend, built in or third-party, receives only valid queries.
/// </summary>
public sealed class QueryBoundsTests
{
    [Theory]
    [InlineData("JobQuery", 0)]
    [InlineData("JobQuery", -1)]
    [InlineData("JobQuery", JobQuery.MaxLimit + 1)]
    [InlineData("JobQuery", int.MaxValue)]
    [InlineData("DocumentQuery", 0)]
    [InlineData("DocumentQuery", -1)]
    [InlineData("DocumentQuery", DocumentQuery.MaxLimit + 1)]
    [InlineData("DocumentQuery", int.MaxValue)]
    public void Limit_OutOfRange_ThrowsNamingTheOption(string query, int limit)
    {
        Action create = query == "JobQuery" ? () => _ = new JobQuery { Limit = limit } : () => _ = new DocumentQuery { Limit = limit };

        var error = Assert.Throws<ArgumentOutOfRangeException>(create);

        Assert.Contains($"{query}.Limit must be between 1 and 100000 (was {limit})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JobQueryStatus_Undefined_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new JobQuery { Status = (JobStatus)42 });

        Assert.Contains("JobQuery.Status must be one of Pending, ", error.Message, StringComparison.Ordinal);
        Assert.Contains("(was 42)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DocumentQueryStatus_Undefined_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new DocumentQuery { Status = (DocumentStatus)42 });

        Assert.Contains("DocumentQuery.Status must be one of ", error.Message, StringComparison.Ordinal);
        Assert.Contains("(was 42)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Queries_BoundsAndNullStatus_AreAccepted()
    {
        var smallest = new JobQuery { Limit = 1, Status = null };
        var largest = new DocumentQuery { Limit = DocumentQuery.MaxLimit, Status = DocumentStatus.Indexed };

        Assert.Equal((1, null), (smallest.Limit, smallest.Status));
        Assert.Equal((100_000, DocumentStatus.Indexed), (largest.Limit, largest.Status));
        Assert.Equal(100, new JobQuery().Limit);
        Assert.Equal(100, new DocumentQuery().Limit);
    }
}
