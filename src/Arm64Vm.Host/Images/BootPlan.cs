using Arm64Vm.Host.DeviceTree;

namespace Arm64Vm.Host.Images;

/// <summary>
/// Where the boot protocol puts the initrd and the device tree, and the blobs to load there (loaded through the same
/// path as the kernel: <see cref="Vmm.LoadImages"/>). <see cref="DtbAddress"/> is what vCPU 0 gets in x0.
/// </summary>
public sealed record BootPlan(LoadedImage DeviceTree, LoadedImage? Initrd)
{
    public ulong DtbAddress => DeviceTree.Entry;
    public byte[] Dtb => DeviceTree.Segments[0].Data;
    public IEnumerable<LoadedImage> Blobs => Initrd == null ? new[] { DeviceTree } : new[] { Initrd, DeviceTree };
}

/// <summary>An initrd for the boot protocol: its name (for messages) and its bytes, loaded as they are.</summary>
public sealed record InitrdFile(string Name, byte[] Data);

/// <summary>
/// QEMU's -kernel placement (hw/arm/boot.c, arm_setup_direct_kernel_boot() and arm_load_dtb()) for this machine:
/// the initrd at RAM base + min(RAM / 2, 128 MiB), or just past the kernel's claimed end when that is higher, page
/// aligned; the device tree at the next 2 MiB boundary after the initrd (Linux maps the 2 MiB block holding it). An ELF
/// kernel that leaves room below it gets the tree at the RAM base instead, as QEMU places it. Nothing overlaps: a
/// kernel, initrd or tree that does not fit is an <see cref="ImageFormatException"/> naming the file.
/// </summary>
public static class BootProtocol
{
    public const string DeviceTreeName = "device tree";
    private const ulong Page = 0x1000, TwoMiB = 2UL << 20;

    public static BootPlan Plan(LoadedImage kernel, VmmOptions options)
    {
        ulong ramBase = VirtBoard.RamBase, ramEnd = VirtBoard.RamBase + options.MemorySize;
        ulong low = kernel.LowestAddress, high = kernel.HighestAddress;
        if (kernel.Kind is ImageKind.LinuxImage or ImageKind.Raw && high > ramEnd)
            throw new ImageFormatException(kernel.File, $"the kernel (0x{low:X}-0x{high - 1:X}) does not fit in RAM 0x{ramBase:X}-0x{ramEnd - 1:X}");

        ulong initrdStart = AlignUp(Math.Max(ramBase + Math.Min(options.MemorySize / 2, 128UL << 20), high), Page);
        LoadedImage? initrd = null;
        if (options.Initrd is { } file)
        {
            ulong size = (ulong)file.Data.Length;
            if (initrdStart >= ramEnd || size > ramEnd - initrdStart)
                throw new ImageFormatException(file.Name,
                    $"the initrd ({size} bytes) does not fit in RAM after the kernel (0x{initrdStart:X}-0x{ramEnd - 1:X} is free; try a larger --memory)");
            initrd = new LoadedImage(file.Name, ImageKind.Initrd, new[] { new ImageSegment(initrdStart, file.Data, size) }, initrdStart);
        }

        var board = new BoardDescription
        {
            MemorySize = options.MemorySize,
            Cpus = options.Cpus,
            GicVersion = options.GicVersion,
            Bootargs = options.Bootargs,
            Initrd = initrd == null ? null : (initrdStart, initrdStart + (ulong)options.Initrd!.Data.Length),
            RandomSeed = options.Seed,
            VirtioDmaCoherent = options.VirtioDmaCoherent,
        };
        byte[] dtb = options.Dtb == null ? VirtDeviceTree.Build(board) : DeviceTreeFixup.Apply(options.Dtb, board);
        ulong dtbSize = (ulong)dtb.Length;

        ulong dtbAt;
        if (kernel.Kind == ImageKind.Elf && (low > ramBase || high <= ramBase) && (low < ramBase || dtbSize <= low - ramBase))
            dtbAt = ramBase;
        else
        {
            dtbAt = AlignUp(initrdStart + (initrd == null ? 0 : (ulong)initrd.Segments[0].Data.Length), TwoMiB);
            if (dtbAt >= ramEnd || dtbSize > ramEnd - dtbAt)
                throw new ImageFormatException(options.Dtb == null ? DeviceTreeName : "--dtb",
                    $"no room for the {dtbSize}-byte device tree at 0x{dtbAt:X} after the kernel and initrd (RAM ends at 0x{ramEnd - 1:X}; try a larger --memory)");
        }
        var tree = new LoadedImage(DeviceTreeName, ImageKind.DeviceTree, new[] { new ImageSegment(dtbAt, dtb, dtbSize) }, dtbAt);
        return new BootPlan(tree, initrd);
    }

    private static ulong AlignUp(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);
}
