using System.Security.Cryptography;
using DocPipeline.Extraction;
using DocPipeline.Specification.Tests.Extraction;

namespace DocPipeline.Tests.Extraction;

public sealed class SeekableContentTests
{
    [Fact]
    public async Task OpenAsync_SeekableStream_UsedAsItIsAndLeftOpen()
    {
        using var stream = new MemoryStream([1, 2, 3]);

        await using (var content = await SeekableContent.OpenAsync(stream, 3, CancellationToken.None))
        {
            Assert.Same(stream, content.Stream);
        }

        Assert.True(stream.CanRead);
    }

    [Fact]
    public async Task OpenAsync_NonSeekableWithinMemoryLimit_CopiedToMemory()
    {
        var bytes = RandomNumberGenerator.GetBytes(10_000);

        await using var content = await SeekableContent.OpenAsync(new NonSeekableStream(bytes), null, memoryLimit: 20_000, CancellationToken.None);

        Assert.IsType<MemoryStream>(content.Stream);
        Assert.Equal(bytes, ReadAll(content.Stream));
    }

    [Fact]
    public async Task OpenAsync_NonSeekablePastMemoryLimit_SpilledToATemporaryFileDeletedOnDispose()
    {
        var bytes = RandomNumberGenerator.GetBytes(50_000);

        var content = await SeekableContent.OpenAsync(new NonSeekableStream(bytes), null, memoryLimit: 20_000, CancellationToken.None);
        var file = Assert.IsType<FileStream>(content.Stream);
        var path = file.Name;
        Assert.Equal(bytes, ReadAll(content.Stream));
        await content.DisposeAsync();

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task OpenAsync_LengthKnownPastMemoryLimit_WrittenToAFileFromTheStart()
    {
        var bytes = RandomNumberGenerator.GetBytes(30_000);

        await using var content = await SeekableContent.OpenAsync(new NonSeekableStream(bytes), bytes.Length, memoryLimit: 20_000, CancellationToken.None);

        Assert.IsType<FileStream>(content.Stream);
        Assert.Equal(bytes, ReadAll(content.Stream));
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
