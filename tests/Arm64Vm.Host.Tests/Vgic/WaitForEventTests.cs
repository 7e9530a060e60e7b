using Arm64Vm.Host.Kvm;
using Arm64Vm.Host.Tests.Kvm;
using Xunit;

namespace Arm64Vm.Host.Tests.Interrupts;

/// <summary>IRQ-5 and IRQ-6 (specs/interrupts.md): WFE and PSCI CPU_SUSPEND block the vCPU until a wake-up event.</summary>
public class WaitForEventTests
{
    private const uint Wfe = 0xD503205F, Hvc0 = 0xD4000002;
    private const uint CmpX5Imm10 = 0xF10028BF;              // SUBS XZR, X5, #10
    private static uint BneBack(int words) => 0x54000001u | (((uint)-words & 0x7FFFF) << 5);
    /// <summary>MSR CNTKCTL_EL1, Xt.</summary>
    private static uint MsrCntkctl(int rt) => 0xD5180000u | (14u << 12) | (1u << 8) | (uint)rt;

    private static VmmOptions Options => new() { CacheModel = CacheModelKind.Off };

    /// <summary>CNTKCTL_EL1 = <paramref name="cntkctl"/>; ten WFEs counted in X5 (SYSTEM_OFF zeroes X1-X3); PSCI SYSTEM_OFF.</summary>
    private static uint[] TenWfes(ulong cntkctl) =>
        A64.Mov(0, cntkctl).Concat(new[] { MsrCntkctl(0), A64.Movz(5, 0), Wfe, A64.AddImm(5, 5, 1), CmpX5Imm10, BneBack(3) })
            .Concat(A64.Mov(0, Psci.SystemOff)).Append(Hvc0).ToArray();

    [Fact]
    public void Irq5_WfeWithTheEventStreamWakesAtEachEventAndTimeSkipsToIt()
    {
        // EVNTEN, EVNTDIR 0, EVNTI 6: an event every 128 ticks of CNTVCT.
        using var rig = new KvmRig(TenWfes(1 << 2 | 6 << 4), Options);
        var outcome = rig.Run(1_000_000);
        Assert.Equal(StopReason.SystemOff, outcome.Reason);
        Assert.Equal(10UL, rig.Vcpu.Cpu.X(5));
        Assert.True(outcome.Instructions < 200, $"{outcome.Instructions} instructions: WFE spun instead of waiting");
        Assert.True(rig.Vmm.Machine.CpuSystem.SystemCounter() >= 8 * 128, "virtual time skipped to the events");
    }

    [Fact]
    public void Irq5_WfeWithoutTheEventStreamAndNothingToWakeItEndsTheRunIdle()
    {
        using var rig = new KvmRig(TenWfes(0), Options);
        var outcome = rig.Run(1_000_000);
        Assert.Equal(StopReason.Idle, outcome.Reason);
        Assert.True(rig.Vcpu.Cpu.X(5) <= 1, $"X5 = {rig.Vcpu.Cpu.X(5)}: WFE completed without an event");
    }

    [Fact]
    public void Irq5_WfeBlocksUntilAnotherPeSignalsSev()
    {
        using var rig = new KvmRig(new[] { Wfe, Wfe, A64.AddImm(2, 2, 1), A64.B(0) }, Options);
        rig.Vcpu.Cpu.EventRegister = false;
        var first = rig.Vcpu.Run(100);
        Assert.Equal(VcpuExitReason.Idle, first.Reason);
        Assert.True(rig.Vcpu.WaitingForEvent);
        var blocked = rig.Vcpu.Run(100);
        Assert.Equal(VcpuExitReason.Idle, blocked.Reason);
        Assert.Equal(0UL, blocked.Instructions);
        rig.Vmm.Machine.CpuSystem.SendEvent();                   // what SEV on another PE does
        var woken = rig.Vcpu.Run(100);
        Assert.Equal(VcpuExitReason.InstructionLimit, woken.Reason);
        Assert.False(rig.Vcpu.WaitingForEvent);
        Assert.True(rig.Vcpu.Cpu.X(2) > 0);
    }

    [Fact]
    public void Irq6_CpuSuspendBlocksLikeWfiUntilAnInterrupt()
    {
        // CPU_SUSPEND (standby), then X2 = 1 and SYSTEM_OFF: with nothing to wake it the vCPU never returns from the call.
        var program = A64.Mov(0, Psci.CpuSuspend64).Append(Hvc0).Append(A64.Movz(2, 1))
            .Concat(A64.Mov(0, Psci.SystemOff)).Append(Hvc0).ToArray();
        using var rig = new KvmRig(program, Options);
        var outcome = rig.Run(1_000_000);
        Assert.Equal(StopReason.Idle, outcome.Reason);
        Assert.True(rig.Vcpu.WaitingForInterrupt);
        Assert.Equal(0UL, rig.Vcpu.Cpu.X(2));
    }
}
