namespace Arm64Vm.Devices.Virtio;

/// <summary>
/// A virtio device behind a transport (virtio 1.2 section 5): what it is, what it offers, its configuration space and
/// the work it does when the driver notifies one of its queues.
/// </summary>
public interface IVirtioDevice
{
    /// <summary>The virtio device id (2 = block, 4 = entropy source).</summary>
    uint DeviceId { get; }

    /// <summary>Device-specific feature bits offered; the transport adds VIRTIO_F_VERSION_1 and the ring features.</summary>
    ulong Features { get; }

    int QueueCount { get; }

    /// <summary>QueueNumMax of every queue.</summary>
    ushort MaxQueueSize { get; }

    /// <summary>The device configuration space (little-endian), read-only here.</summary>
    ReadOnlySpan<byte> Config { get; }

    /// <summary>
    /// Serves one request: <paramref name="chain"/> holds its device-readable buffers, then its device-writable ones.
    /// Returns the number of bytes written into the writable buffers (the used element's len).
    /// </summary>
    uint Handle(int queue, DescriptorChain chain);

    /// <summary>The device reset (status 0 or a system reset): back to the state after creation.</summary>
    void Reset();
}
