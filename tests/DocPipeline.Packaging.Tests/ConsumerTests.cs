using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace DocPipeline.Packaging.Tests;

/// <summary>
/// A new user's first minutes, from packages: packs every library and the tool into a folder, then, outside the
/// repository, compiles the README's "Using the library" snippet against those packages and runs it, and installs the
/// tool from that folder and runs it.
/// </summary>
public sealed partial class ConsumerTests : IDisposable
{
    private static readonly string[] Libraries =
    [
        "src/DocPipeline.Abstractions", "src/DocPipeline", "src/DocPipeline.Onnx", "src/DocPipeline.OpenAI",
        "src/DocPipeline.PostgreSql", "src/DocPipeline.Qdrant", "src/DocPipeline.SemanticKernel",
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("docpipeline-consumer-").FullName;

    // A package version of its own per run: the global package cache never serves a package packed by an earlier run.
    // Only the package version: the assemblies keep theirs.
    private readonly string _version = $"0.0.0-consumer.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    [Fact]
    public async Task Packages_ReadmeSnippetAndTool_WorkFromTheLocalFeedAlone()
    {
        var repository = FindRepository();
        var configuration = typeof(ConsumerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var feed = Directory.CreateDirectory(Path.Combine(_root, "feed")).FullName;
        foreach (var library in Libraries)
        {
            // The solution's build made these; pack only wraps them.
            AssertNoWarnings(await DotnetProcess.RunOrThrowAsync("dotnet", repository,
                "pack", library, "-c", configuration, "--no-build", "-o", feed, $"-p:PackageVersion={_version}"));
        }

        // The tool package for this machine's platform only (all four take minutes on two cores). Its pack restores and
        // publishes, so it builds into an artifacts folder of its own: the solution's build output, which other test
        // projects run from at the same time, is never rewritten.
        AssertNoWarnings(await DotnetProcess.RunOrThrowAsync("dotnet", repository,
            "pack", "samples/DocPipeline.Cli", "-c", configuration, "-o", feed, $"-p:PackageVersion={_version}",
            $"-p:ToolPackageRuntimeIdentifiers={RuntimeInformation.RuntimeIdentifier}",
            $"-p:ArtifactsPath={Path.Combine(_root, "artifacts")}"));
        foreach (var package in Libraries.Select(Path.GetFileName).Append("DocPipeline.Cli"))
        {
            Assert.True(File.Exists(Path.Combine(feed, $"{package}.{_version}.nupkg")), $"{package} was not packed");
        }

        Assert.True(File.Exists(Path.Combine(feed, $"DocPipeline.{_version}.snupkg")), "DocPipeline has no symbol package");

        var consumer = Directory.CreateDirectory(Path.Combine(_root, "consumer")).FullName;
        WriteConsumer(consumer, feed, ReadmeSnippet(repository));
        var docs = Directory.CreateDirectory(Path.Combine(consumer, "docs")).FullName;
        await File.WriteAllTextAsync(Path.Combine(docs, "reset.md"),
            "# Resetting the device\n\nTo reset the device, hold the power button for ten seconds until the light blinks.");

        await DotnetProcess.RunOrThrowAsync("dotnet", consumer, "build", "-c", "Release");
        var run = await DotnetProcess.RunOrThrowAsync("dotnet", consumer, "run", "-c", "Release", "--no-build");

        Assert.Contains("1 added, 0 updated, 0 unchanged, 0 failed", run, StringComparison.Ordinal);
        Assert.Contains("reset.md (page -): ", run, StringComparison.Ordinal);

        var tools = Path.Combine(_root, "tools");
        // From the temp root, beside the consumer: --add-source cannot be combined with the consumer's source mapping.
        await DotnetProcess.RunOrThrowAsync("dotnet", _root,
            "tool", "install", "DocPipeline.Cli", "--tool-path", tools, "--add-source", feed, "--version", _version);
        var docpipe = Path.Combine(tools, OperatingSystem.IsWindows() ? "docpipe.exe" : "docpipe");
        Assert.True(Directory.Exists(Path.Combine(tools, ".store", "docpipeline.cli", _version)), "the tool did not come from the feed");
        var version = await DotnetProcess.RunOrThrowAsync(docpipe, consumer, "--version");
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Trim());
        var batch = await DotnetProcess.RunOrThrowAsync(docpipe, consumer,
            "batch", "--src", docs, "--data", Path.Combine(_root, "tool-data"), "--json");
        Assert.Contains("\"added\":1", batch.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    // The README promises a pack with no warnings (NU5104 for a stable package over a prerelease dependency, a missing
    // readme or license, ...). .ci/run checks the whole solution's pack the same way.
    private static void AssertNoWarnings(string packOutput) =>
        Assert.DoesNotContain(": warning ", packOutput, StringComparison.OrdinalIgnoreCase);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        // The run's own version of each package in the global cache: nothing else will ever use it.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var package in Libraries.Select(Path.GetFileName).Append("DocPipeline.Cli").Append($"DocPipeline.Cli.{RuntimeInformation.RuntimeIdentifier}"))
        {
            var folder = Path.Combine(cache, package!.ToLowerInvariant(), _version);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>The C# block between the README's snippet markers, exactly as written.</summary>
    private static string ReadmeSnippet(string repository)
    {
        var readme = File.ReadAllText(Path.Combine(repository, "README.md"));
        var match = SnippetPattern().Match(readme);
        Assert.True(match.Success, "README.md has no <!-- snippet:using-the-library --> block");
        return match.Groups["code"].Value;
    }

    private void WriteConsumer(string consumer, string feed, string program)
    {
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), program);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="DocPipeline" Version="{_version}" />
                <PackageReference Include="DocPipeline.Onnx" Version="{_version}" />
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.15" />
              </ItemGroup>
            </Project>
            """);

        // DocPipeline packages come from the feed only; everything else from nuget.org.
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="DocPipeline*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DocPipeline.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No DocPipeline.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"<!-- snippet:using-the-library -->\s*```csharp\n(?<code>.*?)```\s*<!-- /snippet:using-the-library -->", RegexOptions.Singleline)]
    private static partial Regex SnippetPattern();
}
