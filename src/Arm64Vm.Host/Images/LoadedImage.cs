namespace Arm64Vm.Host.Images;

/// <summary>What an image puts in guest memory: segments at physical addresses and an entry point.</summary>
public sealed record ImageSegment(ulong Address, byte[] Data, ulong MemorySize);

/// <summary>
/// ELF, raw binary and Linux arm64 Image are kernels (the first image of a VMM); Initrd and DeviceTree are the blobs
/// the boot protocol places beside the kernel (<see cref="BootPlan"/>).
/// </summary>
public enum ImageKind { Elf, Raw, LinuxImage, Initrd, DeviceTree }

public sealed record LoadedImage(string File, ImageKind Kind, IReadOnlyList<ImageSegment> Segments, ulong Entry)
{
    /// <summary>
    /// The end of what the image claims in RAM when that is more than its segments: a Linux Image's image_size
    /// (text, data and bss, Linux's Documentation/arch/arm64/booting.rst), which the boot protocol keeps clear.
    /// </summary>
    public ulong? ClaimedEnd { get; init; }
    /// <summary>True when the file was gzip-compressed (Debian's vmlinuz) and the loader decompressed it.</summary>
    public bool Decompressed { get; init; }

    public ulong LowestAddress => Segments.Min(s => s.Address);
    public ulong HighestAddress => Math.Max(ClaimedEnd ?? 0, Segments.Max(s => s.Address + Math.Max((ulong)s.Data.Length, s.MemorySize)));
}
