using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DocPipeline.Indexing.Vector;

/// <summary>
/// The file of unit-length vectors: a 4 KiB header, then fixed-size slots of <see cref="Dimensions"/> floats. Slots
/// are written with positioned writes and read through a read-only memory map, so the operating system's page cache
/// holds the hot vectors and a scan touches no managed heap.
/// </summary>
/// <remarks>
/// <para>The file knows nothing about which slot is live: the catalog maps chunk ids to slots, and a slot that no
/// catalog row references is free. That is what makes writes crash-safe: a vector is written into a free slot and
/// flushed before the catalog row that points to it is committed.</para>
/// <para>Not thread-safe on its own: the owner keeps the map alive (no <see cref="Grow"/> or
/// <see cref="Dispose"/>) while anyone reads a <see cref="Slot"/> span, and lets one writer at a time write.</para>
/// </remarks>
internal sealed unsafe class VectorSlotFile : IDisposable
{
    /// <summary>The bytes before the first slot (a page, so slots start page-aligned).</summary>
    public const int HeaderBytes = 4096;

    private const int FormatVersion = 1;
    private const string Description = "vector file";

    private readonly SafeFileHandle _handle;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;
    private byte* _base;

    private VectorSlotFile(string path, SafeFileHandle handle, int dimensions, int capacity)
    {
        Path = path;
        _handle = handle;
        Dimensions = dimensions;
        Capacity = capacity;
    }

    /// <summary>Gets the full path of the file.</summary>
    public string Path { get; }

    /// <summary>Gets the number of floats in each vector.</summary>
    public int Dimensions { get; }

    /// <summary>Gets the number of slots the file has room for.</summary>
    public int Capacity { get; private set; }

    /// <summary>Gets the bytes of one slot.</summary>
    public int SlotBytes => Dimensions * sizeof(float);

    /// <summary>Gets the length of the file in bytes.</summary>
    public long Length => HeaderBytes + ((long)Capacity * SlotBytes);

    private static ReadOnlySpan<byte> Magic => "DPVECTOR"u8;

    /// <summary>Creates (or truncates) the file with room for <paramref name="capacity"/> slots, and makes it durable.</summary>
    public static VectorSlotFile Create(string path, int dimensions, int capacity)
    {
        SafeFileHandle? handle = null;
        try
        {
            // A new file, never the old one truncated: a reader in another process may still map the old one, and
            // touching a page that truncation cut off would kill it (SIGBUS). Unlinked, the old file lives on for it.
            File.Delete(path);
            handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
            Span<byte> header = stackalloc byte[HeaderBytes];
            header.Clear();
            Magic.CopyTo(header);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], FormatVersion);
            BinaryPrimitives.WriteInt32LittleEndian(header[12..], dimensions);
            RandomAccess.Write(handle, header, 0);
            var file = new VectorSlotFile(path, handle, dimensions, capacity);
            RandomAccess.SetLength(handle, file.Length);
            RandomAccess.FlushToDisk(handle);
            file.Map();
            return file;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            handle?.Dispose();
            throw new DocPipelineStorageException($"Cannot create the {Description} '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Opens the file and checks that it is a vector file of <paramref name="dimensions"/> dimensions.</summary>
    /// <param name="path">The file.</param>
    /// <param name="dimensions">The dimensions the catalog records.</param>
    /// <param name="readOnly">
    /// Open for reading only, sharing the file with the process that writes it (and letting it replace the file): the
    /// map covers the slots the file has now; a writer only ever grows it, or replaces it by a new file.
    /// </param>
    /// <exception cref="DocPipelineStorageException">The file is missing, unreadable, damaged, or of other dimensions.</exception>
    public static VectorSlotFile Open(string path, int dimensions, bool readOnly = false)
    {
        if (!File.Exists(path))
        {
            throw new DocPipelineStorageException(
                $"The {Description} '{path}' is missing, but the vector index catalog beside it lists vectors of {dimensions} dimensions. " +
                "Restore the folder from a backup, or rebuild the vector index from the document registry.");
        }

        SafeFileHandle handle;
        try
        {
            handle = readOnly
                ? File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete)
                : File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DocPipelineStorageException(
                $"The {Description} '{path}' cannot be opened ({ex.Message}). Check that this process may read and write it.", ex);
        }

        try
        {
            var capacity = ReadCapacity(path, handle, dimensions);
            var file = new VectorSlotFile(path, handle, dimensions, capacity);
            file.Map();
            return file;
        }
        catch (Exception ex)
        {
            handle.Dispose();
            if (ex is IOException or UnauthorizedAccessException)
            {
                throw new DocPipelineStorageException($"The {Description} '{path}' cannot be read: {ex.Message}", ex);
            }

            throw;
        }
    }

    /// <summary>Returns the vector in <paramref name="slot"/>; valid until the map changes (see remarks of the type).</summary>
    public ReadOnlySpan<float> Slot(int slot) => new(_base + HeaderBytes + ((long)slot * SlotBytes), Dimensions);

    /// <summary>Writes <paramref name="vector"/> into <paramref name="slot"/>; it is durable only after <see cref="Flush"/>.</summary>
    public void Write(int slot, ReadOnlySpan<float> vector)
    {
        try
        {
            RandomAccess.Write(_handle, MemoryMarshal.AsBytes(vector), HeaderBytes + ((long)slot * SlotBytes));
        }
        catch (IOException ex)
        {
            throw new DocPipelineStorageException($"Cannot write to the {Description} '{Path}': {ex.Message}", ex);
        }
    }

    /// <summary>Makes every write so far durable (fsync).</summary>
    public void Flush()
    {
        try
        {
            RandomAccess.FlushToDisk(_handle);
        }
        catch (IOException ex)
        {
            throw new DocPipelineStorageException($"Cannot flush the {Description} '{Path}' to disk: {ex.Message}", ex);
        }
    }

    /// <summary>Extends the file to <paramref name="capacity"/> slots and maps it again. The caller excludes every reader.</summary>
    public void Grow(int capacity)
    {
        if (capacity <= Capacity)
        {
            return;
        }

        Unmap();
        var previous = Capacity;
        try
        {
            Capacity = capacity;
            RandomAccess.SetLength(_handle, Length);
        }
        catch (IOException ex)
        {
            Capacity = previous;
            throw new DocPipelineStorageException($"Cannot grow the {Description} '{Path}' to {capacity} vectors: {ex.Message}", ex);
        }
        finally
        {
            Map();
        }
    }

    /// <summary>Copies the whole file to <paramref name="destinationPath"/> (a new file) and flushes the copy. The caller excludes every writer.</summary>
    public void CopyTo(string destinationPath)
    {
        using var destination = File.OpenHandle(destinationPath, FileMode.CreateNew, FileAccess.Write);
        var buffer = new byte[1 << 20];
        long offset = 0;
        var length = Length;
        while (offset < length)
        {
            var read = RandomAccess.Read(_handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - offset)), offset);
            if (read == 0)
            {
                throw new DocPipelineStorageException($"The {Description} '{Path}' ended at byte {offset} while being copied; it should hold {length} bytes.");
            }

            RandomAccess.Write(destination, buffer.AsSpan(0, read), offset);
            offset += read;
        }

        RandomAccess.FlushToDisk(destination);
    }

    public void Dispose()
    {
        Unmap();
        _handle.Dispose();
    }

    private static int ReadCapacity(string path, SafeFileHandle handle, int dimensions)
    {
        var length = RandomAccess.GetLength(handle);
        Span<byte> header = stackalloc byte[16];
        if (length < HeaderBytes || RandomAccess.Read(handle, header, 0) != header.Length || !header[..8].SequenceEqual(Magic))
        {
            throw Damaged(path, "it does not start with a vector file header");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version > FormatVersion)
        {
            throw new DocPipelineStorageException(
                $"The {Description} '{path}' has format version {version}, newer than this version of DocPipeline knows ({FormatVersion}). Upgrade DocPipeline.");
        }

        var fileDimensions = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        if (version < 1 || fileDimensions != dimensions)
        {
            throw Damaged(path, $"its header says {fileDimensions} dimensions (format {version}), but the catalog says {dimensions}");
        }

        var slotBytes = (long)dimensions * sizeof(float);
        var slots = (length - HeaderBytes) / slotBytes;
        if ((length - HeaderBytes) % slotBytes != 0 || slots > int.MaxValue)
        {
            throw Damaged(path, $"its length ({length} bytes) is not a whole number of {slotBytes}-byte vectors after the header");
        }

        return (int)slots;
    }

    private static DocPipelineStorageException Damaged(string path, string reason) => new(
        $"The {Description} '{path}' is damaged: {reason}. It was left untouched: restore the folder from a backup, " +
        "or rebuild the vector index from the document registry.");

    private void Map()
    {
        _map = MemoryMappedFile.CreateFromFile(_handle, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + _view.PointerOffset;
    }

    private void Unmap()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _view = null;
        }

        _map?.Dispose();
        _map = null;
        _base = null;
    }
}
