using DocPipeline.Jobs;

namespace DocPipeline.Tests.Jobs;

/// <summary>The job rules as pure decisions, with no store: what every store (SQLite, PostgreSQL, third-party) must apply.</summary>
public sealed class JobRulesTests
{
    private const long Now = 1_000_000;

    [Fact]
    public void Decide_NoOtherActiveJob_Claims()
    {
        Assert.Equal((ClaimDecision.Claim, null), JobRules.Decide(5, [], Now, documentClaimedInBatch: false));
    }

    [Fact]
    public void Decide_NewerJobsOfTheDocument_SupersededByTheNewest()
    {
        JobSibling[] siblings = [new("older", 3, false, null), new("newest", 9, false, null), new("newer", 7, false, null)];

        Assert.Equal((ClaimDecision.Supersede, "newest"), JobRules.Decide(5, siblings, Now, documentClaimedInBatch: false));
    }

    [Fact]
    public void Decide_NewerJobProcessingUnderALiveLease_StillSupersedes()
    {
        // A stale job never runs, busy document or not: running it would undo the newer job's work.
        JobSibling[] siblings = [new("newer", 7, true, Now + 1)];

        Assert.Equal((ClaimDecision.Supersede, "newer"), JobRules.Decide(5, siblings, Now, documentClaimedInBatch: true));
    }

    [Fact]
    public void Decide_OlderJobProcessingUnderALiveLease_Skips()
    {
        JobSibling[] siblings = [new("older", 3, true, Now + 1)];

        Assert.Equal((ClaimDecision.Skip, null), JobRules.Decide(5, siblings, Now, documentClaimedInBatch: false));
    }

    [Theory]
    [InlineData(Now)]
    [InlineData(Now - 1)]
    public void Decide_OlderJobWhoseLeaseExpired_Claims(long leaseExpiresAt)
    {
        // A lease that ends at the claim time is over: the claim retires the old holder.
        JobSibling[] siblings = [new("older", 3, true, leaseExpiresAt)];

        Assert.Equal((ClaimDecision.Claim, null), JobRules.Decide(5, siblings, Now, documentClaimedInBatch: false));
    }

    [Fact]
    public void Decide_OlderPendingJob_Claims()
    {
        JobSibling[] siblings = [new("older", 3, false, null)];

        Assert.Equal((ClaimDecision.Claim, null), JobRules.Decide(5, siblings, Now, documentClaimedInBatch: false));
    }

    [Fact]
    public void Decide_DocumentAlreadyClaimedInThisBatch_Skips()
    {
        Assert.Equal((ClaimDecision.Skip, null), JobRules.Decide(5, [], Now, documentClaimedInBatch: true));
    }

    [Fact]
    public void Decide_NullSiblings_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => JobRules.Decide(5, null!, Now, documentClaimedInBatch: false));
    }

    [Theory]
    [InlineData(true, 1, 3, false, true)]
    [InlineData(true, 2, 3, false, true)]
    [InlineData(true, 3, 3, false, false)]
    [InlineData(true, 4, 3, false, false)]
    [InlineData(false, 1, 3, false, false)]
    [InlineData(true, 1, 3, true, false)]
    public void ShouldRetry_RetryableWithAttemptsLeftAndNoCancelRequest_Only(bool retryable, int attempts, int maxAttempts, bool cancelRequested, bool expected)
    {
        Assert.Equal(expected, JobRules.ShouldRetry(new JobFailure("boom", retryable), attempts, maxAttempts, cancelRequested));
    }

    [Fact]
    public void SupersededBy_NamesTheNewJob_AndEmptyIdIsThePrefix()
    {
        Assert.Equal("superseded by job abc", JobRules.SupersededBy("abc"));
        Assert.Equal(JobRules.SupersededBy(string.Empty) + "abc", JobRules.SupersededBy("abc"));
    }

    [Fact]
    public void LeaseExpired_CountsAttemptsAndKeepsTheLastError()
    {
        Assert.Equal(
            "The lease expired after 1 attempt (the worker crashed or hung), and no attempts are left.",
            JobRules.LeaseExpired(1, null));
        Assert.Equal(
            "The lease expired after 3 attempts (the worker crashed or hung), and no attempts are left. Last error: disk full",
            JobRules.LeaseExpired(3, "disk full"));
        Assert.Equal(JobRules.LeaseExpired(2, null), JobRules.LeaseExpired(2, string.Empty));
    }

    [Fact]
    public void NewJobId_LaterTimes_SortAfterEarlierOnes()
    {
        var start = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 50).Select(i => JobRules.NewJobId(start.AddMilliseconds(i))).ToList();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void NewLeaseToken_EveryCall_ANewToken()
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => JobRules.NewLeaseToken()).ToList();

        Assert.All(tokens, t => Assert.Matches("^[0-9a-f]{32}$", t));
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void ValidateRequests_ValidOrEmpty_Passes()
    {
        JobRules.ValidateRequests([]);
        JobRules.ValidateRequests([new JobRequest { DocumentId = "a", Source = "/a.txt", MaxAttempts = 1 }]);
    }

    [Fact]
    public void ValidateRequests_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => JobRules.ValidateRequests(null!));
    }

    [Theory]
    [InlineData(null, "/a.txt", null, "Job request 1 has no document id.")]
    [InlineData(" ", "/a.txt", null, "Job request 1 has no document id.")]
    [InlineData("a", "", null, "Job request 1 (document 'a') has no source.")]
    [InlineData("a", "/a.txt", 0, "Job request 1 (document 'a') has MaxAttempts 0; it must be at least 1.")]
    public void ValidateRequests_IncompleteRequest_NamesItAndWhatIsMissing(string? documentId, string source, int? maxAttempts, string message)
    {
        var requests = new List<JobRequest>
        {
            new() { DocumentId = "ok", Source = "/ok.txt" },
            new() { DocumentId = documentId!, Source = source, MaxAttempts = maxAttempts },
        };

        var error = Assert.Throws<ArgumentException>(() => JobRules.ValidateRequests(requests));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Equal("requests", error.ParamName);
    }

    [Fact]
    public void ValidateRequests_NullRequest_NamesItsPosition()
    {
        var error = Assert.Throws<ArgumentException>(() => JobRules.ValidateRequests([null!]));

        Assert.StartsWith("Job request 0 is null.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateClaim_Valid_Passes()
    {
        JobRules.ValidateClaim(new JobClaimRequest { Owner = "w", MaxJobs = 1, LeaseDuration = TimeSpan.FromMilliseconds(1) });
    }

    [Fact]
    public void ValidateClaim_Invalid_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => JobRules.ValidateClaim(null!));
        Assert.ThrowsAny<ArgumentException>(() => JobRules.ValidateClaim(new JobClaimRequest { Owner = " ", LeaseDuration = TimeSpan.FromSeconds(1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => JobRules.ValidateClaim(new JobClaimRequest { Owner = "w", MaxJobs = 0, LeaseDuration = TimeSpan.FromSeconds(1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => JobRules.ValidateClaim(new JobClaimRequest { Owner = "w", LeaseDuration = TimeSpan.Zero }));
    }

    [Fact]
    public void JobStoreWords_EveryStatusAndType_RoundTrips()
    {
        foreach (var status in Enum.GetValues<JobStatus>())
        {
            Assert.Equal(status, JobStoreWords.ParseStatus(JobStoreWords.StatusName(status)));
            Assert.Equal(status.ToString().ToLowerInvariant(), JobStoreWords.StatusName(status));
        }

        foreach (var type in Enum.GetValues<JobType>())
        {
            Assert.Equal(type, JobStoreWords.ParseType(JobStoreWords.TypeName(type)));
            Assert.Equal(type.ToString().ToLowerInvariant(), JobStoreWords.TypeName(type));
        }
    }

    [Fact]
    public void JobStoreWords_UnknownWord_StorageErrorNamingIt()
    {
        Assert.Contains("'paused'", Assert.Throws<DocPipelineStorageException>(() => JobStoreWords.ParseStatus("paused")).Message, StringComparison.Ordinal);
        Assert.Contains("'move'", Assert.Throws<DocPipelineStorageException>(() => JobStoreWords.ParseType("move")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => JobStoreWords.StatusName((JobStatus)42));
    }

    [Fact]
    public void JobTime_DurationsRoundUp_TimesKeepWholeMilliseconds()
    {
        Assert.Equal(2, JobTime.ToMs(TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond + 1)));
        Assert.Equal(1, JobTime.ToMs(TimeSpan.FromMilliseconds(1)));
        Assert.Equal(0, JobTime.ToMs(TimeSpan.Zero));

        var time = new DateTimeOffset(2026, 12, 7, 10, 0, 0, 123, TimeSpan.Zero).AddTicks(4567);
        Assert.Equal(time.AddTicks(-4567), JobTime.FromUnixMs(JobTime.ToUnixMs(time)));
        Assert.Null(JobTime.FromUnixMs((long?)null));
    }

    [Fact]
    public void ListFilter_EachFilterSet_OneConditionEachJoinedWithAnd()
    {
        Assert.Equal(string.Empty, JobStoreWords.ListFilter(new JobQuery(), "j.", '@'));
        Assert.Equal(" WHERE status = $status", JobStoreWords.ListFilter(new JobQuery { Status = JobStatus.Failed }, string.Empty, '$'));
        Assert.Equal(
            " WHERE j.status = @status AND j.batch_id = @batch AND j.document_id = @document",
            JobStoreWords.ListFilter(new JobQuery { Status = JobStatus.Pending, BatchId = "b", DocumentId = "d" }, "j.", '@'));
    }
}
