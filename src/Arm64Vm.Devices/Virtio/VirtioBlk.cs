using System.Buffers.Binary;

namespace Arm64Vm.Devices.Virtio;

/// <summary>
/// A virtio-blk device (virtio 1.2 section 5.2) over a backing file of 512-byte sectors (VIO-6): one request queue;
/// VIRTIO_BLK_T_IN, OUT, FLUSH and GET_ID; VIRTIO_BLK_F_FLUSH, SEG_MAX and BLK_SIZE offered, and VIRTIO_BLK_F_RO for a
/// read-only drive (a write then fails with IOERR). The file is opened unbuffered, so every completed write is in the
/// file (the host's page cache) when the guest sees its status; FLUSH also asks the host to put it on the disk.
/// A request outside the disk or of a length not a whole number of sectors completes with IOERR; an unknown type with UNSUPP.
/// </summary>
public sealed class VirtioBlk : IVirtioDevice, IDisposable
{
    public const int SectorSize = 512;
    public const int IdBytes = 20;
    public const uint TypeIn = 0, TypeOut = 1, TypeFlush = 4, TypeGetId = 8;
    public const byte StatusOk = 0, StatusIoErr = 1, StatusUnsupported = 2;
    public const int FeatureSegMax = 2, FeatureRo = 5, FeatureBlkSize = 6, FeatureFlush = 9;
    public const ushort QueueSize = 256;
    private const int HeaderSize = 16;
    private const int ChunkSize = 64 * 1024;

    private readonly FileStream _file;
    private readonly byte[] _config = new byte[36];
    private readonly byte[] _chunk = new byte[ChunkSize];
    private readonly byte[] _id;

    private VirtioBlk(FileStream file, bool readOnly, string id)
    {
        _file = file;
        ReadOnly = readOnly;
        _id = System.Text.Encoding.ASCII.GetBytes(id.Length > IdBytes ? id[..IdBytes] : id);
        Capacity = (ulong)file.Length / SectorSize;
        BinaryPrimitives.WriteUInt64LittleEndian(_config, Capacity);                   // capacity (sectors)
        BinaryPrimitives.WriteUInt32LittleEndian(_config.AsSpan(12), QueueSize - 2);   // seg_max, as QEMU
        BinaryPrimitives.WriteUInt32LittleEndian(_config.AsSpan(20), SectorSize);      // blk_size
    }

    /// <summary>
    /// Opens a backing file; a missing, unreadable or (for a writable drive) unwritable file is a
    /// <see cref="DriveException"/> whose message names the file.
    /// </summary>
    /// <param name="id">The serial GET_ID answers (at most 20 bytes are used).</param>
    public static VirtioBlk Open(string path, bool readOnly, string id)
    {
        try
        {
            var file = new FileStream(path, FileMode.Open, readOnly ? FileAccess.Read : FileAccess.ReadWrite,
                readOnly ? FileShare.Read : FileShare.None, bufferSize: 0);
            return new VirtioBlk(file, readOnly, id);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        { throw new DriveException($"{path}: file not found"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        { throw new DriveException($"{path}: {e.Message}"); }
    }

    public uint DeviceId => VirtioIds.BlockDevice;
    public ulong Features => 1UL << FeatureSegMax | 1UL << FeatureBlkSize | 1UL << FeatureFlush | (ReadOnly ? 1UL << FeatureRo : 0);
    public int QueueCount => 1;
    public ushort MaxQueueSize => QueueSize;
    public ReadOnlySpan<byte> Config => _config;
    public bool ReadOnly { get; }
    /// <summary>The disk's size in 512-byte sectors (the file's length rounded down).</summary>
    public ulong Capacity { get; }
    public long Flushes { get; private set; }
    /// <summary>The backing file's bytes from <paramref name="offset"/>, as the device last wrote them (the VMM inspecting its disk); the count read.</summary>
    public int ReadBacking(long offset, Span<byte> destination) => RandomAccess.Read(_file.SafeFileHandle, destination, offset);

    public void Reset() { }

    public uint Handle(int queue, DescriptorChain chain)
    {
        // The request: a 16-byte header (type, reserved, sector) readable, the data, then one writable status byte.
        if (chain.ReadableLength < HeaderSize || chain.WritableLength < 1) return 0;
        Span<byte> header = stackalloc byte[HeaderSize];
        chain.Read(0, header);
        uint type = BinaryPrimitives.ReadUInt32LittleEndian(header);
        ulong sector = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        ulong dataIn = chain.WritableLength - 1;     // what the device may write before the status byte
        uint written = 0;
        byte status;
        try
        {
            (status, written) = type switch
            {
                TypeIn => (ReadSectors(chain, sector, dataIn), (uint)Math.Min(dataIn, uint.MaxValue - 1)),
                TypeOut => (WriteSectors(chain, sector, chain.ReadableLength - HeaderSize), 0u),
                TypeFlush => (Flush(), 0u),
                TypeGetId => (StatusOk, (uint)chain.Write(0, _id.AsSpan(0, (int)Math.Min((ulong)_id.Length, dataIn)))),
                _ => (StatusUnsupported, 0u),
            };
            if (status != StatusOk && type == TypeIn) written = 0;
        }
        catch (IOException)
        {
            status = StatusIoErr;
        }
        Span<byte> s = [status];
        chain.Write(dataIn, s);
        return written + 1;
    }

    /// <summary>Sectors [sector, sector + length / 512) from the file into the writable buffers.</summary>
    private byte ReadSectors(DescriptorChain chain, ulong sector, ulong length)
    {
        if (!InRange(sector, length)) return StatusIoErr;
        for (ulong done = 0; done < length;)
        {
            int n = (int)Math.Min((ulong)ChunkSize, length - done);
            _file.Position = (long)(sector * SectorSize + done);
            _file.ReadExactly(_chunk, 0, n);
            chain.Write(done, _chunk.AsSpan(0, n));
            done += (ulong)n;
        }
        return StatusOk;
    }

    private byte WriteSectors(DescriptorChain chain, ulong sector, ulong length)
    {
        if (ReadOnly || !InRange(sector, length)) return StatusIoErr;
        for (ulong done = 0; done < length;)
        {
            int n = (int)Math.Min((ulong)ChunkSize, length - done);
            chain.Read(HeaderSize + done, _chunk.AsSpan(0, n));
            _file.Position = (long)(sector * SectorSize + done);
            _file.Write(_chunk, 0, n);
            done += (ulong)n;
        }
        return StatusOk;
    }

    private bool InRange(ulong sector, ulong length) =>
        length % SectorSize == 0 && sector <= Capacity && length / SectorSize <= Capacity - sector;

    private byte Flush()
    {
        if (!ReadOnly) _file.Flush(flushToDisk: true);
        Flushes++;
        return StatusOk;
    }

    /// <summary>Puts every write on the disk and closes the file (the VMM's exit and poweroff).</summary>
    public void Dispose()
    {
        if (!ReadOnly) _file.Flush(flushToDisk: true);
        _file.Dispose();
    }
}

/// <summary>A drive's backing file cannot be used (missing, unreadable, locked); the message names the file.</summary>
public sealed class DriveException(string message) : Exception(message);
