namespace Arm64Vm.Devices.Virtio;

/// <summary>
/// One request as the device sees it (virtio 1.2 section 2.7.4): the buffers of a descriptor chain, direct or through
/// an indirect table, flattened into device-readable segments followed by device-writable ones. Every segment has
/// been checked to lie in guest RAM (VIO-4), so copies cannot fault. Reused from request to request.
/// </summary>
public sealed class DescriptorChain
{
    private readonly List<(ulong Address, uint Length)> _readable = new();
    private readonly List<(ulong Address, uint Length)> _writable = new();
    private IGuestDma _dma = null!;

    /// <summary>The head descriptor's index (the used element's id).</summary>
    public ushort Head { get; private set; }
    public ulong ReadableLength { get; private set; }
    public ulong WritableLength { get; private set; }
    public int ReadableSegments => _readable.Count;
    public int WritableSegments => _writable.Count;

    internal void Start(IGuestDma dma, ushort head)
    {
        _dma = dma;
        Head = head;
        _readable.Clear();
        _writable.Clear();
        ReadableLength = WritableLength = 0;
    }

    /// <summary>Adds a buffer; a readable one after a writable one breaks the spec's order (section 2.7.4.2).</summary>
    internal void Add(ulong address, uint length, bool writable)
    {
        if (length == 0) return;
        if (!_dma.Contains(address, length))
            throw new VirtqueueException($"buffer 0x{address:X}+0x{length:X} is not guest RAM");
        if (writable)
        {
            _writable.Add((address, length));
            WritableLength += length;
        }
        else
        {
            if (_writable.Count != 0) throw new VirtqueueException("a device-readable buffer follows a device-writable one");
            _readable.Add((address, length));
            ReadableLength += length;
        }
    }

    /// <summary>Copies readable bytes from <paramref name="offset"/> into <paramref name="destination"/>; returns how many there were.</summary>
    public int Read(ulong offset, Span<byte> destination)
    {
        Locate(_readable, offset, destination.Length);
        foreach (var (address, n, done) in _pieces) _dma.Read(address, destination.Slice(done, n));
        return _located;
    }

    /// <summary>Copies <paramref name="source"/> into the writable buffers from <paramref name="offset"/>; returns how many fitted.</summary>
    public int Write(ulong offset, ReadOnlySpan<byte> source)
    {
        Locate(_writable, offset, source.Length);
        foreach (var (address, n, done) in _pieces) _dma.Write(address, source.Slice(done, n));
        return _located;
    }

    private readonly List<(ulong Address, int Length, int Done)> _pieces = new();
    private int _located;

    /// <summary>The guest-physical pieces of [offset, offset + count) of a buffer list, into _pieces (_located bytes in all).</summary>
    private void Locate(List<(ulong Address, uint Length)> segments, ulong offset, int count)
    {
        _pieces.Clear();
        int done = 0;
        foreach (var (address, length) in segments)
        {
            if (done == count) break;
            if (offset >= length) { offset -= length; continue; }
            int n = (int)Math.Min((ulong)(count - done), length - offset);
            _pieces.Add((address + offset, n, done));
            done += n;
            offset = 0;
        }
        _located = done;
    }
}

/// <summary>A driver broke the virtqueue rules (VIO-4): the device stops serving and sets DEVICE_NEEDS_RESET.</summary>
public sealed class VirtqueueException(string message) : Exception(message);
