using Arm64Vm.Cpu;
using Arm64Vm.Host.Images;
using Arm64Vm.Host.Kvm;
using Xunit;

namespace Arm64Vm.Host.Tests.Debug;

/// <summary>HOSTDBG-4 (specs/debug.md): a host-debug stop on a vCPU's CPU leaves Vcpu.Run as DebugStop and Vmm.Run as StopReason.DebugStop.</summary>
public class HostDebugStopTests
{
    /// <summary>add x0, x0, #1 four times, then b . (the image's entry is its first word).</summary>
    private static Vmm Counting()
    {
        var words = new uint[] { 0x91000400, 0x91000400, 0x91000400, 0x91000400, 0x14000000 };
        var bytes = words.SelectMany(BitConverter.GetBytes).ToArray();
        var vmm = new Vmm(new VmmOptions { CacheModel = CacheModelKind.Off }, new[] { ImageLoader.Parse("count.bin", bytes) });
        vmm.Boot();
        return vmm;
    }

    [Fact]
    public void HOSTDBG4_BreakpointStopsTheRunWithTheVcpuKindAndAddressAndTheRunResumesPastIt()
    {
        using var vmm = Counting();
        var vcpu = vmm.Vcpus[0];
        ulong entry = vcpu.Pc;
        ulong x0 = vcpu.Cpu.X(0);
        vcpu.Cpu.AddHostBreakpoint(entry + 8);
        var outcome = vmm.Run(1_000);
        Assert.Equal(StopReason.DebugStop, outcome.Reason);
        Assert.Equal(new DebugStop(0, DebugStopKind.Breakpoint, entry + 8), outcome.Debug);
        Assert.Equal(entry + 8, vcpu.Pc);
        Assert.Equal(x0 + 2, vcpu.Cpu.X(0));
        // The same count as a run without the breakpoint to the same PC: the run counts the first fetch's stage-2
        // fault as an attempt, which does not retire (CPU-RET-1).
        using var reference = Counting();
        while (reference.Vcpus[0].Pc != entry + 8) reference.Run(1);
        Assert.Equal(reference.Vcpus[0].Cpu.Executed, outcome.Instructions);
        Assert.Equal(2UL, vcpu.Cpu.Retired);
        Assert.Equal(1UL, vcpu.Cpu.Unretired);
        vcpu.Cpu.RemoveHostBreakpoint(entry + 8);
        Assert.Equal(StopReason.InstructionLimit, vmm.Run(100).Reason);
        Assert.Equal(x0 + 4, vcpu.Cpu.X(0));
    }

    [Fact]
    public void HOSTDBG4_VcpuRunReportsKvmExitDebug()
    {
        using var vmm = Counting();
        var vcpu = vmm.Vcpus[0];
        vcpu.Cpu.HostSingleStep = true;
        var exit = vcpu.Run(1_000);
        Assert.Equal(VcpuExitReason.DebugStop, exit.Reason);
        Assert.Equal(new DebugStopInfo(DebugStopKind.Step, vcpu.Pc), exit.Debug);
        Assert.Equal(1UL, exit.Instructions);
    }
}
