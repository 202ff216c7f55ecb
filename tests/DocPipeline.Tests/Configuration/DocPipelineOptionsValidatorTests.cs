using DocPipeline.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DocPipeline.Tests.Configuration;

public sealed class DocPipelineOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = new DocPipelineOptionsValidator().Validate(null, new DocPipelineOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Resolve_ZeroMaxConcurrentFromConfiguration_ErrorNamesTheKey()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DocPipeline:Queue:MaxConcurrent"] = "0" })
            .Build());
        services.AddDocPipeline();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DocPipelineOptions>>().Value);

        Assert.Contains("DocPipeline:Queue:MaxConcurrent", error.Message, StringComparison.Ordinal);
        Assert.Contains("was 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HeartbeatNotShorterThanLease_ErrorNamesBothKeys()
    {
        var options = new DocPipelineOptions();
        options.Queue.LeaseDuration = TimeSpan.FromSeconds(5);
        options.Queue.HeartbeatInterval = TimeSpan.FromSeconds(5);

        var result = new DocPipelineOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("DocPipeline:Queue:HeartbeatInterval", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("DocPipeline:Queue:LeaseDuration", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartHost_InvalidOptions_FailsAtStartup()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["DocPipeline:Fingerprint:RetentionDays"] = "-1" });
        builder.Services.AddDocPipeline();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("DocPipeline:Fingerprint:RetentionDays", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NonNumericValue_ErrorNamesTheKey()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DocPipeline:Queue:MaxAttempts"] = "many" })
            .Build());
        services.AddDocPipeline();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DocPipelineOptions>>().Value);

        Assert.Contains("key 'DocPipeline:Queue:MaxAttempts': must be a whole number (was 'many')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configure_CodeAfterConfiguration_CodeWins()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DocPipeline:Queue:MaxConcurrent"] = "3" })
            .Build());
        services.AddDocPipeline(o => o.Queue.MaxConcurrent = 9);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(9, provider.GetRequiredService<IOptions<DocPipelineOptions>>().Value.Queue.MaxConcurrent);
    }
}
