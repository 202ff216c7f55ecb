using System.Text.Json;

namespace DocPipeline.Cli.Tests.Configuration;

/// <summary>Sources and their precedence as <c>docpipe config show</c> reports them, and <c>docpipe config init</c>.</summary>
public sealed class ConfigShowAndInitTests : IDisposable
{
    private readonly ConfigFolder _folder = new();

    [Fact]
    public async Task ConfigShow_SameKeyFromEverySource_TheHigherSourceWins()
    {
        var yaml = _folder.Write("config.yaml", "# the plan's file\nqueue:\n  max_concurrent: 11\n");
        var appSettings = _folder.Write("appsettings.json", """{ "DocPipeline": { "Queue": { "MaxConcurrent": 12 } } }""");
        var environment = new Dictionary<string, string?> { ["DOCPIPELINE__QUEUE__MAX_CONCURRENT"] = "13" };

        var all = await ShowAsync(environment, "--set", "queue.max_concurrent=14");
        var noFlag = await ShowAsync(environment);
        var noEnvironment = await ShowAsync(null);
        File.Delete(appSettings);
        var fileOnly = await ShowAsync(null);
        File.Delete(yaml);
        var defaults = await ShowAsync(null);

        Assert.Equal(("14", "flag", "DocPipeline:queue:max_concurrent"), MaxConcurrent(all));
        Assert.Equal(("13", "environment", "DOCPIPELINE__QUEUE__MAX_CONCURRENT"), MaxConcurrent(noFlag));
        Assert.Equal(("12", "file", appSettings), MaxConcurrent(noEnvironment));
        Assert.Equal(("11", "file", yaml + ":3"), MaxConcurrent(fileOnly));
        Assert.Equal(("32", "default", null), MaxConcurrent(defaults));
    }

    [Fact]
    public async Task Batch_SameKeyFromEverySource_RunsWithTheFlagsValue()
    {
        _folder.Write("config.yaml", "queue:\n  max_concurrent: 11\n");
        _folder.Write("appsettings.json", """{ "DocPipeline": { "Queue": { "MaxConcurrent": 12 } } }""");
        var environment = new Dictionary<string, string?> { ["DOCPIPELINE__QUEUE__MAX_CONCURRENT"] = "13" };

        var sources = _folder.Sources(2);

        var flag = await _folder.RunAsync(environment, "batch", "--src", sources, "--data", "one", "--embedder", "hash", "--verbose", "--set", "Queue:MaxConcurrent=14");
        var env = await _folder.RunAsync(environment, "batch", "--src", sources, "--data", "two", "--embedder", "hash", "--verbose");

        Assert.True(flag.ExitCode == 0, flag.ToString());
        Assert.Contains("up to 14 jobs at a time", flag.Stderr, StringComparison.Ordinal);
        Assert.True(env.ExitCode == 0, env.ToString());
        Assert.Contains("up to 13 jobs at a time", env.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigShow_ConfigFlagAndFileNames_PicksTheGivenFileThenDocpipeYamlThenConfigYaml()
    {
        var config = _folder.Write("config.yaml", "queue: {max_attempts: 2}\n");
        var docpipe = _folder.Write("docpipe.yaml", "queue: {max_attempts: 3}\n");
        var other = _folder.Write("other/pipeline.yml", "data_directory: ../data\nqueue: {MaxAttempts: 4}\n");

        var given = await ShowAsync(null, "--config", "other/pipeline.yml");
        var preferred = await ShowAsync(null);
        File.Delete(docpipe);
        var fallback = await ShowAsync(null);

        Assert.Equal("4", Setting(given, "Queue:MaxAttempts").GetProperty("value").GetString());
        Assert.Equal(other, given.GetProperty("file").GetString());
        Assert.Equal(_folder.File("data"), Setting(given, "DataDirectory").GetProperty("value").GetString());
        Assert.Equal("3", Setting(preferred, "Queue:MaxAttempts").GetProperty("value").GetString());
        Assert.Equal("2", Setting(fallback, "Queue:MaxAttempts").GetProperty("value").GetString());
        Assert.Equal(config, fallback.GetProperty("file").GetString());
    }

    [Fact]
    public async Task ConfigInit_WritesEveryKeyWithAComment_TheFileLoadsAsTheDefaults()
    {
        var defaults = await ShowAsync(null);

        var init = await _folder.RunAsync("config", "init");
        var loaded = await ShowAsync(null);

        Assert.True(init.ExitCode == 0, init.ToString());
        var text = await File.ReadAllLinesAsync(_folder.File("config.yaml"));
        Assert.Contains("  max_concurrent: 32", text);
        Assert.Contains("  # The maximum number of jobs one queue processes (reads, chunks, embeds) at the same time.", text);
        var keyLines = text.Select((line, i) => (line, i)).Where(x => x.line.Contains(": ", StringComparison.Ordinal) && !x.line.TrimStart().StartsWith('#')).ToList();
        Assert.All(keyLines, x => Assert.StartsWith("#", text[x.i - 1].TrimStart(), StringComparison.Ordinal));

        var expected = defaults.GetProperty("settings").EnumerateArray().ToList();
        var actual = loaded.GetProperty("settings").EnumerateArray().ToList();
        Assert.Equal(expected.Select(s => s.GetProperty("key").GetString()), actual.Select(s => s.GetProperty("key").GetString()));
        foreach (var (want, got) in expected.Zip(actual))
        {
            var key = want.GetProperty("key").GetString();
            var value = want.GetProperty("value").GetString();
            Assert.Equal(key == "DataDirectory" ? _folder.File(value!) : value, got.GetProperty("value").GetString());
            Assert.Equal(value is null ? "default" : "file", got.GetProperty("source").GetString());
        }
    }

    [Fact]
    public async Task ConfigInit_FileExists_NeverOverwritesIt()
    {
        var path = _folder.Write("mine.yaml", "queue: {max_attempts: 2}\n");

        var run = await _folder.RunAsync("config", "init", "--path", "mine.yaml");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("is never overwritten", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("queue: {max_attempts: 2}\n", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task ConfigShow_Text_ListsEveryKeyWithItsSource()
    {
        var file = _folder.Write("config.yaml", "fingerprint:\n  RetentionDays: 5\n");

        var run = await _folder.RunAsync(new Dictionary<string, string?> { ["DOCPIPELINE__Monitoring__AlertOnFailures"] = "true" }, "config", "show", "--set", "queue.max_attempts=9");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains($"configuration file: {file}", lines);
        Assert.Contains(lines, l => l.StartsWith("Fingerprint:RetentionDays ", StringComparison.Ordinal) && l.EndsWith($"5  [file {file}:2]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Monitoring:AlertOnFailures ", StringComparison.Ordinal) && l.EndsWith("true  [environment DOCPIPELINE__Monitoring__AlertOnFailures]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Queue:MaxAttempts ", StringComparison.Ordinal) && l.EndsWith("9  [flag DocPipeline:queue:max_attempts]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Queue:LeaseDuration ", StringComparison.Ordinal) && l.EndsWith("00:00:30  [default]", StringComparison.Ordinal));
    }

    private static (string?, string?, string?) MaxConcurrent(JsonElement show)
    {
        var setting = Setting(show, "Queue:MaxConcurrent");
        return (setting.GetProperty("value").GetString(), setting.GetProperty("source").GetString(), setting.GetProperty("origin").GetString());
    }

    private static JsonElement Setting(JsonElement show, string key) =>
        show.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("key").GetString() == key);

    private async Task<JsonElement> ShowAsync(IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var run = await _folder.RunAsync(environment, ["config", "show", "--json", .. arguments]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Json();
    }

    public void Dispose() => _folder.Dispose();
}
