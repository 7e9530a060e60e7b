using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>`arm64vm run` boot options: --kernel, --initrd, --gic, --clock, --cpus; bad values are one line and exit 2.</summary>
[Collection("console")]
public class RunBootOptionsTests
{
    private static string Relocate => RunCli.Relocate;

    private static (int Code, string Err) Run(params string[] args) => RunCli.Run(args);

    [Fact]
    public void KernelOptionIsTheImage()
    {
        Assert.Equal((0, ""), Run("--kernel", Relocate));   // the relocate guest boots twice and powers off
        var (code, err) = Run(Relocate, "--kernel", Relocate);
        Assert.Equal(2, code);
        Assert.Equal("arm64vm: --kernel: the image is given twice (IMAGE and --kernel); give one\n", err);
        (code, err) = Run();
        Assert.Equal(2, code);
        Assert.Equal("arm64vm: run: no guest image (give IMAGE or --kernel FILE)\n", err);
    }

    [Theory]
    [InlineData("--gic", "4", "arm64vm: --gic: '4' is not 2 or 3\n")]
    [InlineData("--clock", "wall", "arm64vm: --clock: 'wall' is not 'virtual' or 'host'\n")]
    [InlineData("--cpus", "9", "arm64vm: --cpus: 9 is not between 1 and 8\n")]
    public void BadValuesExitTwoNamingTheOption(string option, string value, string message)
    {
        var (code, err) = Run(Relocate, option, value);
        Assert.Equal(2, code);
        Assert.Equal(message, err);
    }

    [Fact]
    public void GicV2WithNineCpusNamesTheGic()
    {
        var (code, err) = Run(Relocate, "--gic", "2", "--cpus", "9");
        Assert.Equal(2, code);
        Assert.Equal("arm64vm: --cpus: 9 CPUs need --gic 3 (GICv2 has at most 8)\n", err);
    }

    [Fact]
    public void AnInitrdThatDoesNotFitNamesTheFile()
    {
        using var dir = new ScenarioDir();
        string initrd = dir.Write("big.img", new byte[3 << 20]);
        // 4 MiB of RAM: the initrd goes at RAM base + 2 MiB, and 3 MiB do not fit there.
        var (code, err) = Run(Relocate, "--memory", "4M", "--initrd", initrd);
        Assert.Equal(2, code);
        Assert.Equal($"arm64vm: {initrd}: the initrd (3145728 bytes) does not fit in RAM after the kernel (0x40200000-0x403FFFFF is free; try a larger --memory)\n", err);
        string missing = Path.Combine(dir.Path, "none.img");
        (code, err) = Run(Relocate, "--initrd", missing);
        Assert.Equal(2, code);
        Assert.Equal($"arm64vm: --initrd: {missing}: file not found\n", err);
    }

    [Fact]
    public void NoRoomForTheDeviceTreeIsOneLine()
    {
        // 2 MiB of RAM: the tree's 2 MiB aligned slot after the (empty) initrd area is the end of RAM, as in QEMU.
        var (code, err) = Run(Relocate, "--memory", "2M");
        Assert.Equal(2, code);
        Assert.StartsWith("arm64vm: device tree: no room for the ", err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
    }
}
