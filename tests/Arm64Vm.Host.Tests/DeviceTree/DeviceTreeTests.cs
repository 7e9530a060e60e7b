using System.Buffers.Binary;
using System.Text;
using Arm64Vm.Host;
using Arm64Vm.Host.DeviceTree;
using Arm64Vm.TestSupport;
using Xunit;

namespace Arm64Vm.Host.Tests.DeviceTree;

/// <summary>The FDT writer and reader (Devicetree Specification v0.4, chapter 5) and the virt machine's tree.</summary>
public class DeviceTreeTests
{
    private static uint Word(byte[] blob, int offset) => BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(offset));

    private static byte[] Sample() => new FdtWriter()
        .Reserve(0x4800_0000, 0x1_0000)
        .BeginNode("")
            .Cells("#address-cells", 2)
            .Strings("compatible", "a,b", "c")
            .BeginNode("node@1").Cells("reg", 1).Property("flag").Property("raw", new byte[] { 1, 2, 3 }).EndNode()
            .BeginNode("other").Cells("reg", 2, 3).Strings("compatible", "x").EndNode()
        .EndNode()
        .Finish(bootCpuId: 3);

    [Fact]
    public void HeaderFieldsAndBlockAlignment()
    {
        var blob = Sample();
        Assert.Equal(0xD00D_FEEDu, Word(blob, 0));
        Assert.Equal((uint)blob.Length, Word(blob, 4));
        Assert.Equal(17u, Word(blob, 20));
        Assert.Equal(16u, Word(blob, 24));
        Assert.Equal(3u, Word(blob, 28));
        uint offStruct = Word(blob, 8), offStrings = Word(blob, 12), offRsvmap = Word(blob, 16);
        uint sizeStrings = Word(blob, 32), sizeStruct = Word(blob, 36);
        Assert.All(new[] { offStruct, offStrings, offRsvmap, (uint)blob.Length }, o => Assert.Equal(0u, o % 8));
        Assert.True(offRsvmap >= 40 && offRsvmap + 32 <= offStruct, "the reservation block (one entry + terminator) precedes the structure block");
        Assert.True(offStruct + sizeStruct <= offStrings && offStrings + sizeStrings <= blob.Length);
        Assert.Equal(0x4800_0000UL, BinaryPrimitives.ReadUInt64BigEndian(blob.AsSpan((int)offRsvmap)));
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64BigEndian(blob.AsSpan((int)offRsvmap + 16)));
        Assert.Equal(Fdt.BeginNode, Word(blob, (int)offStruct));
        Assert.Equal(Fdt.End, Word(blob, (int)(offStruct + sizeStruct - 4)));
    }

    [Fact]
    public void StringsBlockHoldsEachPropertyNameOnce()
    {
        var blob = Sample();
        var strings = Encoding.ASCII.GetString(blob, (int)Word(blob, 12), (int)Word(blob, 32));
        Assert.Equal(new[] { "#address-cells", "compatible", "reg", "flag", "raw", "" }, strings.Split('\0'));
    }

    [Fact]
    public void WriterOutputReadsBackNodeForNode()
    {
        var tree = FdtReader.Read(Sample());
        Assert.Equal(17u, tree.Version);
        Assert.Equal(16u, tree.LastCompatibleVersion);
        Assert.Equal(3u, tree.BootCpuId);
        Assert.Equal(new[] { (0x4800_0000UL, 0x1_0000UL) }, tree.Reservations);
        var root = tree.Root;
        Assert.Equal("", root.Name);
        Assert.Equal(new[] { "#address-cells", "compatible" }, root.Properties.Select(p => p.Name));
        Assert.Equal(new[] { 2u }, root.Property("#address-cells")!.Cells());
        Assert.Equal(new[] { "a,b", "c" }, root.Property("compatible")!.Strings());
        Assert.Equal(new[] { "node@1", "other" }, root.Children.Select(c => c.Name));
        var node = root.Find("/node@1")!;
        Assert.Equal(new[] { 1u }, node.Property("reg")!.Cells());
        Assert.Empty(node.Property("flag")!.Value);
        Assert.Equal(new byte[] { 1, 2, 3 }, node.Property("raw")!.Value);
        Assert.Equal(new[] { 2u, 3u }, root.Find("/other")!.Property("reg")!.Cells());
        Assert.Equal(new[] { "x" }, root.Find("other")!.Property("compatible")!.Strings());
    }

    [Fact]
    public void WriterRejectsMisnestedTrees()
    {
        Assert.Contains("still open", Assert.Throws<InvalidOperationException>(() => new FdtWriter().BeginNode("").Finish()).Message);
        Assert.Contains("one root", Assert.Throws<InvalidOperationException>(() => new FdtWriter().BeginNode("").EndNode().BeginNode("")).Message);
        Assert.Contains("after a subnode", Assert.Throws<InvalidOperationException>(() =>
            new FdtWriter().BeginNode("").BeginNode("a").EndNode().Cells("late", 1)).Message);
        Assert.Contains("outside a node", Assert.Throws<InvalidOperationException>(() => new FdtWriter().Cells("x", 1)).Message);
    }

    // ---- bad blobs: rejected naming the offset of the first problem ----

    private static FdtFormatException Reject(byte[] blob) => Assert.Throws<FdtFormatException>(() => FdtReader.Read(blob));

    [Fact]
    public void TruncatedBlobIsRejected()
    {
        var blob = Sample();
        var e = Reject(blob[..20]);
        Assert.Equal(20, e.Offset);
        Assert.Contains("truncated", e.Message);
        e = Reject(blob[..(blob.Length - 8)]);
        Assert.Equal(4, e.Offset);
        Assert.Equal($"offset 0x4: totalsize {blob.Length} outside the {blob.Length - 8}-byte file", e.Message);
    }

    [Fact]
    public void BadMagicIsRejected()
    {
        var blob = Sample();
        blob[3] ^= 1;
        var e = Reject(blob);
        Assert.Equal(0, e.Offset);
        Assert.Equal("offset 0x0: bad magic 0xd00dfeec (expected 0xd00dfeed)", e.Message);
    }

    [Fact]
    public void BadTokenIsRejectedAtItsOffset()
    {
        var blob = Sample();
        int offStruct = (int)Word(blob, 8);
        // The root's first token after its name (an empty name: one word of NULs) is its first FDT_PROP.
        int at = offStruct + 8;
        Assert.Equal(Fdt.Prop, Word(blob, at));
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(at), 0x7);
        var e = Reject(blob);
        Assert.Equal(at, e.Offset);
        Assert.Equal($"offset 0x{at:x}: bad token 0x00000007", e.Message);
    }

    [Fact]
    public void StringOffsetOutOfRangeIsRejected()
    {
        var blob = Sample();
        int nameoff = (int)Word(blob, 8) + 16;   // FDT_BEGIN_NODE, "", FDT_PROP, len, nameoff
        uint sizeStrings = Word(blob, 32);
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(nameoff), sizeStrings);
        var e = Reject(blob);
        Assert.Equal(nameoff, e.Offset);
        Assert.Contains($"property name offset 0x{sizeStrings:x} outside the 0x{sizeStrings:x}-byte strings block", e.Message);
    }

    [Fact]
    public void UnbalancedNestingIsRejected()
    {
        var blob = Sample();
        int offStruct = (int)Word(blob, 8), end = offStruct + (int)Word(blob, 36) - 4;
        // Turn the root's FDT_END_NODE (the word before FDT_END) into a NOP: FDT_END arrives with the root open.
        Assert.Equal(Fdt.EndNode, Word(blob, end - 4));
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(end - 4), Fdt.Nop);
        var e = Reject(blob);
        Assert.Equal(end, e.Offset);
        Assert.Contains("FDT_END with 1 node(s) still open", e.Message);
    }

    [Fact]
    public void StructureBlockOutsideTheBlobIsRejected()
    {
        var blob = Sample();
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(36), (uint)blob.Length);
        var e = Reject(blob);
        Assert.Equal(8, e.Offset);
        Assert.Contains("structure block", e.Message);
    }

    // ---- the virt machine's tree ----

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void VirtTreeDescribesMemoryCpusPsciClockUartAndChosen(int cpus)
    {
        var root = FdtReader.Read(VirtDeviceTree.Build(256UL << 20, cpus, "console=ttyAMA0 earlycon")).Root;
        Assert.Equal(new[] { "interrupt-parent", "model", "#size-cells", "#address-cells", "compatible" }, root.Properties.Select(p => p.Name));
        Assert.Equal(new[] { "linux,dummy-virt" }, root.Property("compatible")!.Strings());
        Assert.Equal(new[] { "linux,dummy-virt" }, root.Property("model")!.Strings());
        Assert.Equal(new[] { 2u }, root.Property("#address-cells")!.Cells());
        Assert.Equal(new[] { 2u }, root.Property("#size-cells")!.Cells());
        Assert.Equal(new[] { 0x8001u + (uint)cpus }, root.Property("interrupt-parent")!.Cells());   // the GIC, after the CPUs
        // QEMU virt's order: the 32 virtio-mmio transports (VIO-1) come right after the memory node, lowest address first.
        var virtio = Enumerable.Range(0, 32).Select(i => $"virtio_mmio@{0x0A00_0000 + i * 0x200:x}");
        Assert.Equal(new[] { "psci", "memory@40000000" }.Concat(virtio).Concat(new[] { "pl031@9010000", "pl011@9000000", "pmu", "intc@8000000", "cpus", "timer", "apb-pclk", "chosen" }),
            root.Children.Select(c => c.Name));

        var memory = root.Find("/memory@40000000")!;
        Assert.Equal(new[] { "memory" }, memory.Property("device_type")!.Strings());
        Assert.Equal(new[] { 0u, 0x4000_0000u, 0u, 0x1000_0000u }, memory.Property("reg")!.Cells());

        var cpuNodes = root.Find("/cpus")!;
        Assert.Equal(new[] { 1u }, cpuNodes.Property("#address-cells")!.Cells());
        Assert.Equal(new[] { 0u }, cpuNodes.Property("#size-cells")!.Cells());
        Assert.Equal(new[] { "cpu-map" }.Concat(Enumerable.Range(0, cpus).Select(n => $"cpu@{n}")), cpuNodes.Children.Select(c => c.Name));
        var cluster = cpuNodes.Find("cpu-map/socket0/cluster0")!;
        for (int n = 0; n < cpus; n++)
        {
            var cpu = cpuNodes.Child($"cpu@{n}")!;
            Assert.Equal(new[] { "cpu" }, cpu.Property("device_type")!.Strings());
            Assert.Equal(new[] { "arm,cortex-a57" }, cpu.Property("compatible")!.Strings());
            Assert.Equal(new[] { "psci" }, cpu.Property("enable-method")!.Strings());
            Assert.Equal(new[] { (uint)n }, cpu.Property("reg")!.Cells());   // MPIDR_EL1 affinity: Aff0 = N
            uint phandle = cpu.Property("phandle")!.Cells()[0];
            Assert.Equal(0x8000u + (uint)(cpus - n), phandle);             // QEMU allocates from the last CPU
            Assert.Equal(new[] { phandle }, cluster.Child($"core{n}")!.Property("cpu")!.Cells());
        }

        var psci = root.Find("/psci")!;
        Assert.Equal(new[] { "arm,psci-1.0", "arm,psci-0.2", "arm,psci" }, psci.Property("compatible")!.Strings());
        Assert.Equal(new[] { "hvc" }, psci.Property("method")!.Strings());
        Assert.Equal(new[] { 0xC400_0001u }, psci.Property("cpu_suspend")!.Cells());
        Assert.Equal(new[] { 0x8400_0002u }, psci.Property("cpu_off")!.Cells());
        Assert.Equal(new[] { 0xC400_0003u }, psci.Property("cpu_on")!.Cells());
        Assert.Equal(new[] { 0xC400_0005u }, psci.Property("migrate")!.Cells());

        var clock = root.Find("/apb-pclk")!;
        Assert.Equal(new[] { "fixed-clock" }, clock.Property("compatible")!.Strings());
        Assert.Equal(new[] { 0u }, clock.Property("#clock-cells")!.Cells());
        Assert.Equal(new[] { 24_000_000u }, clock.Property("clock-frequency")!.Cells());
        Assert.Equal(new[] { "clk24mhz" }, clock.Property("clock-output-names")!.Strings());
        uint clockPhandle = clock.Property("phandle")!.Cells()[0];
        Assert.Equal(0x8000u, clockPhandle);

        var uart = root.Find("/pl011@9000000")!;
        Assert.Equal(new[] { "arm,pl011", "arm,primecell" }, uart.Property("compatible")!.Strings());
        Assert.Equal(new[] { 0u, (uint)VirtBoard.UartBase, 0u, 0x1000u }, uart.Property("reg")!.Cells());
        Assert.Equal(new[] { clockPhandle, clockPhandle }, uart.Property("clocks")!.Cells());
        Assert.Equal(new[] { "uartclk", "apb_pclk" }, uart.Property("clock-names")!.Strings());
        Assert.Equal(new[] { 0u, 1u, 4u }, uart.Property("interrupts")!.Cells());   // SPI 1, level high

        var chosen = root.Find("/chosen")!;
        Assert.Equal(new[] { "/pl011@9000000" }, chosen.Property("stdout-path")!.Strings());
        Assert.Equal(new[] { "console=ttyAMA0 earlycon" }, chosen.Property("bootargs")!.Strings());
    }

    [Fact]
    public void VirtTreeWithoutBootargsHasNoBootargsAndLargeMemoryUsesTheHighCell()
    {
        var root = FdtReader.Read(VirtDeviceTree.Build(8UL << 30, 1)).Root;
        Assert.Null(root.Find("/chosen")!.Property("bootargs"));
        Assert.Equal(new[] { 0u, 0x4000_0000u, 2u, 0u }, root.Find("/memory@40000000")!.Property("reg")!.Cells());
    }

    [DtcFact]
    public void DtcDecompilesTheVirtTreeWithoutWarnings()
    {
        foreach (int cpus in new[] { 1, 2, 4, 8 })
        {
            var (code, source, warnings) = Dtc.Decompile(VirtDeviceTree.Build(128UL << 20, cpus, "console=ttyAMA0"));
            Assert.Equal(0, code);
            Assert.Equal("", warnings);
            Assert.Contains("compatible = \"arm,psci-1.0\\0arm,psci-0.2\\0arm,psci\";", source);
            Assert.Contains($"cpu@{cpus - 1} {{", source);
            Assert.Contains("bootargs = \"console=ttyAMA0\";", source);
        }
    }

    [DtcFact]
    public void DtcWarningsAreSeen()
    {
        // A unit address without a reg: dtc decompiles it (exit 0) but warns, so the empty-warnings check above can fail.
        var blob = new FdtWriter().BeginNode("").Cells("#address-cells", 2).Cells("#size-cells", 2)
            .BeginNode("foo@1").Cells("x", 1).EndNode().EndNode().Finish();
        var (code, _, warnings) = Dtc.Decompile(blob);
        Assert.Equal(0, code);
        Assert.Contains("Warning (unit_address_vs_reg): /foo@1", warnings);
    }

    [DtcFact]
    public void DtcRejectsWhatOurReaderRejects()
    {
        var blob = Sample();
        blob[3] ^= 1;
        Assert.NotEqual(0, Dtc.Decompile(blob).Code);
        Assert.Equal(0, Dtc.Decompile(Sample()).Code);
    }
}
