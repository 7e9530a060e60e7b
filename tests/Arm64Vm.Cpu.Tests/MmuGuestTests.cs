using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>End-to-end: guest programs that turn the MMU on themselves and loads that fault at stage 2 in the run loop.</summary>
public class MmuGuestTests
{
    [Fact]
    public void GuestEnablesTheMmu_ThenLoadsAndStoresThroughItsTables()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 48);
        rig.IdentityMapRam(t, 2);
        ulong va = 0x7F00_0000;
        t.MapPage(va, 0x4050_0000, Desc.Kernel);
        rig.Ram.WriteRaw(0x4050_0000, 8, 0x0123_4567_89AB_CDEF);
        var c = rig.Cpu;
        c.SetX(2, va);
        c.SetX(3, MmuRig.Mair);
        c.SetX(4, MmuRig.Tcr(12, 16));
        c.SetX(5, t.Root);
        c.SetX(6, SystemRegisterTable.SctlrRes1 | 1 | (1UL << 2) | (1UL << 12));
        rig.H.Run(0xD518A203, 0xD5182044, 0xD5182005, 0xD5033FDF,   // msr mair_el1, x3; msr tcr_el1, x4; msr ttbr0_el1, x5; isb
                  0xD5181006, 0xD5033FDF,                            // msr sctlr_el1, x6; isb
                  0xF9400041, 0xF9000441, 0x39404047);               // ldr x1, [x2]; str x1, [x2, #8]; ldrb w7, [x2, #16]
        Assert.True(rig.H.StoppedCleanly);
        Assert.Equal(0x0123_4567_89AB_CDEFUL, c.X(1));
        Assert.Equal(0x0123_4567_89AB_CDEFUL, rig.Ram.ReadRaw(0x4050_0008, 8));
        Assert.True(c.Mmu.Stage1Enabled);
    }

    [Fact]
    public void LoadHittingAStage2Hole_ExitsWithTheSyndromeOfTheExecutingInstruction()
    {
        using var rig = new MmuRig();
        MmuStage2Tests.S2Identity(rig);
        var c = rig.Cpu;
        c.SetX(1, 0x55);
        c.SetX(2, 0x4200_0010);
        rig.H.Load(CpuHarness.CodeBase, 0xD503201F, 0x39404047, CpuHarness.Stop);   // nop; ldrb w7, [x2, #16]
        c.Pc = CpuHarness.CodeBase;
        var exit = rig.H.RunUntilStop(10);
        Assert.Equal(ExitReason.Stage2Abort, exit.Reason);
        Assert.Equal(ExceptionClass.DataAbortLowerEl, exit.ExceptionClass);
        // ISV, SAS = byte, SRT = 7, SF = 0, DFSC = level-2 translation fault.
        Assert.Equal((1u << 24) | (7u << 16) | FaultStatus.Translation(2), exit.Iss);
        Assert.Equal(0x4200_0020UL, exit.Far);
        Assert.Equal((0x4200_0020UL >> 12) << 4, exit.Hpfar);
        Assert.Equal(CpuHarness.CodeBase + 4, c.ExitReturnPc);
        Assert.Equal(CpuHarness.CodeBase + 4, c.Pc);
        Assert.Equal(0UL, c.X(7));
    }
}
