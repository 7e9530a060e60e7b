using System.Buffers.Binary;
using Arm64Vm.Host.Images;

namespace Arm64Vm.Scenarios.Running;

/// <summary>A named range of guest RAM [Start, End).</summary>
public sealed record GuestRegion(string Name, ulong Start, ulong End)
{
    public bool Contains(ulong pa) => pa >= Start && pa < End;
}

/// <summary>
/// Where the images of a combination lie, to say which one a stale page belongs to. A Linux arm64 Image is split by
/// its EFI stub's PE/COFF section table (Linux 6.1 arm64 efi-header.S): <c>.text</c> covers text, read-only data and
/// init text (up to __initdata_begin), <c>.data</c> init data and data (up to _edata); from the end of the file to the
/// header's image_size is the zero-initialised tail (bss, the initial page tables and stacks). A kernel without a PE
/// header is one "kernel-text" region up to the end of its file. Other images are "image"; the boot protocol's initrd
/// and device tree "initrd" and "dtb"; anything else "other".
/// </summary>
public static class GuestRegions
{
    public static IReadOnlyList<GuestRegion> Of(LoadedImage image, BootPlan? boot)
    {
        var regions = new List<GuestRegion>();
        if (image.Kind == ImageKind.LinuxImage) regions.AddRange(Kernel(image));
        else regions.AddRange(image.Segments.Select(s => new GuestRegion("image", s.Address, s.Address + Math.Max((ulong)s.Data.Length, s.MemorySize))));
        if (boot?.Initrd is { } initrd) regions.Add(Whole("initrd", initrd));
        if (boot != null) regions.Add(Whole("dtb", boot.DeviceTree));
        return regions;
    }

    public static string NameOf(IReadOnlyList<GuestRegion> regions, ulong pa) => regions.FirstOrDefault(r => r.Contains(pa))?.Name ?? "other";

    private static GuestRegion Whole(string name, LoadedImage blob)
    {
        var s = blob.Segments[0];
        return new GuestRegion(name, s.Address, s.Address + (ulong)s.Data.Length);
    }

    private static IEnumerable<GuestRegion> Kernel(LoadedImage image)
    {
        var seg = image.Segments[0];
        ulong load = seg.Address, fileEnd = load + (ulong)seg.Data.Length;
        ulong end = Math.Max(image.HighestAddress, fileEnd);
        var data = seg.Data;
        ulong textEnd = fileEnd;
        // The PE header offset at 0x3C; "PE\0\0"; the COFF header's section count (+6) and optional header size (+20).
        if (data.Length >= 0x40 && BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(0x3C)) is uint pe && pe + 24 <= data.Length &&
            BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)pe)) == 0x4550)
        {
            int sections = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan((int)pe + 6));
            int table = (int)pe + 24 + BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan((int)pe + 20));
            for (int i = 0; i < sections && table + 40 * (i + 1) <= data.Length; i++)
            {
                var entry = data.AsSpan(table + 40 * i, 40);
                string name = System.Text.Encoding.ASCII.GetString(entry[..8]).TrimEnd('\0');
                ulong va = BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]);
                if (name == ".data" && load + va < fileEnd) textEnd = load + va;
            }
        }
        yield return new GuestRegion("kernel-text", load, textEnd);
        if (textEnd < fileEnd) yield return new GuestRegion("kernel-data", textEnd, fileEnd);
        if (fileEnd < end) yield return new GuestRegion("kernel-bss", fileEnd, end);
    }
}
