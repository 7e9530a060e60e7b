using System.Buffers.Binary;

namespace Arm64Vm.Host.Images;

/// <summary>
/// Reads guest images as QEMU's -kernel does (hw/arm/boot.c): ELF64 little-endian AArch64 executables (PT_LOAD
/// segments at their physical addresses, entry point from the header); a gzip-compressed file (Debian's vmlinuz) is
/// decompressed first (at most 256 MiB, as QEMU's LOAD_IMAGE_MAX_GUNZIP_BYTES; data that does not decompress is loaded
/// as it is); a Linux arm64 Image (header magic "ARM\x64" at 0x38) at RAM base + text_offset, 2 MiB further when
/// text_offset is below 4 KiB (QEMU's boot stub lives there), text_offset counting only when image_size is non-zero
/// (Linux's Documentation/arch/arm64/booting.rst; older kernels: 0x80000); anything else is a raw binary at 0x4008_0000.
/// </summary>
public static class ImageLoader
{
    public const ulong DefaultRawLoadAddress = VirtBoard.DefaultLoadAddress;
    /// <summary>The largest decompressed kernel accepted (QEMU: LOAD_IMAGE_MAX_GUNZIP_BYTES).</summary>
    public const int MaxDecompressedBytes = 256 << 20;
    private const uint LinuxImageMagic = 0x644D5241; // "ARM\x64"
    /// <summary>The text_offset of kernels whose header has image_size = 0 (before Linux 3.17).</summary>
    private const ulong LegacyTextOffset = 0x8_0000;
    /// <summary>QEMU keeps its boot stub in the first 4 KiB of RAM (BOOTLOADER_MAX_SIZE).</summary>
    private const ulong BootStubSize = 0x1000;
    private const ulong TwoMiB = 2UL << 20;

    public static LoadedImage Load(string path, ulong? loadAddress = null, ulong? entry = null) =>
        Parse(path, ReadFile(path), loadAddress, entry);

    /// <summary>A file's bytes; a missing or unreadable file is an <see cref="ImageFormatException"/> naming it.</summary>
    public static byte[] ReadFile(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new ImageFormatException(path, "file not found"); }
        catch (DirectoryNotFoundException) { throw new ImageFormatException(path, "file not found"); }
        catch (IOException e) { throw new ImageFormatException(path, e.Message); }
        catch (UnauthorizedAccessException e) { throw new ImageFormatException(path, e.Message); }
    }

    public static LoadedImage Parse(string name, byte[] data, ulong? loadAddress = null, ulong? entry = null)
    {
        if (data.Length == 0) throw new ImageFormatException(name, "the file is empty");
        if (data.Length >= 4 && data[0] == 0x7F && data[1] == (byte)'E' && data[2] == (byte)'L' && data[3] == (byte)'F')
        {
            var elf = ParseElf(name, data);
            return entry.HasValue ? elf with { Entry = entry.Value } : elf;
        }
        bool decompressed = false;
        if (Gzip.LooksCompressed(data) && Gzip.TryDecompress(data, MaxDecompressedBytes, out var plain))
        {
            data = plain;
            decompressed = true;
            if (data.Length == 0) throw new ImageFormatException(name, "decompresses to nothing");
        }
        if (data.Length >= 64 && BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(0x38)) == LinuxImageMagic)
            return ParseLinuxImage(name, data, loadAddress, entry) with { Decompressed = decompressed };
        ulong at = loadAddress ?? DefaultRawLoadAddress;
        return new LoadedImage(name, ImageKind.Raw, new[] { new ImageSegment(at, data, (ulong)data.Length) }, entry ?? at) { Decompressed = decompressed };
    }

    private static LoadedImage ParseLinuxImage(string name, byte[] data, ulong? loadAddress, ulong? entry)
    {
        // The 64-byte header: text_offset at 8, image_size at 16, both little-endian.
        ulong textOffset = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(8));
        ulong imageSize = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(16));
        ulong offset = LegacyTextOffset;
        if (imageSize != 0)
        {
            if (textOffset >= 1UL << 30) throw new ImageFormatException(name, $"Linux Image header has text_offset 0x{textOffset:X} (more than 1 GiB)");
            offset = textOffset < BootStubSize ? textOffset + TwoMiB : textOffset;
        }
        ulong at = loadAddress ?? VirtBoard.RamBase + offset;
        ulong size = Math.Max(imageSize, (ulong)data.Length);
        return new LoadedImage(name, ImageKind.LinuxImage, new[] { new ImageSegment(at, data, (ulong)data.Length) }, entry ?? at)
        {
            ClaimedEnd = at + size,
        };
    }

    private static LoadedImage ParseElf(string name, byte[] d)
    {
        // ELF64 header (System V gABI): e_ident[EI_CLASS]=2 (64-bit), [EI_DATA]=1 (little endian), e_machine=183 (AArch64).
        if (d.Length < 64) throw new ImageFormatException(name, "truncated ELF header");
        if (d[4] != 2) throw new ImageFormatException(name, "not a 64-bit ELF file (EI_CLASS must be ELFCLASS64)");
        if (d[5] != 1) throw new ImageFormatException(name, "big-endian ELF files are not supported");
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(16));
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(18));
        if (machine != 183) throw new ImageFormatException(name, $"ELF machine is {machine}, not AArch64 (183)");
        if (type != 2 && type != 3) throw new ImageFormatException(name, $"ELF type {type} is not an executable");
        ulong entry = BinaryPrimitives.ReadUInt64LittleEndian(d.AsSpan(24));
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(d.AsSpan(32));
        ushort phentsize = BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(54));
        ushort phnum = BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(56));
        if (phnum == 0) throw new ImageFormatException(name, "ELF file has no program headers");
        if (phentsize < 56) throw new ImageFormatException(name, $"ELF program header size {phentsize} is too small");
        if (phoff > (ulong)d.Length || (ulong)phnum * phentsize > (ulong)d.Length - phoff)
            throw new ImageFormatException(name, "program headers lie outside the file (truncated?)");
        var segments = new List<ImageSegment>();
        for (int i = 0; i < phnum; i++)
        {
            var ph = d.AsSpan((int)phoff + i * phentsize, phentsize);
            uint ptype = BinaryPrimitives.ReadUInt32LittleEndian(ph);
            if (ptype != 1) continue; // PT_LOAD
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(ph[8..]);
            ulong paddr = BinaryPrimitives.ReadUInt64LittleEndian(ph[24..]);
            ulong filesz = BinaryPrimitives.ReadUInt64LittleEndian(ph[32..]);
            ulong memsz = BinaryPrimitives.ReadUInt64LittleEndian(ph[40..]);
            if (offset > (ulong)d.Length || filesz > (ulong)d.Length - offset)
                throw new ImageFormatException(name, $"segment {i} lies outside the file (truncated?)");
            if (memsz < filesz) throw new ImageFormatException(name, $"segment {i} has p_memsz < p_filesz");
            segments.Add(new ImageSegment(paddr, d.AsSpan((int)offset, (int)filesz).ToArray(), memsz));
        }
        if (segments.Count == 0) throw new ImageFormatException(name, "ELF file has no PT_LOAD segment");
        return new LoadedImage(name, ImageKind.Elf, segments, entry);
    }
}
