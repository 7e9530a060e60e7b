using Arm64Vm.Host.DeviceTree;
using Arm64Vm.TestSupport;
using Xunit;

namespace Arm64Vm.Host.Tests.DeviceTree;

/// <summary>
/// The generated tree's interrupt controller, timer, PMU, PL031 and /chosen, and the whole tree against QEMU 7.2's own
/// (qemu-7.2-virt-gicv*-smp2.dts: `qemu-system-aarch64 -M virt,gic-version=N,dumpdtb=x.dtb -cpu cortex-a57 -m 128M
/// -smp 2`, with `fdtput -r` removing the nodes of devices this machine does not have — flash, fw-cfg, PCIe,
/// PL061, gpio-keys, platform bus, ITS / GICv2m — and `fdtput -d` the random /chosen seeds, then
/// `dtc -I dtb -O dts`).
/// </summary>
public class VirtBoardTreeTests
{
    private static FdtNode Root(BoardDescription board) => FdtReader.Read(VirtDeviceTree.Build(board)).Root;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    public void GicV3NodeHasTheDistributorAndARedistributorPerCpu(int cpus)
    {
        var root = Root(new BoardDescription { Cpus = cpus });
        var gic = root.Find("/intc@8000000")!;
        uint phandle = gic.Property("phandle")!.Cells()[0];
        Assert.Equal(0x8001u + (uint)cpus, phandle);
        Assert.Equal(new[] { phandle }, root.Property("interrupt-parent")!.Cells());
        Assert.Equal(new[] { "arm,gic-v3" }, gic.Property("compatible")!.Strings());
        Assert.Equal(new[] { 0u, 0x0800_0000u, 0u, 0x1_0000u, 0u, 0x080A_0000u, 0u, 0x2_0000u * (uint)cpus }, gic.Property("reg")!.Cells());
        Assert.Equal(new[] { 1u }, gic.Property("#redistributor-regions")!.Cells());
        Assert.Equal(new[] { 3u }, gic.Property("#interrupt-cells")!.Cells());
        Assert.Empty(gic.Property("interrupt-controller")!.Value);
        Assert.Empty(gic.Children);
    }

    [Fact]
    public void GicV2NodeHasTheDistributorAndTheCpuInterface()
    {
        var gic = Root(new BoardDescription { Cpus = 2, GicVersion = 2 }).Find("/intc@8000000")!;
        Assert.Equal(new[] { "arm,cortex-a15-gic" }, gic.Property("compatible")!.Strings());
        Assert.Equal(new[] { 0u, 0x0800_0000u, 0u, 0x1_0000u, 0u, 0x0801_0000u, 0u, 0x1_0000u }, gic.Property("reg")!.Cells());
        Assert.Null(gic.Property("#redistributor-regions"));
    }

    [Theory]
    [InlineData(3, 1, 4u)]
    [InlineData(3, 4, 4u)]
    [InlineData(2, 1, 0x104u)]      // GICv2: PPI flags carry the CPU mask in bits [15:8]
    [InlineData(2, 2, 0x304u)]
    [InlineData(2, 8, 0xFF04u)]
    public void TimerAndPmuArePpisWithQemusFlags(int gic, int cpus, uint flags)
    {
        var root = Root(new BoardDescription { Cpus = cpus, GicVersion = gic });
        var timer = root.Find("/timer")!;
        Assert.Equal(new[] { "arm,armv8-timer", "arm,armv7-timer" }, timer.Property("compatible")!.Strings());
        Assert.NotNull(timer.Property("always-on"));
        // Secure physical (PPI 13 = INTID 29), non-secure physical (14 = 30), virtual (11 = 27), hypervisor (10 = 26).
        Assert.Equal(new[] { 1u, 13u, flags, 1u, 14u, flags, 1u, 11u, flags, 1u, 10u, flags }, timer.Property("interrupts")!.Cells());
        var pmu = root.Find("/pmu")!;
        Assert.Equal(new[] { "arm,armv8-pmuv3" }, pmu.Property("compatible")!.Strings());
        Assert.Equal(new[] { 1u, 7u, flags }, pmu.Property("interrupts")!.Cells());   // PPI 7 = INTID 23
    }

    [Fact]
    public void Pl031IsAPrimeCellOnSpi2FedByTheApbClock()
    {
        var root = Root(new BoardDescription());
        var rtc = root.Find("/pl031@9010000")!;
        Assert.Equal(new[] { "arm,pl031", "arm,primecell" }, rtc.Property("compatible")!.Strings());
        Assert.Equal(new[] { 0u, 0x0901_0000u, 0u, 0x1000u }, rtc.Property("reg")!.Cells());
        Assert.Equal(new[] { 0u, 2u, 4u }, rtc.Property("interrupts")!.Cells());
        Assert.Equal(new[] { "apb_pclk" }, rtc.Property("clock-names")!.Strings());
        Assert.Equal(root.Find("/apb-pclk")!.Property("phandle")!.Cells(), rtc.Property("clocks")!.Cells());
    }

    [Fact]
    public void ChosenHasTheInitrdRangeAndDeterministicSeeds()
    {
        var board = new BoardDescription { Bootargs = "console=ttyAMA0", Initrd = (0x4400_0000, 0x4400_1388), RandomSeed = 7 };
        var chosen = Root(board).Find("/chosen")!;
        Assert.Equal(new[] { "linux,initrd-end", "linux,initrd-start", "bootargs", "stdout-path", "rng-seed", "kaslr-seed" },
            chosen.Properties.Select(p => p.Name));
        Assert.Equal(new[] { 0x4400_0000u }, chosen.Property("linux,initrd-start")!.Cells());
        Assert.Equal(new[] { 0x4400_1388u }, chosen.Property("linux,initrd-end")!.Cells());
        Assert.Equal(8, chosen.Property("rng-seed")!.Cells().Length);
        Assert.Equal(2, chosen.Property("kaslr-seed")!.Cells().Length);
        Assert.Equal(VirtDeviceTree.Build(board), VirtDeviceTree.Build(board));
        Assert.NotEqual(chosen.Property("rng-seed")!.Value, Root(board with { RandomSeed = 8 }).Find("/chosen")!.Property("rng-seed")!.Value);
        var bare = Root(new BoardDescription()).Find("/chosen")!;
        Assert.Equal(new[] { "stdout-path" }, bare.Properties.Select(p => p.Name));
    }

    [Fact]
    public void AnInitrdAbove4GiBGetsTwoCells()
    {
        var chosen = Root(new BoardDescription { MemorySize = 8UL << 30, Initrd = (0x1_4000_0000, 0x1_4000_1000) }).Find("/chosen")!;
        Assert.Equal(new[] { 1u, 0x4000_0000u }, chosen.Property("linux,initrd-start")!.Cells());
    }

    [Fact]
    public void BadGicVersionOrCpuCountIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VirtDeviceTree.Build(new BoardDescription { GicVersion = 4 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => VirtDeviceTree.Build(new BoardDescription { Cpus = 0 }));
    }

    /// <summary>Our tree, decompiled by dtc, line for line as QEMU's (after the documented removals). The one
    /// deviation: the GICv3 redistributor region covers this machine's PEs (2 x 128 KiB) where QEMU describes its whole
    /// 0xF60000 window (specs/deviations.md).</summary>
    [DtcTheory]
    [InlineData(3)]
    [InlineData(2)]
    public void DecompiledTreeMatchesQemus(int gic)
    {
        var (code, source, warnings) = Dtc.Decompile(VirtDeviceTree.Build(new BoardDescription { Cpus = 2, GicVersion = gic }));
        Assert.Equal(0, code);
        Assert.Equal("", warnings);
        string expected = File.ReadAllText(GuestRunner.PathOf($"tests/Arm64Vm.Host.Tests/DeviceTree/qemu-7.2-virt-gicv{gic}-smp2.dts"));
        if (gic == 3) expected = expected.Replace("0x00 0x80a0000 0x00 0xf60000>", "0x00 0x80a0000 0x00 0x40000>");
        Assert.Equal(expected.Split('\n'), source.Split('\n'));
    }

    [DtcFact]
    public void DtcDecompilesEveryConfigurationWithoutWarnings()
    {
        foreach (int gic in new[] { 2, 3 })
            foreach (int cpus in new[] { 1, 3, 8 })
            {
                var board = new BoardDescription { Cpus = cpus, GicVersion = gic, Bootargs = "console=ttyAMA0", Initrd = (0x4400_0000, 0x4410_0000), RandomSeed = 1 };
                var (code, _, warnings) = Dtc.Decompile(VirtDeviceTree.Build(board));
                Assert.Equal(0, code);
                Assert.Equal("", warnings);
            }
    }
}
