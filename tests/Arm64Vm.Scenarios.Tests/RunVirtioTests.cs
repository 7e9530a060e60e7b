using Arm64Vm.Host.DeviceTree;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>`arm64vm run` virtio options (VIO-1): --drive, --virtio-dma, --virtio-dma-coherent errors and the tree they give.</summary>
[Collection("console")]
public class RunVirtioTests
{
    [Theory]
    [InlineData(new[] { "--drive", "/nonexistent/disk.img" }, "arm64vm: --drive: /nonexistent/disk.img: file not found")]
    [InlineData(new[] { "--drive", "disk.img,rw" }, "arm64vm: --drive: unknown option 'rw' in 'disk.img,rw' (FILE[,readonly])")]
    [InlineData(new[] { "--drive", ",readonly" }, "arm64vm: --drive: ',readonly' names no file (FILE[,readonly])")]
    [InlineData(new[] { "--virtio-dma", "cache" }, "arm64vm: --virtio-dma: 'cache' is not 'host' or 'poc'")]
    [InlineData(new[] { "--virtio-dma-coherent", "maybe" }, "arm64vm: --virtio-dma-coherent: 'maybe' is not 'true' or 'false'")]
    [InlineData(new[] { "--virtio-access-platform", "yes" }, "arm64vm: --virtio-access-platform: 'yes' is not 'true' or 'false'")]
    public void BadVirtioOptionsAreOneLineAndExit2(string[] args, string error)
    {
        var (code, err) = RunCli.Run([RunCli.Relocate, .. args]);
        Assert.Equal(2, code);
        Assert.Equal(error + "\n", err);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void VirtioDmaCoherentSelectsTheDmaCoherentProperty(string value, bool expected)
    {
        string dtb = Path.GetTempFileName();
        try
        {
            var (code, err) = RunCli.Run(RunCli.Relocate, "--virtio-dma-coherent", value, "--dump-dtb", dtb);
            Assert.Equal((0, ""), (code, err));
            var root = FdtReader.Read(File.ReadAllBytes(dtb)).Root;
            for (int slot = 0; slot < 32; slot++)
            {
                var node = root.Find($"/virtio_mmio@{0x0A00_0000 + slot * 0x200:x}");
                Assert.NotNull(node);
                Assert.Equal(expected, node.Property("dma-coherent") != null);
            }
        }
        finally { File.Delete(dtb); }
    }
}
