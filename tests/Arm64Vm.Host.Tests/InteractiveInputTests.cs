using Arm64Vm.Cpu;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Host.Tests.Kvm;
using Xunit;
using Gic = Arm64Vm.Host.Kvm.Vgic;

namespace Arm64Vm.Host.Tests;

/// <summary>DEV-1 (specs/interrupts.md): an open interactive input source keeps an all-idle guest waiting for a keystroke.</summary>
public class InteractiveInputTests
{
    private const uint Wfi = 0xD503207F, Hvc0 = 0xD4000002;

    /// <summary>X2 = the UART; WFI; W1 = UARTDR (the key); UARTDR = W1 (echo); PSCI SYSTEM_OFF.</summary>
    private static uint[] EchoOneKey() =>
        A64.Mov(2, VirtBoard.UartBase).Append(Wfi).Append(A64.LdrW(1, 2)).Append(A64.StrW(1, 2))
            .Concat(A64.Mov(0, Psci.SystemOff)).Append(Hvc0).ToArray();

    /// <summary>The UART's SPI (INTID 33) enabled in Group 1 and routed to vCPU 0, whose CPU interface takes it; UART RX interrupt unmasked.</summary>
    private static KvmRig Rig()
    {
        var rig = new KvmRig(EchoOneKey(), new VmmOptions { CacheModel = CacheModelKind.Off });
        void Write(ulong ipa, ulong v) =>
            Assert.True(rig.Vm.Vgic.HandleMmio(rig.Vcpu, new MmioAccess { Ipa = ipa, Length = 4, IsWrite = true, Data = v }));
        Write(Gic.RedistributorBase + 0x14, 0);                                 // GICR_WAKER: awake
        Write(Gic.DistributorBase + 0x0, 2);                                    // GICD_CTLR.EnableGrp1
        Write(Gic.DistributorBase + 0x84, 1u << 1);                             // GICD_IGROUPR1: INTID 33 in Group 1
        Write(Gic.DistributorBase + 0x104, 1u << 1);                            // GICD_ISENABLER1
        rig.Vm.Vgic.Cpus[0].WriteIcc(IccRegister.Pmr, 0xF0);
        rig.Vm.Vgic.Cpus[0].WriteIcc(IccRegister.Igrpen1, 1);
        rig.Vmm.Uart.Write(0x38, 4, Arm64Vm.Devices.Pl011Uart.RxInterrupt);    // UARTIMSC.RXIM
        return rig;
    }

    [Fact]
    public void Dev1_AKeystrokeArrivingWhileTheGuestWaitsWakesItThroughThePl011RxInterrupt()
    {
        using var rig = Rig();
        rig.Vmm.Input.Open();
        var feeder = new Thread(() =>
        {
            // The fake terminal types once the guest sleeps in WFI with nothing armed (bounded, so a bug cannot hang the test).
            for (int i = 0; i < 20_000 && !rig.Vcpu.WaitingForInterrupt; i++) Thread.Sleep(1);
            rig.Vmm.QueueInput((byte)'k');
        })
        { IsBackground = true };
        feeder.Start();
        var outcome = rig.Run(1_000_000);
        feeder.Join();
        Assert.Equal(StopReason.SystemOff, outcome.Reason);
        Assert.Equal("k", rig.Console.ToString());
    }

    [Fact]
    public void Dev1_WithoutAnOpenSourceTheIdleGuestEndsTheRunIdleAsBefore()
    {
        using var rig = Rig();
        var outcome = rig.Run(1_000_000);
        Assert.Equal(StopReason.Idle, outcome.Reason);
        Assert.Equal("", rig.Console.ToString());
    }

    [Fact]
    public void Dev1_ASourceThatReachesItsEndLetsTheIdleRunEnd()
    {
        using var rig = Rig();
        rig.Vmm.Input.Open();
        rig.Vmm.Input.Close();                                                  // stdin at end of file
        var outcome = rig.Run(1_000_000);
        Assert.Equal(StopReason.Idle, outcome.Reason);
    }
}
