using Arm64Vm.Host.DeviceTree;
using Arm64Vm.TestSupport;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>`arm64vm run --dump-dtb FILE` and `--dtb FILE`: the generated tree written on request, a user's tree validated.</summary>
[Collection("console")]
public class RunDeviceTreeTests
{
    private static string Relocate => RunCli.Relocate;

    private static (int Code, string Err) Run(params string[] args) => RunCli.Run(args);

    [Fact]
    public void DumpDtbWritesTheTreeForTheOptionsAndDoesNotRun()
    {
        using var dir = new ScenarioDir();
        string file = Path.Combine(dir.Path, "virt.dtb");
        string stats = Path.Combine(dir.Path, "stats.json");
        var (code, _) = Run(Relocate, "--memory", "512M", "--cpus", "3", "--append", "console=ttyAMA0 quiet", "--dump-dtb", file, "--stats-json", stats);
        Assert.Equal(0, code);
        Assert.False(File.Exists(stats), "--dump-dtb exits before the run");
        var blob = File.ReadAllBytes(file);
        // The tree the guest would get: with the run's seed (1) in /chosen's rng-seed and kaslr-seed, as QEMU's dump has them.
        Assert.Equal(VirtDeviceTree.Build(new BoardDescription { MemorySize = 512UL << 20, Cpus = 3, Bootargs = "console=ttyAMA0 quiet", RandomSeed = 1 }), blob);
        var root = FdtReader.Read(blob).Root;
        Assert.Equal(new[] { 0u, 0x4000_0000u, 0u, 0x2000_0000u }, root.Find("/memory@40000000")!.Property("reg")!.Cells());
        Assert.NotNull(root.Find("/cpus/cpu@2"));
        Assert.Null(root.Find("/cpus/cpu@3"));
        Assert.Equal(new[] { "console=ttyAMA0 quiet" }, root.Find("/chosen")!.Property("bootargs")!.Strings());
        if (Dtc.Path != null)
        {
            var (dtcCode, _, warnings) = Dtc.Decompile(blob);
            Assert.Equal(0, dtcCode);
            Assert.Equal("", warnings);
        }
    }

    [Fact]
    public void DumpDtbWithAUsersTreeWritesThatTreeWithThisMachinesMemory()
    {
        using var dir = new ScenarioDir();
        var user = VirtDeviceTree.Build(64UL << 20, 2, "from the user");
        string input = dir.Write("user.dtb", user);
        string output = Path.Combine(dir.Path, "out.dtb");
        Assert.Equal(0, Run(Relocate, "--dtb", input, "--dump-dtb", output).Code);
        var root = FdtReader.Read(File.ReadAllBytes(output)).Root;
        // QEMU's arm_load_dtb(): the memory node describes this machine's RAM (128 MiB), the rest is the user's.
        Assert.Equal(new[] { 0u, 0x4000_0000u, 0u, 0x0800_0000u }, root.Find("/memory@40000000")!.Property("reg")!.Cells());
        Assert.Equal(new[] { "from the user" }, root.Find("/chosen")!.Property("bootargs")!.Strings());
        Assert.NotNull(root.Find("/cpus/cpu@1"));
        var userRoot = FdtReader.Read(user).Root;
        // The user's memory node is replaced by a new one, which libfdt inserts in front of its siblings.
        Assert.Equal(new[] { "memory@40000000" }.Concat(userRoot.Children.Select(c => c.Name).Where(n => n != "memory@40000000")),
            root.Children.Select(c => c.Name));
    }

    [Fact]
    public void AppendAndInitrdAreWrittenIntoAUsersTree()
    {
        using var dir = new ScenarioDir();
        var user = new FdtWriter().BeginNode("").Cells("#address-cells", 2).Cells("#size-cells", 2)
            .BeginNode("memory@80000000").Cells("reg", 0, 0x8000_0000, 0, 0x100_0000).Strings("device_type", "memory").EndNode()
            .EndNode().Finish();
        string input = dir.Write("user.dtb", user);
        string initrd = dir.Write("initrd.img", new byte[5000]);
        string output = Path.Combine(dir.Path, "out.dtb");
        Assert.Equal(0, Run(Relocate, "--dtb", input, "--append", "console=ttyAMA0", "--initrd", initrd, "--dump-dtb", output).Code);
        var root = FdtReader.Read(File.ReadAllBytes(output)).Root;
        Assert.Equal(new[] { "chosen", "memory@40000000" }, root.Children.Select(c => c.Name));   // the user's memory node replaced
        var chosen = root.Find("/chosen")!;
        Assert.Equal(new[] { "console=ttyAMA0" }, chosen.Property("bootargs")!.Strings());
        Assert.Equal(new[] { 0x4400_0000u }, chosen.Property("linux,initrd-start")!.Cells());   // RAM base + 64 MiB, as QEMU
        Assert.Equal(new[] { 0x4400_0000u + 5000 }, chosen.Property("linux,initrd-end")!.Cells());
    }

    [Fact]
    public void AValidDtbIsAcceptedAndTheGuestRuns()
    {
        using var dir = new ScenarioDir();
        string input = dir.Write("user.dtb", VirtDeviceTree.Build(128UL << 20, 1));
        Assert.Equal(0, Run(Relocate, "--dtb", input).Code);
    }

    [Fact]
    public void ABadDtbExitsTwoWithOneLineNamingTheFileAndTheOffset()
    {
        using var dir = new ScenarioDir();
        var blob = VirtDeviceTree.Build(128UL << 20, 1);
        blob[0] = 0;
        string bad = dir.Write("bad.dtb", blob);
        var (code, err) = Run(Relocate, "--dtb", bad);
        Assert.Equal(2, code);
        Assert.Equal($"arm64vm: --dtb: {bad}: not a valid device tree: offset 0x0: bad magic 0x000dfeed (expected 0xd00dfeed)\n", err);

        string truncated = dir.Write("short.dtb", VirtDeviceTree.Build(128UL << 20, 1)[..100]);
        (code, err) = Run(Relocate, "--dtb", truncated);
        Assert.Equal(2, code);
        Assert.StartsWith($"arm64vm: --dtb: {truncated}: not a valid device tree: offset 0x4: totalsize", err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));

        string missing = Path.Combine(dir.Path, "none.dtb");
        (code, err) = Run(Relocate, "--dtb", missing);
        Assert.Equal(2, code);
        Assert.Equal($"arm64vm: --dtb: {missing}: file not found\n", err);
    }

    [Fact]
    public void DumpDtbToAnUnwritablePathExitsTwo()
    {
        using var dir = new ScenarioDir();
        string file = Path.Combine(dir.Path, "no-such-dir", "virt.dtb");
        var (code, err) = Run(Relocate, "--dump-dtb", file);
        Assert.Equal(2, code);
        Assert.StartsWith($"arm64vm: --dump-dtb: cannot write {file}:", err);
    }
}
