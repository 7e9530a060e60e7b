using Arm64Vm.Cpu;
using Arm64Vm.Devices;
using Arm64Vm.Host.Images;
using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Host;

/// <summary>
/// The emulated platform: RAM and MMIO devices on QEMU virt's map, the memory system and the PEs.
/// </summary>
public sealed class Machine : IDisposable
{
    public Machine(MachineConfig config)
    {
        Config = config;
        if (config.MemorySize == 0 || config.MemorySize % Ram.PageSize != 0)
            throw new ArgumentException($"memory size {config.MemorySize} must be a non-zero multiple of 4 KiB");
        if (config.CpuCount < 1 || config.CpuCount > 8)
            throw new ArgumentException($"cpu count {config.CpuCount} must be between 1 and 8");
        Map = new PhysicalMemoryMap(config.Features.PaBits);
        Ram = Map.AddRam(VirtBoard.RamBase, config.MemorySize);
        Uart = new Pl011Uart(config.ConsoleOutput ?? DefaultConsole);
        Map.Mmio.Add(VirtBoard.UartBase, Pl011Uart.RegionSize, Uart);
        MemorySystem = config.MemorySystemFactory(Map);
        CpuSystem = new CpuSystem(MemorySystem, config.Features);
        for (int i = 0; i < config.CpuCount; i++) CpuSystem.AddCpu();
    }

    public MachineConfig Config { get; }
    public PhysicalMemoryMap Map { get; }
    public Ram Ram { get; }
    public Pl011Uart Uart { get; }
    public IMemorySystem MemorySystem { get; }
    public CpuSystem CpuSystem { get; }
    public IReadOnlyList<CpuCore> Cpus => CpuSystem.Cpus;

    private static readonly Stream StdOut = Console.OpenStandardOutput();

    private static void DefaultConsole(byte b)
    {
        StdOut.WriteByte(b);
        if (b == (byte)'\n') StdOut.Flush();
    }

    /// <summary>Copies an image's segments into RAM (zero-filling p_memsz beyond the file bytes).</summary>
    public void LoadImage(LoadedImage image)
    {
        // Firmware-style load (the bare machine has no host layer yet): every cache is written back and emptied first,
        // so the image written to RAM (PoC) is what every PE sees, as after a power-on.
        if (MemorySystem is CacheMemorySystem caches) caches.FlushAll();
        foreach (var seg in image.Segments)
        {
            ulong size = Math.Max((ulong)seg.Data.Length, seg.MemorySize);
            if (!Ram.Contains(seg.Address, size))
                throw new ImageFormatException(image.File,
                    $"segment at 0x{seg.Address:X} (+0x{size:X}) lies outside RAM 0x{Ram.BasePa:X}-0x{Ram.EndPa - 1:X}");
            var dst = Ram.Span(seg.Address, (int)size);
            seg.Data.CopyTo(dst);
            dst[seg.Data.Length..].Clear();
            Ram.NoteWrite(seg.Address, (int)size);
        }
    }

    public void Dispose() => Ram.Dispose();
}
