namespace DocPipeline.Tests.Extraction;

/// <summary>Finds files of the repository (fixtures, the sample corpus) from the test's output folder.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(static () =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DocPipeline.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No DocPipeline.sln above {AppContext.BaseDirectory}.");
    });

    public static string Root => RootPath.Value;

    public static string Fixture(string name) => Path.Combine(Root, "tests", "DocPipeline.Tests", "Extraction", "Fixtures", name);

    public static string CorpusDirectory => Path.Combine(Root, "samples", "corpus");

    public static string CorpusSourcesDirectory => Path.Combine(Root, "tests", "DocPipeline.Tests", "Extraction", "CorpusSources");
}
