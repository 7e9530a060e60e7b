using Arm64Vm.Host.DeviceTree;
using Arm64Vm.TestSupport;
using Xunit;

namespace Arm64Vm.Host.Tests.DeviceTree;

/// <summary>VIO-1: the 32 virtio-mmio nodes as QEMU 7.2 writes them (the whole-tree comparison is VirtBoardTreeTests).</summary>
public class VirtioTreeTests
{
    [Fact]
    public void Vio1_ThirtyTwoTransportsLowestAddressFirstEachOnItsEdgeTriggeredSpi()
    {
        var root = FdtReader.Read(VirtDeviceTree.Build(new BoardDescription())).Root;
        var nodes = root.Children.Where(n => n.Name.StartsWith("virtio_mmio@")).ToList();
        Assert.Equal(32, nodes.Count);
        for (int slot = 0; slot < 32; slot++)
        {
            ulong address = 0x0A00_0000UL + (ulong)slot * 0x200;
            Assert.Equal($"virtio_mmio@{address:x}", nodes[slot].Name);
            Assert.Equal(new[] { 0u, (uint)address, 0u, 0x200u }, nodes[slot].Property("reg")!.Cells());
            Assert.Equal(new[] { 0u, 16u + (uint)slot, 1u }, nodes[slot].Property("interrupts")!.Cells());
            Assert.Equal(new[] { "virtio,mmio" }, nodes[slot].Property("compatible")!.Strings());
            Assert.NotNull(nodes[slot].Property("dma-coherent"));
        }
    }

    [DtcFact]
    public void Vio1_WithoutDmaCoherentTheTreeDecompilesWithoutWarningsAndHasNoDmaCoherent()
    {
        var (code, source, warnings) = Dtc.Decompile(VirtDeviceTree.Build(new BoardDescription { VirtioDmaCoherent = false }));
        Assert.Equal(0, code);
        Assert.Equal("", warnings);
        Assert.Contains("virtio_mmio@a003e00 {", source);
        Assert.DoesNotContain("dma-coherent", source);
    }
}
