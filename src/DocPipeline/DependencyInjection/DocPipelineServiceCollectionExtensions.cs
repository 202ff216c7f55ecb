using DocPipeline.Chunking;
using DocPipeline.Configuration;
using DocPipeline.Consistency;
using DocPipeline.Embeddings;
using DocPipeline.Extraction;
using DocPipeline.Fingerprints;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Ingestion;
using DocPipeline.Jobs;
using DocPipeline.Queue;
using DocPipeline.Registry;
using DocPipeline.Search;
using DocPipeline.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.Tokenizers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers DocPipeline in a service collection.</summary>
public static class DocPipelineServiceCollectionExtensions
{
    /// <summary>
    /// DocPipeline does not pick an embedder itself (the local model is a 90 MB package of its own); this says how to
    /// register one, instead of a dependency-injection error on the first ingest.
    /// </summary>
    internal const string NoEmbedderMessage =
        "No embedding generator is registered. Call .UseMiniLmEmbeddings() (package DocPipeline.Onnx: a local model, no network), " +
        "register any Microsoft.Extensions.AI generator with services.AddEmbeddingGenerator(...), or call .UseHashingEmbeddings() for tests.";

    /// <summary>
    /// Registers a durable, single-machine DocPipeline: every slot gets an embedded default that keeps its files
    /// under <see cref="DocPipelineOptions.DataDirectory"/>. Options bind from the <c>DocPipeline</c> configuration
    /// section and are validated on start. Calling it again adds nothing and returns a builder over the same services.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to replace slots (<c>Use…</c>) and add parts (<c>Add…</c>).</returns>
    public static IDocPipelineBuilder AddDocPipeline(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DocPipelineOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<DocPipelineOptions>, DocPipelineConfigurationBinder>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DocPipelineOptions>, DocPipelineOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SqliteDatabaseProvider>();
        services.TryAddSingleton<DataFolderWriter>();

        // --- jobs and queue ---
        services.TryAddSingleton<IJobStore, SqliteJobStore>();
        services.TryAddSingleton<IDocumentQueue, DocumentQueue>();
        services.AddDocPipelineMonitoring();

        // --- fingerprints ---
        services.TryAddSingleton<IFingerprintStore, SqliteFingerprintStore>();
        services.TryAddSingleton<IFingerprintFileSystem, PhysicalFingerprintFileSystem>();
        services.TryAddSingleton<FileFingerprinter>();

        // --- registry ---
        RegistryBuilderExtensions.AddDocumentRegistry<SqliteDocumentRegistry>(services, replace: false);

        // --- indexes ---
        // vector: the embedded on-disk index; UseInMemoryVectorIndex / UseVectorIndex<T> replace it.
        services.TryAddSingleton<DocPipeline.Indexing.IVectorIndex, DocPipeline.Indexing.Vector.EmbeddedVectorIndex>();
        // keyword
        services.TryAddSingleton<IKeywordIndex>(LuceneKeywordIndex.CreateOnDisk);

        // --- extraction, chunking, embedding ---
        // extraction
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentExtractor, PlainTextExtractor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentExtractor, MarkdownExtractor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentExtractor, HtmlExtractor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentExtractor, PdfExtractor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentExtractor, DocxExtractor>());
        services.TryAddSingleton<ExtractorResolver>();

        // chunking, embedding
        services.TryAddKeyedSingleton<Tokenizer>(TokenAwareChunker.TokenizerServiceKey, static (_, _) => BertUncasedTokenizer.Create());
        services.TryAddSingleton<IChunker, TokenAwareChunker>();
        services.TryAddSingleton<EmbeddingUsage>();
        services.TryAddSingleton(static sp => new BatchingEmbeddingGenerator(
            new ResilientEmbeddingGenerator(
                sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>() ?? throw new InvalidOperationException(NoEmbedderMessage),
                sp.GetRequiredService<IOptions<DocPipelineOptions>>().Value.Embedding,
                sp.GetRequiredService<EmbeddingUsage>(),
                sp.GetRequiredService<TimeProvider>(),
                (ILogger?)sp.GetService<ILogger<ResilientEmbeddingGenerator>>() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance),
            sp.GetRequiredService<IOptions<DocPipelineOptions>>()));

        // --- ingestion and search ---
        services.TryAddSingleton<EmbeddingService>();
        services.TryAddSingleton<DocumentWriter>();
        services.TryAddSingleton<DocumentSearcher>();
        services.TryAddSingleton<IngestionRunRegistry>();
        services.TryAddSingleton<IngestionJobHandler>();
        services.TryAddSingleton<IJobHandler>(static sp => sp.GetRequiredService<IngestionJobHandler>());
        services.TryAddSingleton(JobBatchProcessor.Create);
        services.TryAddSingleton<IngestionEngine>();
        services.TryAddSingleton<RunHousekeeping>();
        services.TryAddSingleton<DocPipeline.IDocPipeline>(static sp => sp.GetRequiredService<IngestionEngine>());
        services.TryAddSingleton<DocPipeline.Management.IIndexManager, DocPipeline.Management.IndexManager>();
        services.AddDocPipelineMigration();

        // --- consistency ---
        services.AddDocPipelineMaintenance();
        services.TryAddSingleton<IndexStartupCheck>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, IndexStartupService>());
        // Without a host, the index startup check runs before the pipeline's first ingest, resume or search.
        services.Replace(ServiceDescriptor.Singleton<DocPipeline.IDocPipeline>(static sp =>
            new IndexCheckedPipeline(sp.GetRequiredService<IngestionEngine>(), sp.GetRequiredService<IndexStartupCheck>(), sp.GetService<DataFolderWriter>())));

        return new DocPipelineBuilder(services);
    }

    /// <summary>Registers DocPipeline (see <see cref="AddDocPipeline(IServiceCollection)"/>) and configures its options in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; runs after configuration binding, so code wins.</param>
    /// <returns>A builder to replace slots (<c>Use…</c>) and add parts (<c>Add…</c>).</returns>
    public static IDocPipelineBuilder AddDocPipeline(this IServiceCollection services, Action<DocPipelineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddDocPipeline();
        services.Configure(configure);
        return builder;
    }
}
