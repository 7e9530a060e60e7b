namespace Arm64Vm.Devices.Virtio;

/// <summary>
/// A virtio entropy device (virtio 1.2 section 5.4), one request queue, no features and no configuration (VIO-7): it
/// fills every device-writable buffer it is given from its byte source. The VMM passes a deterministic stream derived
/// from the run's seed (the same run reads the same "random" bytes), or the host's generator with --clock host.
/// </summary>
public sealed class VirtioRng(Action<Span<byte>> fill) : IVirtioDevice
{
    public const ushort QueueSize = 64;
    /// <summary>Bytes served per request at most (Linux asks for 64 at a time or less).</summary>
    public const int MaxRequest = 4096;
    private readonly byte[] _buffer = new byte[MaxRequest];

    public uint DeviceId => VirtioIds.EntropySource;
    public ulong Features => 0;
    public int QueueCount => 1;
    public ushort MaxQueueSize => QueueSize;
    public ReadOnlySpan<byte> Config => ReadOnlySpan<byte>.Empty;
    public long BytesServed { get; private set; }

    public void Reset() { }

    public uint Handle(int queue, DescriptorChain chain)
    {
        int n = (int)Math.Min(chain.WritableLength, (ulong)MaxRequest);
        var bytes = _buffer.AsSpan(0, n);
        fill(bytes);
        BytesServed += n;
        return (uint)chain.Write(0, bytes);
    }

    /// <summary>A deterministic byte source: SplitMix64 (Steele, Lea, Flood 2014) from <paramref name="seed"/>.</summary>
    public static Action<Span<byte>> Deterministic(ulong seed)
    {
        var rng = new SplitMix64(seed);
        return span =>
        {
            for (int i = 0; i < span.Length; i += 8)
            {
                ulong z = rng.Next();
                for (int b = 0; b < 8 && i + b < span.Length; b++) span[i + b] = (byte)(z >> (8 * b));
            }
        };
    }
}
