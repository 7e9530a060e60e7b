namespace Arm64Vm.Host.Images;

/// <summary>What an image puts in guest memory: segments at physical addresses and an entry point.</summary>
public sealed record ImageSegment(ulong Address, byte[] Data, ulong MemorySize);

public enum ImageKind { Elf, Raw, LinuxImage }

public sealed record LoadedImage(string File, ImageKind Kind, IReadOnlyList<ImageSegment> Segments, ulong Entry)
{
    public ulong LowestAddress => Segments.Min(s => s.Address);
    public ulong HighestAddress => Segments.Max(s => s.Address + Math.Max((ulong)s.Data.Length, s.MemorySize));
}
