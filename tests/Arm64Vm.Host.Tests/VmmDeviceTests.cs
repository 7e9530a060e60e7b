using Arm64Vm.Host.Images;
using Xunit;

namespace Arm64Vm.Host.Tests;

/// <summary>The VMM's board devices: the PL011 and PL031 on the MMIO bus, terminal input handed over at quantum boundaries.</summary>
public class VmmDeviceTests
{
    private static Vmm Spinning(VmmOptions? options = null)
    {
        var spin = new byte[] { 0x00, 0x00, 0x00, 0x14 };   // b .
        var vmm = new Vmm(options ?? new VmmOptions { CacheModel = CacheModelKind.Off }, new[] { ImageLoader.Parse("spin.bin", spin) });
        vmm.Boot();
        return vmm;
    }

    [Fact]
    public void UartAndRtcSitWhereTheDeviceTreeSaysTheyAre()
    {
        using var vmm = Spinning();
        Assert.Same(vmm.Uart, vmm.Devices.Find(0x0900_0000)!.Device);
        Assert.Same(vmm.Rtc, vmm.Devices.Find(0x0901_0FFC)!.Device);
        Assert.Null(vmm.Devices.Find(0x0902_0000));
    }

    [Fact]
    public void QueuedInputReachesTheUartAtTheNextQuantumBoundaryAsFarAsItsFifoTakes()
    {
        using var vmm = Spinning();
        foreach (byte b in "ab"u8) vmm.QueueInput(b);
        Assert.Equal(1UL << 4, vmm.Uart.Read(0x018, 4) & (1UL << 4));   // RXFE: nothing yet
        vmm.Run(1);
        Assert.Equal((ulong)'a', vmm.Uart.Read(0x000, 4));               // one byte: the FIFO is off (LCR_H.FEN = 0)
        Assert.Equal(1UL << 4, vmm.Uart.Read(0x018, 4) & (1UL << 4));
        vmm.Run(1);
        Assert.Equal((ulong)'b', vmm.Uart.Read(0x000, 4));               // the second waited, nothing lost
    }

    [Fact]
    public void RtcCountsVirtualSecondsFromTheFixedEpoch()
    {
        using var vmm = Spinning();
        Assert.Equal(Vmm.VirtualEpoch, vmm.Rtc.Read(0x000, 4));
        vmm.Run(100_000);
        Assert.Equal(Vmm.VirtualEpoch + vmm.Machine.CpuSystem.SystemCounter() / Arm64Vm.Cpu.CpuSystem.CounterFrequency, vmm.Rtc.Read(0x000, 4));
    }

    [Fact]
    public void RtcFollowsTheHostClockWithClockHost()
    {
        using var vmm = Spinning(new VmmOptions { CacheModel = CacheModelKind.Off, Clock = ClockSource.Host });
        ulong before = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        ulong read = vmm.Rtc.Read(0x000, 4);
        ulong after = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(read, before, after);
    }

    [Fact]
    public void GicV2WithMoreThanEightCpusIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => new Vmm(new VmmOptions { GicVersion = 2, Cpus = 9 }, new[] { ImageLoader.Parse("a.bin", new byte[4]) }));
        Assert.Contains("GICv2 supports at most 8 CPUs", e.Message);
    }
}
