namespace DocPipeline.Cli.Tests.Configuration;

/// <summary>A configuration that is not entirely valid stops every command with exit code 2 and one message naming the file, the line and the key.</summary>
public sealed class ConfigErrorTests : IDisposable
{
    private const string Refused = "docpipe: Configuration refused, nothing was run: ";
    private const string QueueKeys =
        "max_concurrent, job_persistence, job_storage_path, job_retention_days, batch_size, default_priority, lease_duration, " +
        "heartbeat_interval, max_attempts, retry_base_delay, retry_max_delay, retry_jitter, poll_interval, shutdown_timeout";

    private readonly ConfigFolder _folder = new();

    [Fact]
    public async Task Batch_TypoInConfigYaml_Exits2NamingFileLineKeyAndTheNearestKey()
    {
        var file = _folder.Write("config.yaml", "queue:\n  job_retention_days: 3\n  max_concurent: 4\n");

        var run = await _folder.RunAsync("batch", "--src", _folder.Sources(1), "--embedder", "hash");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(
            $"{Refused}{file}, line 3, key 'queue.max_concurent': unknown key. Did you mean 'max_concurrent'? Allowed in 'queue': {QueueKeys}.",
            run.Stderr.Trim());
        Assert.False(Directory.Exists(_folder.File(".docpipeline")), "Nothing may run on a half-valid configuration.");
    }

    [Fact]
    public async Task Batch_WrongTypeInConfigYaml_Exits2WithWhatIsAllowed()
    {
        var file = _folder.Write("config.yaml", "queue: {max_concurrent: ten}\n");

        var run = await _folder.RunAsync("batch", "--src", _folder.Sources(1), "--embedder", "hash", "--json");

        Assert.True(run.ExitCode == 2, run.ToString());
        var message = $"{file}, line 1, key 'queue.max_concurrent': must be a whole number (was 'ten').";
        Assert.Equal(Refused + message, run.Stderr.Trim());
        Assert.Equal("Configuration refused, nothing was run: " + message, run.Json().GetProperty("error").GetString());
    }

    [Fact]
    public async Task ConfigShow_OutOfRangeValue_Exits2NamingTheLineAndTheRange()
    {
        var file = _folder.Write("config.yaml", "# comment\nfingerprint:\n  retention_days: 90\nmonitoring:\n  detailed_progress: true\nqueue:\n  max_concurrent: 0\n");

        var run = await _folder.RunAsync("config", "show");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"{Refused}{file}, line 7, key 'queue.max_concurrent': must be between 1 and 1024 (was 0).", run.Stderr.Trim());
    }

    [Fact]
    public async Task ConfigShow_RuleBetweenTwoOptionsBroken_Exits2NamingTheLine()
    {
        var file = _folder.Write("config.yaml", "queue:\n  lease_duration: 00:00:20\n  heartbeat_interval: 00:01:00\n");

        var run = await _folder.RunAsync("config", "show");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(
            $"{Refused}{file}, line 3, key 'queue.heartbeat_interval': (00:01:00) must be shorter than DocPipeline:Queue:LeaseDuration (00:00:20), or leases expire between heartbeats.",
            run.Stderr.Trim());
    }

    [Fact]
    public async Task ConfigShow_JobPersistenceFalse_IsRefusedBecauseItWouldLoseWork()
    {
        var file = _folder.Write("config.yaml", "queue:\n  job_persistence: false\n");

        var run = await _folder.RunAsync("config", "show");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith($"{Refused}{file}, line 2, key 'queue.job_persistence': must be true:", run.Stderr.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_WrongTypeInEnvironment_Exits2NamingTheVariable()
    {
        var environment = new Dictionary<string, string?> { ["DOCPIPELINE__FINGERPRINT__INCLUDE_METADATA"] = "sometimes" };

        var run = await _folder.RunAsync(environment, "search", "anything", "--embedder", "hash");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"{Refused}environment variable DOCPIPELINE__FINGERPRINT__INCLUDE_METADATA: must be true or false (was 'sometimes').", run.Stderr.Trim());
    }

    [Fact]
    public async Task ConfigShow_UnknownSectionInAppSettings_Exits2NamingTheFileAndKey()
    {
        var file = _folder.Write("appsettings.json", """{ "DocPipeline": { "Queeu": { "MaxConcurrent": 3 } } }""");

        var run = await _folder.RunAsync("config", "show");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith($"{Refused}{file}, key 'DocPipeline:Queeu:MaxConcurrent': unknown key. Did you mean 'Queue'? Allowed in the top level: DataDirectory, ReadOnly, Queue,", run.Stderr.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("queue: [unclosed\n", "line 2, column 1: not valid YAML")]
    [InlineData("queue:\n  max_concurrent: 4\n max_attempts: 3\n", "line 3, column 2: not valid YAML")]
    [InlineData("", "is empty")]
    [InlineData("# only a comment\n", "is empty")]
    [InlineData("just some text\n", "line 1: expected sections such as 'queue:' (a YAML mapping), found the value 'just some text'")]
    [InlineData("- queue\n- fingerprint\n", "line 1: expected sections such as 'queue:' (a YAML mapping), found a list")]
    public async Task Batch_FileThatIsNotAConfiguration_Exits2WithAClearMessage(string content, string expected)
    {
        var file = _folder.Write("settings.yaml", content);

        var run = await _folder.RunAsync("batch", "--config", file, "--src", _folder.Sources(1), "--embedder", "hash");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith(Refused, run.Stderr, StringComparison.Ordinal);
        Assert.Contains(file, run.Stderr, StringComparison.Ordinal);
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task ConfigShow_ConfigIsAFolder_Exits2()
    {
        Directory.CreateDirectory(_folder.File("conf.d"));

        var run = await _folder.RunAsync("config", "show", "--config", "conf.d");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"{Refused}The configuration file '{_folder.File("conf.d")}' is a folder, not a file.", run.Stderr.Trim());
    }

    [Fact]
    public async Task ConfigShow_ConfigIsMissing_Exits2()
    {
        var run = await _folder.RunAsync("config", "show", "--config", "nowhere.yaml");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"{Refused}The configuration file '{_folder.File("nowhere.yaml")}' does not exist.", run.Stderr.Trim());
    }

    [SkippableFact]
    public async Task ConfigShow_ConfigCannotBeRead_Exits2()
    {
        // /proc/self/mem exists and cannot be read from its start, even by root (a chmod 000 file can be, by root).
        const string unreadable = "/proc/self/mem";
        Skip.IfNot(File.Exists(unreadable), "needs Linux's /proc/self/mem: a file that exists and that even root cannot read");

        var run = await _folder.RunAsync("config", "show", "--config", unreadable);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith($"{Refused}The configuration file '{unreadable}' cannot be read: ", run.Stderr.Trim(), StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
