using System.Buffers.Binary;
using System.IO.Compression;
using Arm64Vm.Host.DeviceTree;
using Arm64Vm.Host.Images;
using Xunit;

namespace Arm64Vm.Host.Tests;

/// <summary>
/// QEMU's -kernel boot protocol (hw/arm/boot.c) on this VMM: where each kind of kernel goes, where the initrd and the
/// device tree go, that nothing overlaps, the entry state (x0 = the tree, x1-x3 = 0, secondaries off) and the reload
/// of every blob on a system reset.
/// </summary>
public class BootProtocolTests
{
    private const ulong Ram = VirtBoard.RamBase;

    /// <summary>A Linux arm64 Image: the 64-byte header (text_offset at 8, image_size at 16, "ARM\x64" at 0x38).</summary>
    internal static byte[] LinuxImage(ulong textOffset, ulong imageSize, int fileSize = 4096)
    {
        var data = new byte[fileSize];
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(8), textOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16), imageSize);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(0x38), 0x644D5241);
        return data;
    }

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest)) gz.Write(data);
        return output.ToArray();
    }

    [Theory]
    [InlineData(0UL, 0x80_0000UL, 0x4020_0000UL)]          // text_offset below 4 KiB: 2 MiB up, past QEMU's boot stub
    [InlineData(0x8_0000UL, 0x80_0000UL, 0x4008_0000UL)]   // text_offset 0x80000 (kernels before 5.8)
    [InlineData(0x1_0000UL, 0x80_0000UL, 0x4001_0000UL)]
    [InlineData(0x20_0000UL, 0UL, 0x4008_0000UL)]          // image_size 0 (before 3.17): text_offset means nothing, 0x80000
    public void LinuxImageGoesToRamBasePlusTextOffset(ulong textOffset, ulong imageSize, ulong expected)
    {
        var image = ImageLoader.Parse("Image", LinuxImage(textOffset, imageSize));
        Assert.Equal(ImageKind.LinuxImage, image.Kind);
        Assert.Equal(expected, image.Entry);
        Assert.Equal(expected, image.Segments[0].Address);
        Assert.Equal(expected + Math.Max(imageSize, 4096), image.HighestAddress);
    }

    [Fact]
    public void GzipCompressedImageIsDecompressedFirst()
    {
        var plain = LinuxImage(0, 0x80_0000, 8192);
        plain[100] = 0x5A;
        var image = ImageLoader.Parse("vmlinuz", Gzip(plain));
        Assert.True(image.Decompressed);
        Assert.Equal(ImageKind.LinuxImage, image.Kind);
        Assert.Equal(0x4020_0000UL, image.Entry);
        Assert.Equal(plain, image.Segments[0].Data);
        var raw = ImageLoader.Parse("blob.gz", Gzip(new byte[] { 1, 2, 3 }));
        Assert.Equal(ImageKind.Raw, raw.Kind);
        Assert.Equal(new byte[] { 1, 2, 3 }, raw.Segments[0].Data);
    }

    [Fact]
    public void DataWithTheGzipMagicThatDoesNotDecompressIsLoadedAsItIs()
    {
        var junk = new byte[64];
        junk[0] = 0x1F; junk[1] = 0x8B; junk[2] = 8; junk[3] = 0xFF;
        var image = ImageLoader.Parse("odd.bin", junk);
        Assert.False(image.Decompressed);
        Assert.Equal(ImageKind.Raw, image.Kind);
        Assert.Equal(junk, image.Segments[0].Data);
    }

    [Theory]
    [InlineData(128, 0x4400_0000UL)]     // RAM / 2
    [InlineData(512, 0x4800_0000UL)]     // capped at 128 MiB
    public void InitrdAndTreeGoWhereQemuPutsThem(int ramMiB, ulong initrdAt)
    {
        var plan = BootProtocol.Plan(ImageLoader.Parse("a.bin", new byte[4096]),
            new VmmOptions { MemorySize = (ulong)ramMiB << 20, Initrd = new InitrdFile("initrd", new byte[5000]) });
        Assert.Equal(initrdAt, plan.Initrd!.Segments[0].Address);
        Assert.Equal(initrdAt + 0x20_0000, plan.DtbAddress);         // next 2 MiB boundary after the initrd
        var chosen = FdtReader.Read(plan.Dtb).Root.Find("/chosen")!;
        Assert.Equal(new[] { (uint)initrdAt }, chosen.Property("linux,initrd-start")!.Cells());
        Assert.Equal(new[] { (uint)initrdAt + 5000 }, chosen.Property("linux,initrd-end")!.Cells());
    }

    [Fact]
    public void ABigKernelPushesTheInitrdPastItsEnd()
    {
        var kernel = ImageLoader.Parse("Image", LinuxImage(0, 0x500_0123));   // ends past RAM base + 64 MiB
        var plan = BootProtocol.Plan(kernel, new VmmOptions { Initrd = new InitrdFile("initrd", new byte[100]) });
        Assert.Equal(0x4520_1000UL, plan.Initrd!.Segments[0].Address);       // 0x4020_0000 + 0x500_0123, page aligned
        Assert.Equal(0x4540_0000UL, plan.DtbAddress);
    }

    [Fact]
    public void AnElfWithRoomBelowItGetsTheTreeAtRamBase()
    {
        var low = ImageLoader.Parse("t.elf", ImageLoaderTests.MakeElf(0x4008_0000, new byte[16], 0x4008_0000));
        Assert.Equal(Ram, BootProtocol.Plan(low, new VmmOptions()).DtbAddress);
        var atBase = ImageLoader.Parse("t.elf", ImageLoaderTests.MakeElf(Ram, new byte[16], Ram));
        Assert.Equal(0x4400_0000UL, BootProtocol.Plan(atBase, new VmmOptions()).DtbAddress);
    }

    [Fact]
    public void AKernelTooBigForRamIsAnErrorNamingIt()
    {
        var e = Assert.Throws<ImageFormatException>(() =>
            BootProtocol.Plan(ImageLoader.Parse("huge", LinuxImage(0, 200UL << 20)), new VmmOptions()));
        Assert.StartsWith("huge: the kernel (0x40200000-0x4C9FFFFF) does not fit in RAM", e.Message);
    }

    /// <summary>Whatever the sizes, the kernel, the initrd and the tree lie in RAM and do not overlap, or the plan is
    /// refused with one of its two messages.</summary>
    [Fact]
    public void NothingOverlapsForAnySizes()
    {
        var random = new Random(12345);
        int placed = 0, refused = 0;
        for (int i = 0; i < 400; i++)
        {
            ulong ram = (ulong)random.Next(2, 512) << 20;
            ulong imageSize = (ulong)random.NextInt64(1, (long)ram + (4L << 20));
            ulong textOffset = random.Next(4) == 0 ? 0x8_0000UL : 0;
            var kernel = ImageLoader.Parse("Image", LinuxImage(textOffset, imageSize));
            var options = new VmmOptions { MemorySize = ram, Initrd = new InitrdFile("initrd", new byte[random.Next(1, 8 << 20)]) };
            BootPlan plan;
            try { plan = BootProtocol.Plan(kernel, options); }
            catch (ImageFormatException e)
            {
                Assert.Matches("does not fit in RAM|no room for the", e.Message);
                refused++;
                continue;
            }
            placed++;
            var ranges = new List<(ulong Start, ulong End)> { (kernel.LowestAddress, kernel.HighestAddress) };
            ranges.AddRange(plan.Blobs.Select(b => (b.LowestAddress, b.HighestAddress)));
            foreach (var (s, e) in ranges) Assert.True(s >= Ram && e <= Ram + ram, $"0x{s:X}-0x{e:X} outside RAM of {ram >> 20} MiB");
            for (int a = 0; a < ranges.Count; a++)
                for (int b = a + 1; b < ranges.Count; b++)
                    Assert.True(ranges[a].End <= ranges[b].Start || ranges[b].End <= ranges[a].Start, $"{ranges[a]} overlaps {ranges[b]}");
        }
        Assert.True(placed > 100 && refused > 20, $"{placed} placed, {refused} refused");
    }

    /// <summary>The PE's register accessors do not range-check (its handlers pass 5-bit fields); the host's do, so a
    /// caller's bad number is an ArgumentOutOfRangeException, never a write outside the register file.</summary>
    [Fact]
    public void VcpuRegisterAccessorsRejectNumbersOutsideX0ToX31()
    {
        var kernel = ImageLoader.Parse("Image", LinuxImage(0, 0x10_0000));
        using var vmm = new Vmm(new VmmOptions { Cpus = 1, CacheModel = CacheModelKind.Off }, new[] { kernel });
        var vcpu = vmm.Vcpus[0];
        ulong sp = vcpu.Cpu.Sp;
        foreach (int r in new[] { -1, 32, 33, int.MaxValue, int.MinValue })
        {
            Assert.Equal("r", Assert.Throws<ArgumentOutOfRangeException>(() => vcpu.SetX(r, 0xDEAD)).ParamName);
            Assert.Equal("r", Assert.Throws<ArgumentOutOfRangeException>(() => vcpu.GetX(r)).ParamName);
        }
        Assert.Equal(sp, vcpu.Cpu.Sp);
        vcpu.SetX(30, 0x1234);
        vcpu.SetX(31, 0x5678);   // the zero register: ignored
        Assert.Equal(0x1234UL, vcpu.GetX(30));
        Assert.Equal(0UL, vcpu.GetX(31));
    }

    [Fact]
    public void EntryStateIsX0TheTreeAndSecondariesOff()
    {
        var kernel = ImageLoader.Parse("Image", LinuxImage(0, 0x10_0000));
        using var vmm = new Vmm(new VmmOptions { Cpus = 2, CacheModel = CacheModelKind.Off, Bootargs = "quiet" }, new[] { kernel });
        vmm.Boot();
        var boot = vmm.Vcpus[0];
        Assert.Equal(0x4020_0000UL, boot.Pc);
        Assert.Equal(vmm.BootPlan!.DtbAddress, boot.GetX(0));
        Assert.Equal(0x4400_0000UL, boot.GetX(0));
        for (int r = 1; r <= 3; r++) Assert.Equal(0UL, boot.GetX(r));
        Assert.Equal(1, boot.Cpu.El);
        Assert.False(boot.PoweredOff);
        Assert.True(vmm.Vcpus[1].PoweredOff);
        var inRam = new byte[vmm.BootPlan.Dtb.Length];
        vmm.Vm.ReadGuest(boot.GetX(0), inRam);
        Assert.Equal(vmm.BootPlan.Dtb, inRam);
        Assert.Equal(new[] { "quiet" }, FdtReader.Read(inRam).Root.Find("/chosen")!.Property("bootargs")!.Strings());
    }

    [Fact]
    public void ASystemResetReloadsTheTreeAndTheInitrd()
    {
        var kernel = ImageLoader.Parse("a.bin", new byte[4096]);
        var initrd = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        using var vmm = new Vmm(new VmmOptions { CacheModel = CacheModelKind.State, Initrd = new InitrdFile("initrd", initrd) }, new[] { kernel });
        vmm.Boot();
        ulong dtb = vmm.BootPlan!.DtbAddress, rd = vmm.BootPlan.Initrd!.Entry;
        vmm.Vm.FillGuest(dtb, 64, 0xEE);   // what a guest that reused the memory would leave behind
        vmm.Vm.FillGuest(rd, 64, 0xEE);
        vmm.ResetSystem();
        var back = new byte[vmm.BootPlan.Dtb.Length];
        vmm.Vm.ReadGuest(dtb, back);
        Assert.Equal(vmm.BootPlan.Dtb, back);
        var rdBack = new byte[initrd.Length];
        vmm.Vm.ReadGuest(rd, rdBack);
        Assert.Equal(initrd, rdBack);
        Assert.Equal(dtb, vmm.Vcpus[0].GetX(0));
    }

    [Fact]
    public void WithoutBootDtbNothingIsPlacedAndX0IsZero()
    {
        using var vmm = new Vmm(new VmmOptions { CacheModel = CacheModelKind.Off, BootDtb = false }, new[] { ImageLoader.Parse("a.bin", new byte[16]) });
        vmm.Boot();
        Assert.Null(vmm.BootPlan);
        Assert.Equal(0UL, vmm.Vcpus[0].GetX(0));
    }

    /// <summary>The same guest and flags twice: the same console output and the same instruction count (cache model on,
    /// two vCPUs, the device tree walked from x0).</summary>
    [Fact]
    public void SameGuestAndFlagsGiveTheSameOutputAndInstructionCount()
    {
        var run = GuestArgs.For("dtb-walker");
        var options = new VmmOptions
        {
            CacheModel = CacheModelKind.State, Cpus = run.Options.Cpus, Bootargs = run.Options.Bootargs, Initrd = run.Options.Initrd, Seed = 3,
        };
        var (out1, first) = GuestRunner.Run(run.ImagePath, 10_000_000, options);
        var (out2, second) = GuestRunner.Run(run.ImagePath, 10_000_000, options);
        Assert.Equal(StopReason.SystemOff, first.Reason);
        Assert.Contains("cpus: 2\n", out1);
        Assert.Equal(out1, out2);
        Assert.Equal(first.Instructions, second.Instructions);
    }
}
