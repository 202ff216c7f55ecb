using DocPipeline.Chunking;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.ML.Tokenizers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures how a DocPipeline registration splits documents into chunks.</summary>
public static class ChunkingBuilderExtensions
{
    /// <summary>
    /// Counts chunk sizes with <paramref name="tokenizer"/> instead of the built-in uncased BERT WordPiece tokenizer
    /// (the vocabulary of all-MiniLM-L6-v2). Use the tokenizer of your embedding model, so that
    /// <c>DocPipeline:Chunking:MaxTokens</c> means what the model counts. The chunker adds the counts of text split at
    /// white space, which is exact for WordPiece tokenizers; for byte-pair tokenizers leave a few tokens of margin.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <param name="tokenizer">The tokenizer; it must be safe to use from several threads at once.</param>
    /// <returns>The <paramref name="builder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseTokenizer(this IDocPipelineBuilder builder, Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(tokenizer);
        builder.Services.RemoveAllKeyed(typeof(Tokenizer), TokenAwareChunker.TokenizerServiceKey);
        builder.Services.AddKeyedSingleton(TokenAwareChunker.TokenizerServiceKey, tokenizer);
        return builder;
    }

    /// <summary>Replaces the built-in token-aware chunker with <typeparamref name="TChunker"/>, created once by the container.</summary>
    /// <typeparam name="TChunker">The chunker type.</typeparam>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The <paramref name="builder"/> so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseChunker<TChunker>(this IDocPipelineBuilder builder)
        where TChunker : class, IChunker
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IChunker, TChunker>());
        return builder;
    }
}
