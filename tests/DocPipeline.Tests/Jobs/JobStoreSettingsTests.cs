using DocPipeline.Configuration;
using DocPipeline.Jobs;

namespace DocPipeline.Tests.Jobs;

/// <summary>Backoff, attempts budget and new-job defaults, as pure decisions.</summary>
public sealed class JobStoreSettingsTests
{
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 12, 7, 10, 0, 0, 5, TimeSpan.Zero).AddTicks(999);

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(7, 128)]
    [InlineData(8, 200)]
    [InlineData(int.MaxValue, 200)]
    public void RetryDelay_NoJitter_DoublesPerAttemptUpToTheCap(int attempts, int seconds)
    {
        var settings = new JobStoreSettings { RetryBaseDelay = TimeSpan.FromSeconds(2), RetryMaxDelay = TimeSpan.FromSeconds(200), RetryJitter = 0 };

        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.RetryDelay(attempts));
    }

    [Theory]
    [InlineData(0.0, 8.0)]
    [InlineData(0.5, 7.2)]
    [InlineData(1.0, 6.4)]
    [InlineData(-3.0, 8.0)]
    [InlineData(7.0, 6.4)]
    public void RetryDelay_Jitter_TakesUpToItsShareOffTheDelay(double random, double seconds)
    {
        var settings = new JobStoreSettings { RetryBaseDelay = TimeSpan.FromSeconds(2), RetryJitter = 0.2, NextRandom = () => random };

        Assert.Equal(seconds, settings.RetryDelay(3).TotalSeconds, precision: 6);
    }

    [Fact]
    public void Init_OutOfRange_ThrowsNamingTheSetting()
    {
        Assert.Equal("MaxAttempts", Assert.Throws<ArgumentOutOfRangeException>(() => new JobStoreSettings { MaxAttempts = 0 }).ParamName);
        Assert.Equal("RetryBaseDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new JobStoreSettings { RetryBaseDelay = TimeSpan.FromSeconds(-1) }).ParamName);
        Assert.Equal("RetryMaxDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new JobStoreSettings { RetryMaxDelay = TimeSpan.FromSeconds(-1) }).ParamName);
        Assert.Equal("RetryJitter", Assert.Throws<ArgumentOutOfRangeException>(() => new JobStoreSettings { RetryJitter = 1.5 }).ParamName);
        Assert.Equal("RetryJitter", Assert.Throws<ArgumentOutOfRangeException>(() => new JobStoreSettings { RetryJitter = double.NaN }).ParamName);
        Assert.Equal("NextRandom", Assert.Throws<ArgumentNullException>(() => new JobStoreSettings { NextRandom = null! }).ParamName);
    }

    [Fact]
    public void From_QueueOptions_CopiesTheStoreSettings()
    {
        var queue = new QueueOptions
        {
            MaxAttempts = 9,
            DefaultPriority = 4,
            RetryBaseDelay = TimeSpan.FromSeconds(3),
            RetryMaxDelay = TimeSpan.FromSeconds(30),
            RetryJitter = 0.5,
        };

        var settings = JobStoreSettings.From(queue);
        queue.MaxAttempts = 1;

        Assert.Equal((9, 4, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30), 0.5), (settings.MaxAttempts, settings.DefaultPriority, settings.RetryBaseDelay, settings.RetryMaxDelay, settings.RetryJitter));
    }

    [Fact]
    public void NewJob_RequestLeavesDefaultsOpen_PendingDueNowWithTheStoreDefaults()
    {
        var settings = new JobStoreSettings { MaxAttempts = 7, DefaultPriority = 3 };

        var job = settings.NewJob(new JobRequest { DocumentId = "a", Source = "/a.txt", BatchId = "b1", Payload = "{}" }, Now);

        var at = new DateTimeOffset(2026, 12, 7, 10, 0, 0, 5, TimeSpan.Zero);
        Assert.Equal(
            ("a", "/a.txt", JobType.Add, 3, 7, JobStatus.Pending, 0, "b1", "{}"),
            (job.DocumentId, job.Source, job.Type, job.Priority, job.MaxAttempts, job.Status, job.Attempts, job.BatchId, job.Payload));
        Assert.Equal((at, at, at), (job.CreatedAt, job.UpdatedAt, job.NextAttemptAt));
        Assert.Equal(JobRules.NewJobId(Now)[..12], job.Id[..12]);
    }

    [Fact]
    public void NewJob_RequestSetsPriorityAndAttempts_RequestWins()
    {
        var job = new JobStoreSettings().NewJob(new JobRequest { DocumentId = "a", Source = "/a.txt", Type = JobType.Remove, Priority = -2, MaxAttempts = 1 }, Now);

        Assert.Equal((JobType.Remove, -2, 1), (job.Type, job.Priority, job.MaxAttempts));
    }
}
