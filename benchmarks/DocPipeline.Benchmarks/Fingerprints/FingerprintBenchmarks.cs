using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using DocPipeline.Configuration;
using DocPipeline.Fingerprints;
using DocPipeline.Storage;
using Microsoft.Extensions.Options;

namespace DocPipeline.Benchmarks.Fingerprints;

/// <summary>
/// Two questions. QuickCheck: how fast is re-checking an unchanged corpus of 100,000 files (enumerate, stat, one
/// GetMany and one MarkSeen per 1,000, classify), against reading and hashing every file as tools without a stat
/// check do (the same fingerprinter with <c>force</c>, so hashing runs on every core)? Reported per file: files/s is
/// 1 s divided by the mean. Hash: how close is the streamed SHA-256 of a 64 MiB file (in the page cache) to
/// <see cref="SHA256.HashData(byte[])"/> over the same bytes already in memory?
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class FingerprintBenchmarks
{
    public const int FileCount = 100_000;
    private const int FilesPerFolder = 1_000;
    private const int CorpusFileSize = 4 * 1024;
    private const int LargeFileSize = 64 * 1024 * 1024;

    private string _root = null!;
    private string _corpus = null!;
    private string _largeFile = null!;
    private byte[] _largeBytes = null!;
    private SqliteDatabaseProvider? _databases;
    private FileFingerprinter _fingerprinter = null!;

    [GlobalSetup(Targets = [nameof(ReadAndHashEveryFile), nameof(QuickCheckUnchangedCorpus)])]
    public void SetupCorpus()
    {
        CreateRoot();
        _corpus = Path.Combine(_root, "corpus");
        var content = new byte[CorpusFileSize];
        var random = new Random(42);

        // Written a day ago, like a corpus at rest (a file written within the racy window of its fingerprint is hashed once more).
        var lastWrite = DateTime.UtcNow.AddDays(-1);
        for (var i = 0; i < FileCount; i++)
        {
            var folder = Path.Combine(_corpus, (i / FilesPerFolder).ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
            if (i % FilesPerFolder == 0)
            {
                Directory.CreateDirectory(folder);
            }

            random.NextBytes(content);
            var path = Path.Combine(folder, $"doc-{i:D6}.txt");
            File.WriteAllBytes(path, content);
            File.SetLastWriteTimeUtc(path, lastWrite);
        }

        var options = new DocPipelineOptions { DataDirectory = _root };
        _databases = new SqliteDatabaseProvider();
        var store = new SqliteFingerprintStore(_databases, Options.Create(options), TimeProvider.System);
        _fingerprinter = new FileFingerprinter(store, new PhysicalFingerprintFileSystem(), Options.Create(options), TimeProvider.System);

        // The first run: every file is new; record the fingerprints as the engine does once it has processed them.
        var batch = new List<SourceFingerprint>(FilesPerFolder);
        foreach (var check in _fingerprinter.CheckAllAsync(Corpus(), force: false).ToBlockingEnumerable())
        {
            batch.Add(check.Fingerprint ?? throw new InvalidOperationException($"{check.Source}: {check.Status} {check.Error}"));
            if (batch.Count == FilesPerFolder)
            {
                store.UpsertAsync(batch).GetAwaiter().GetResult();
                batch = new List<SourceFingerprint>(FilesPerFolder);
            }
        }

        store.UpsertAsync(batch).GetAwaiter().GetResult();
    }

    [GlobalSetup(Targets = [nameof(HashDataInMemory), nameof(StreamedHashOfFile), nameof(StreamedHashOfFileWithAsyncReads), nameof(ReadAllBytesThenHashData)])]
    public void SetupLargeFile()
    {
        CreateRoot();
        _largeBytes = new byte[LargeFileSize];
        new Random(42).NextBytes(_largeBytes);
        _largeFile = Path.Combine(_root, "large.bin");
        File.WriteAllBytes(_largeFile, _largeBytes);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _databases?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = FileCount)]
    [BenchmarkCategory("QuickCheck")]
    public Task<int> ReadAndHashEveryFile() => CheckCorpusAsync(force: true);

    [Benchmark(OperationsPerInvoke = FileCount)]
    [BenchmarkCategory("QuickCheck")]
    public Task<int> QuickCheckUnchangedCorpus() => CheckCorpusAsync(force: false);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Hash")]
    public byte[] HashDataInMemory() => SHA256.HashData(_largeBytes);

    [Benchmark]
    [BenchmarkCategory("Hash")]
    public string StreamedHashOfFile()
    {
        using var stream = new PhysicalFingerprintFileSystem().OpenRead(_largeFile);
        return ContentHasher.Hash(stream, CancellationToken.None);
    }

    [Benchmark]
    [BenchmarkCategory("Hash")]
    public async Task<string> StreamedHashOfFileWithAsyncReads()
    {
        await using var stream = new PhysicalFingerprintFileSystem().OpenRead(_largeFile);
        return await ContentHasher.HashAsync(stream, CancellationToken.None);
    }

    [Benchmark]
    [BenchmarkCategory("Hash")]
    public byte[] ReadAllBytesThenHashData() => SHA256.HashData(File.ReadAllBytes(_largeFile));

    private async Task<int> CheckCorpusAsync(bool force)
    {
        var unchanged = 0;
        await foreach (var check in _fingerprinter.CheckAllAsync(Corpus(), force))
        {
            if (check.Status == FingerprintStatus.Unchanged)
            {
                unchanged++;
            }
        }

        return unchanged == FileCount ? unchanged : throw new InvalidOperationException($"Only {unchanged} of {FileCount} files were unchanged.");
    }

    private IAsyncEnumerable<FingerprintRequest> Corpus() =>
        Directory.EnumerateFiles(_corpus, "*", SearchOption.AllDirectories).Select(p => new FingerprintRequest(p)).ToAsyncEnumerable();

    private void CreateRoot()
    {
        _root = Path.Combine(Path.GetTempPath(), "docpipeline-bench", "fingerprints-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
    }
}
