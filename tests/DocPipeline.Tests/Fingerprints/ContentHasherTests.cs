using System.Security.Cryptography;
using DocPipeline.Fingerprints;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Tests.Fingerprints;

public sealed class ContentHasherTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public static TheoryData<int, bool> SizesAndReads()
    {
        int[] sizes = [0, 1, ContentHasher.BufferSize - 1, ContentHasher.BufferSize, ContentHasher.BufferSize + 1, (5 * 1024 * 1024) + 3];
        var data = new TheoryData<int, bool>();
        foreach (var size in sizes)
        {
            data.Add(size, false);
            data.Add(size, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SizesAndReads))]
    public async Task Hash_FileOfSize_EqualsSha256OfTheSameBytes(int size, bool asynchronous)
    {
        var bytes = RandomBytes(size);
        var path = _directory.File($"{size}.bin");
        await File.WriteAllBytesAsync(path, bytes);

        string hash;
        await using (var stream = new PhysicalFingerprintFileSystem().OpenRead(path))
        {
            hash = await HashAsync(stream, asynchronous);
        }

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), hash);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hash_StreamReturningShortReads_EqualsSha256OfTheSameBytes(bool asynchronous)
    {
        var bytes = RandomBytes((3 * ContentHasher.BufferSize) + 17);
        using var stream = new TrickleStream(bytes);

        var hash = await HashAsync(stream, asynchronous);

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

    [Fact]
    public void Hash_Canceled_Throws()
    {
        using var stream = new MemoryStream(RandomBytes(10));

        Assert.ThrowsAny<OperationCanceledException>(() => ContentHasher.Hash(stream, new CancellationToken(canceled: true)));
    }

    public void Dispose() => _directory.Dispose();

    private static async Task<string> HashAsync(Stream stream, bool asynchronous) =>
        asynchronous ? await ContentHasher.HashAsync(stream, CancellationToken.None) : ContentHasher.Hash(stream, CancellationToken.None);

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

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 7)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 7)], cancellationToken);
    }
}
