using System.Security.Cryptography;
using DocPipeline.Fingerprints;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Tests.Fingerprints;

public sealed class ContentHasherTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public static TheoryData<int> Sizes => new()
    {
        0,
        1,
        ContentHasher.BufferSize - 1,
        ContentHasher.BufferSize,
        ContentHasher.BufferSize + 1,
        (5 * 1024 * 1024) + 3,
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task HashAsync_FileOfSize_EqualsSha256OfTheSameBytes(int size)
    {
        var bytes = RandomBytes(size);
        var path = _directory.File($"{size}.bin");
        await File.WriteAllBytesAsync(path, bytes);

        string hash;
        await using (var stream = new PhysicalFingerprintFileSystem().OpenRead(path))
        {
            hash = await ContentHasher.HashAsync(stream, CancellationToken.None);
        }

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), hash);
    }

    [Fact]
    public async Task HashAsync_StreamReturningShortReads_EqualsSha256OfTheSameBytes()
    {
        var bytes = RandomBytes((3 * ContentHasher.BufferSize) + 17);
        using var stream = new TrickleStream(bytes);

        var hash = await ContentHasher.HashAsync(stream, CancellationToken.None);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), hash);
    }

    [Fact]
    public async Task HashAsync_AnyContent_IsLowerCaseHex()
    {
        using var stream = new MemoryStream(RandomBytes(100));

        Assert.Matches("^[0-9a-f]{64}$", await ContentHasher.HashAsync(stream, CancellationToken.None));
    }

    [Fact]
    public async Task HashAsync_Canceled_Throws()
    {
        using var stream = new MemoryStream(RandomBytes(10));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ContentHasher.HashAsync(stream, new CancellationToken(canceled: true)).AsTask());
    }

    public void Dispose() => _directory.Dispose();

    private static byte[] RandomBytes(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A stream that returns at most 7 bytes per read, as a pipe or a network stream may.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 7));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 7)], cancellationToken);
    }
}
