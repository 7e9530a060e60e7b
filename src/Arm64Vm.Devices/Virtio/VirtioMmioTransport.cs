using Arm64Vm.Memory;

namespace Arm64Vm.Devices.Virtio;

/// <summary>
/// A virtio-mmio transport, version 2 (virtio 1.2 section 4.2.2), as QEMU's virt board has 32 of them from 0x0A00_0000
/// (VIO-1). Without a device it answers the magic value, the version and the vendor, and DeviceID 0 ("no device"),
/// as QEMU's empty transports do. With one it runs the status and feature handshake (VIO-5: FEATURES_OK is refused
/// unless the driver accepted VIRTIO_F_VERSION_1 and nothing the device did not offer), the per-queue registers,
/// QueueNotify (the device serves the queue at once, inside the MMIO exit: deterministic), InterruptStatus and its
/// ACK on a level that drives the transport's SPI, ConfigGeneration and the device configuration space from 0x100.
/// A driver that breaks the ring rules gets DEVICE_NEEDS_RESET and a configuration-change interrupt (VIO-4).
/// </summary>
public sealed class VirtioMmioTransport : IMmioDevice
{
    public const ulong RegionSize = 0x200;
    public const uint MagicValue = 0x7472_6976;     // "virt"
    public const uint VendorId = 0x554D_4551;       // "QEMU", as QEMU's transports answer

    // Register offsets (virtio 1.2 section 4.2.2).
    private const int Magic = 0x000, Version = 0x004, DeviceIdReg = 0x008, Vendor = 0x00C, DeviceFeatures = 0x010,
        DeviceFeaturesSel = 0x014, DriverFeatures = 0x020, DriverFeaturesSel = 0x024, QueueSel = 0x030, QueueNumMax = 0x034,
        QueueNum = 0x038, QueueReady = 0x044, QueueNotify = 0x050, InterruptStatus = 0x060, InterruptAck = 0x064,
        Status = 0x070, QueueDescLow = 0x080, QueueDescHigh = 0x084, QueueDriverLow = 0x090, QueueDriverHigh = 0x094,
        QueueDeviceLow = 0x0A0, QueueDeviceHigh = 0x0A4, ShmSel = 0x0AC, ShmLenLow = 0x0B0, ShmBaseHigh = 0x0BC,
        ConfigGenerationReg = 0x0FC, ConfigBase = 0x100;

    /// <summary>InterruptStatus bits: a used buffer, a configuration change.</summary>
    public const uint UsedBufferInterrupt = 1, ConfigChangeInterrupt = 2;

    private readonly IVirtioDevice? _device;
    private readonly IGuestDma _dma;
    private readonly InterruptOutput _irq;
    private readonly VirtQueue[] _queues;
    private readonly DescriptorChain _chain = new();
    private uint _deviceFeaturesSel, _driverFeaturesSel, _queueSel, _status, _interruptStatus;
    private ulong _driverFeatures;

    /// <param name="accessPlatform">Offer VIRTIO_F_ACCESS_PLATFORM (VIO-9; QEMU's iommu_platform=on).</param>
    public VirtioMmioTransport(IVirtioDevice? device, IGuestDma dma, IInterruptLine? irq = null, bool accessPlatform = false)
    {
        _device = device;
        _accessPlatform = accessPlatform;
        _dma = dma;
        _irq = new InterruptOutput(irq);
        _queues = new VirtQueue[device?.QueueCount ?? 0];
        for (int i = 0; i < _queues.Length; i++) _queues[i] = new VirtQueue(device!.MaxQueueSize);
    }

    public string Name => "virtio-mmio";
    public IVirtioDevice? Device => _device;
    public uint DeviceStatus => _status;
    public uint PendingInterrupts => _interruptStatus;
    public ulong NegotiatedFeatures => _driverFeatures;
    /// <summary>Incremented when the configuration space changes (never for these devices' read-only spaces).</summary>
    public uint ConfigGeneration { get; private set; }
    public VirtQueue Queue(int index) => _queues[index];

    /// <summary>
    /// What the device offers: its own bits, VERSION_1 and indirect descriptors (event idx is not offered), and
    /// ACCESS_PLATFORM when asked (VIO-9).
    /// </summary>
    public ulong OfferedFeatures => _device == null ? 0
        : _device.Features | 1UL << VirtioIds.Version1 | 1UL << VirtioIds.RingIndirectDesc | (_accessPlatform ? 1UL << VirtioIds.AccessPlatform : 0);
    private readonly bool _accessPlatform;

    public ulong Read(ulong offset, int size)
    {
        if (offset >= ConfigBase) return ReadConfig((int)(offset - ConfigBase), size);
        if (size != 4) return 0;     // section 4.2.2.2: the driver uses 32-bit accesses here; QEMU answers others 0
        switch ((int)offset)
        {
            case Magic: return MagicValue;
            case Version: return 2;
            case Vendor: return VendorId;
        }
        if (_device == null) return 0;
        var q = SelectedQueue;
        return (int)offset switch
        {
            DeviceIdReg => _device.DeviceId,
            DeviceFeatures => _deviceFeaturesSel < 2 ? (uint)(OfferedFeatures >> (32 * (int)_deviceFeaturesSel)) : 0,
            QueueNumMax => q?.MaxSize ?? 0u,
            QueueReady => q is { Ready: true } ? 1u : 0,
            InterruptStatus => _interruptStatus,
            Status => _status,
            ShmLenLow or ShmLenLow + 4 or ShmBaseHigh - 4 or ShmBaseHigh => 0xFFFF_FFFF,   // no shared memory regions
            ConfigGenerationReg => ConfigGeneration,
            _ => 0,
        };
    }

    public void Write(ulong offset, int size, ulong value)
    {
        if (_device == null || offset >= ConfigBase || size != 4) return;   // the configuration spaces here are read-only
        uint v = (uint)value;
        var q = SelectedQueue;
        switch ((int)offset)
        {
            case DeviceFeaturesSel: _deviceFeaturesSel = v; break;
            case DriverFeaturesSel: _driverFeaturesSel = v; break;
            case DriverFeatures:
                if (_driverFeaturesSel < 2 && (_status & VirtioIds.FeaturesOk) == 0)
                {
                    int shift = 32 * (int)_driverFeaturesSel;
                    _driverFeatures = _driverFeatures & ~(0xFFFF_FFFFUL << shift) | (ulong)v << shift;
                }
                break;
            case QueueSel: _queueSel = v; break;
            case QueueNum: if (q is { Ready: false }) q.Size = (ushort)Math.Min(v, 0xFFFF); break;
            case QueueReady: if (q != null) q.Ready = (v & 1) != 0; break;
            case QueueDescLow or QueueDescHigh when q is { Ready: false }: q.DescriptorTable = Half(q.DescriptorTable, offset == QueueDescHigh, v); break;
            case QueueDriverLow or QueueDriverHigh when q is { Ready: false }: q.DriverArea = Half(q.DriverArea, offset == QueueDriverHigh, v); break;
            case QueueDeviceLow or QueueDeviceHigh when q is { Ready: false }: q.DeviceArea = Half(q.DeviceArea, offset == QueueDeviceHigh, v); break;
            case QueueNotify: Notify(v); break;
            case InterruptAck:
                _interruptStatus &= ~v;
                UpdateLine();
                break;
            case Status: WriteStatus(v); break;
        }
    }

    /// <summary>The device reset: status 0, no features, every queue back to its reset state, the line low.</summary>
    public void Reset()
    {
        _status = _interruptStatus = 0;
        _deviceFeaturesSel = _driverFeaturesSel = _queueSel = 0;
        _driverFeatures = 0;
        foreach (var q in _queues) q.Reset();
        _device?.Reset();
        UpdateLine();
    }

    private VirtQueue? SelectedQueue => _queueSel < (uint)_queues.Length ? _queues[_queueSel] : null;

    /// <summary>A 64-bit queue address with its low or high word replaced (written only while the queue is not ready).</summary>
    private static ulong Half(ulong old, bool high, uint v) =>
        high ? old & 0xFFFF_FFFFUL | (ulong)v << 32 : old & ~0xFFFF_FFFFUL | v;

    /// <summary>VIO-5: writing 0 resets; FEATURES_OK stays set only for an acceptable feature set.</summary>
    private void WriteStatus(uint v)
    {
        if (v == 0) { Reset(); return; }
        if ((v & VirtioIds.FeaturesOk) != 0 && (_status & VirtioIds.FeaturesOk) == 0 && !FeaturesAcceptable())
            v &= ~VirtioIds.FeaturesOk;
        _status = v | (_status & VirtioIds.NeedsReset);
    }

    private bool FeaturesAcceptable() =>
        (_driverFeatures & ~OfferedFeatures) == 0 && (_driverFeatures & 1UL << VirtioIds.Version1) != 0;

    /// <summary>QueueNotify: the device serves the queue now, if the driver is up and the queue ready.</summary>
    private void Notify(uint queue)
    {
        if (queue >= (uint)_queues.Length || (_status & VirtioIds.DriverOk) == 0 || (_status & VirtioIds.NeedsReset) != 0) return;
        var q = _queues[queue];
        if (!q.Ready) return;
        bool indirect = (_driverFeatures & 1UL << VirtioIds.RingIndirectDesc) != 0;
        try
        {
            if (q.Process(_dma, indirect, _chain, c => _device!.Handle((int)queue, c))) _interruptStatus |= UsedBufferInterrupt;
        }
        catch (VirtqueueException e)
        {
            LastError = e.Message;
            _status |= VirtioIds.NeedsReset;
            _interruptStatus |= ConfigChangeInterrupt;     // section 2.1.2: tell a live driver about NEEDS_RESET
        }
        UpdateLine();
    }

    /// <summary>Why the device last set DEVICE_NEEDS_RESET (for tests and traces).</summary>
    public string? LastError { get; private set; }

    private ulong ReadConfig(int offset, int size)
    {
        var config = _device == null ? ReadOnlySpan<byte>.Empty : _device.Config;
        ulong v = 0;
        for (int i = 0; i < size; i++)
            if (offset + i < config.Length) v |= (ulong)config[offset + i] << (8 * i);
        return v;
    }

    private void UpdateLine() => _irq.Drive(_interruptStatus != 0);
}
