using System.Buffers.Binary;
using Arm64Vm.Host.Images;
using Xunit;

namespace Arm64Vm.Host.Tests;

public class ImageLoaderTests
{
    /// <summary>A minimal ELF64 AArch64 executable with one PT_LOAD segment.</summary>
    internal static byte[] MakeElf(ulong paddr, byte[] payload, ulong entry, ushort machine = 183, ulong extraMem = 0)
    {
        var d = new byte[64 + 56 + payload.Length];
        d[0] = 0x7F; d[1] = (byte)'E'; d[2] = (byte)'L'; d[3] = (byte)'F'; d[4] = 2; d[5] = 1; d[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(16), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(18), machine);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(24), entry);
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(32), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(54), 56);
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(56), 1);
        var ph = d.AsSpan(64);
        BinaryPrimitives.WriteUInt32LittleEndian(ph, 1);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[8..], 120);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[16..], paddr);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[24..], paddr);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[32..], (ulong)payload.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[40..], (ulong)payload.Length + extraMem);
        payload.CopyTo(d, 120);
        return d;
    }

    [Fact]
    public void ElfSegmentsAndEntryAreRead()
    {
        var img = ImageLoader.Parse("t.elf", MakeElf(0x4008_0000, new byte[] { 1, 2, 3, 4 }, 0x4008_0000, extraMem: 8));
        Assert.Equal(ImageKind.Elf, img.Kind);
        Assert.Equal(0x4008_0000UL, img.Entry);
        var seg = Assert.Single(img.Segments);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, seg.Data);
        Assert.Equal(12UL, seg.MemorySize);
    }

    [Fact]
    public void EntryOptionOverridesElfEntry()
    {
        var img = ImageLoader.Parse("t.elf", MakeElf(0x4008_0000, new byte[4], 0x4008_0000), entry: 0x4008_0004);
        Assert.Equal(0x4008_0004UL, img.Entry);
    }

    [Fact]
    public void TruncatedElfIsAClearErrorNamingTheFile()
    {
        var full = MakeElf(0x4008_0000, new byte[64], 0x4008_0000);
        var e = Assert.Throws<ImageFormatException>(() => ImageLoader.Parse("broken.elf", full[..100]));
        Assert.Contains("broken.elf", e.Message);
        Assert.Contains("truncated", e.Message);
        e = Assert.Throws<ImageFormatException>(() => ImageLoader.Parse("short.elf", full[..30]));
        Assert.Contains("short.elf: truncated ELF header", e.Message);
    }

    [Fact]
    public void WrongMachineIsRejected()
    {
        var e = Assert.Throws<ImageFormatException>(() => ImageLoader.Parse("x86.elf", MakeElf(0x1000, new byte[4], 0x1000, machine: 62)));
        Assert.Contains("not AArch64", e.Message);
    }

    [Fact]
    public void RawImageLoadsAtDefaultOrGivenAddress()
    {
        var img = ImageLoader.Parse("a.bin", new byte[] { 0x1F, 0x20, 0x03, 0xD5 });
        Assert.Equal(ImageKind.Raw, img.Kind);
        Assert.Equal(0x4008_0000UL, img.Entry);
        img = ImageLoader.Parse("a.bin", new byte[] { 0x1F, 0x20, 0x03, 0xD5 }, loadAddress: 0x4100_0000);
        Assert.Equal(0x4100_0000UL, img.Segments[0].Address);
        Assert.Equal(0x4100_0000UL, img.Entry);
    }

    [Fact]
    public void LinuxImageHeaderIsRecognised()
    {
        var data = new byte[4096];
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(8), 0);          // text_offset
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16), 8192);      // image_size (with bss)
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(0x38), 0x644D5241);
        var img = ImageLoader.Parse("Image", data);
        Assert.Equal(ImageKind.LinuxImage, img.Kind);
        Assert.Equal(0x4020_0000UL, img.Entry);                               // text_offset 0 < 4 KiB: 2 MiB up
        Assert.Equal(4096UL, img.Segments[0].MemorySize);                      // only the file is written
        Assert.Equal(0x4020_2000UL, img.HighestAddress);                       // image_size is kept clear
    }

    [Fact]
    public void EmptyAndMissingFilesAreErrors()
    {
        Assert.Contains("empty", Assert.Throws<ImageFormatException>(() => ImageLoader.Parse("e.bin", Array.Empty<byte>())).Message);
        Assert.Contains("not found", Assert.Throws<ImageFormatException>(() => ImageLoader.Load("/nonexistent/x.elf")).Message);
    }
}
