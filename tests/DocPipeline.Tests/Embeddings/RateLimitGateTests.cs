using DocPipeline.Embeddings;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.Tests.Embeddings;

public sealed class RateLimitGateTests
{
    [Fact]
    public async Task RateLimited_ManyAnswersOfOneEpisode_HalveTheLimitOnceAndPauseEveryone()
    {
        var time = new FakeTimeProvider();
        var gate = new RateLimitGate(8, time);
        var tickets = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            tickets.Add((await gate.EnterAsync(CancellationToken.None)).Episode);
        }

        foreach (var episode in tickets)
        {
            gate.RateLimited(episode, TimeSpan.FromSeconds(2));
            gate.Exit();
        }

        var waiting = gate.EnterAsync(CancellationToken.None).AsTask();
        Assert.Equal(4, gate.Limit);
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        var (_, paused) = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(2), paused);
    }

    [Fact]
    public async Task Succeeded_AfterAsManySuccessesAsTheLimit_LimitGrowsByOne()
    {
        var gate = new RateLimitGate(4, new FakeTimeProvider());
        var (episode, _) = await gate.EnterAsync(CancellationToken.None);
        gate.RateLimited(episode, TimeSpan.Zero);
        gate.Exit();
        Assert.Equal(2, gate.Limit);

        gate.Succeeded();
        Assert.Equal(2, gate.Limit);
        gate.Succeeded();
        Assert.Equal(3, gate.Limit);
    }

    [Fact]
    public async Task EnterAsync_AtTheLimit_WaitsForAPlace()
    {
        var gate = new RateLimitGate(1, new FakeTimeProvider());
        await gate.EnterAsync(CancellationToken.None);

        var second = gate.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);
        gate.Exit();

        await second.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
