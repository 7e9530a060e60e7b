using System.Security.Cryptography;
using Arm64Vm.Devices;
using Arm64Vm.Devices.Virtio;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Memory;

namespace Arm64Vm.Host;

/// <summary>
/// The board's 32 virtio-mmio transports (VIO-1) and the devices behind them. As QEMU's virt board plugs -device
/// virtio-*-device into its transports, the first device takes the last transport (0x0A00_3E00, SPI 47), the next the
/// one below it, and so on: the drives in command-line order, then the entropy device. The others stay empty
/// (DeviceID 0). Linux probes the transports in device-tree order, lowest address first, so with two drives the
/// second becomes vda and the first vdb, as under QEMU.
/// </summary>
public sealed class VirtioDevices : IDisposable
{
    private readonly VirtioMmioTransport[] _transports = new VirtioMmioTransport[VirtBoard.VirtioTransports];
    private readonly List<VirtioBlk> _drives = new();

    public VirtioDevices(VmmOptions options, Vm vm, MmioBus bus, Func<int, IInterruptLine> spiLine)
    {
        Dma = new VirtioDma(vm, options.VirtioDmaPath);
        var devices = new List<IVirtioDevice>();
        try
        {
            for (int i = 0; i < options.Drives.Count; i++)
            {
                var blk = VirtioBlk.Open(options.Drives[i].Path, options.Drives[i].ReadOnly, $"arm64vm-drive{i}");
                _drives.Add(blk);
                devices.Add(blk);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        if (options.VirtioRng)
        {
            // VIO-7: reproducible bytes from the run's seed; the host's generator only when the run follows the host clock.
            var fill = options.Clock == ClockSource.Host ? RandomNumberGenerator.Fill : VirtioRng.Deterministic(options.Seed);
            devices.Add(new VirtioRng(fill));
        }
        if (devices.Count > _transports.Length)
            throw new ArgumentException($"{devices.Count} virtio devices do not fit in {_transports.Length} transports");
        for (int slot = 0; slot < _transports.Length; slot++)
        {
            int k = _transports.Length - 1 - slot;
            _transports[slot] = new VirtioMmioTransport(k < devices.Count ? devices[k] : null, Dma, spiLine(VirtBoard.VirtioFirstSpi + slot),
                options.VirtioAccessPlatform);
            bus.Add(BaseOf(slot), VirtioMmioTransport.RegionSize, _transports[slot]);
        }
    }

    public VirtioDma Dma { get; }
    /// <summary>Transport n at 0x0A00_0000 + n * 0x200.</summary>
    public IReadOnlyList<VirtioMmioTransport> Transports => _transports;
    public IReadOnlyList<VirtioBlk> Drives => _drives;

    public static ulong BaseOf(int slot) => VirtBoard.VirtioBase + (ulong)slot * VirtBoard.VirtioStride;

    /// <summary>The system reset resets every transport and its device (QEMU's qdev reset of the virtio-mmio proxies).</summary>
    public void Reset()
    {
        foreach (var t in _transports) t?.Reset();
    }

    /// <summary>Every drive's writes to its disk, and the files closed.</summary>
    public void Dispose()
    {
        foreach (var d in _drives) d.Dispose();
        _drives.Clear();
    }
}
