using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>AT S1E1R/W, S1E0R/W from the guest, AT S12E* from the host, and PAR_EL1 (Arm ARM D24.2.105).</summary>
public class MmuAtTests
{
    private const uint AtS1e1r = 0xD5087800, AtS1e0w = 0xD5087860;   // at s1e1r, x0 / at s1e0w, x0
    private const ulong Res1 = 1UL << 11, Ns = 1UL << 9;

    private static ulong RunAt(MmuRig rig, uint at, ulong va)
    {
        rig.Cpu.SetX(0, va);
        rig.H.Run(at);
        Assert.True(rig.H.StoppedCleanly);
        return rig.Cpu.SysRegs.ParEl1;
    }

    private static PageTableBuilder Setup(MmuRig rig)
    {
        var t = rig.NewStage1(12, 48);
        rig.IdentityMapRam(t, 2);
        t.MapPage(0x1_0000_0000, 0x4050_0000, Desc.Kernel);                       // Normal WB ISH
        t.MapPage(0x1_0000_1000, 0x4051_0000, Desc.AF | Desc.AttrIndx(1));          // Device-nGnRnE
        t.MapPage(0x1_0000_2000, 0x4052_0000, Desc.AF | Desc.AttrIndx(4) | Desc.Sh(2) | Desc.Ap(1)); // WT RA, OSH, EL0 RW
        t.MapPage(0x1_0000_3000, 0x4053_0000, Desc.Kernel & ~Desc.AF);
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root);
        return t;
    }

    [Fact]
    public void Success_ReportsPaAttrAndShareability()
    {
        using var rig = new MmuRig();
        Setup(rig);
        Assert.Equal(0x4050_0000UL | 0xFFUL << 56 | 3UL << 7 | Ns | Res1, RunAt(rig, AtS1e1r, 0x1_0000_0ABC));
        Assert.Equal(0x4051_0000UL | 0x00UL << 56 | 2UL << 7 | Ns | Res1, RunAt(rig, AtS1e1r, 0x1_0000_1000));
        Assert.Equal(0x4052_0000UL | 0xAAUL << 56 | 2UL << 7 | Ns | Res1, RunAt(rig, AtS1e0w, 0x1_0000_2008));
    }

    [Fact]
    public void Faults_AreReportedInPar_WithoutTakingAnException()
    {
        using var rig = new MmuRig();
        Setup(rig);
        ulong taken = rig.Cpu.ExceptionsTaken;
        Assert.Equal(1UL | (FaultStatus.Permission(3) << 1) | Res1, RunAt(rig, AtS1e0w, 0x1_0000_0000));
        Assert.Equal(1UL | (FaultStatus.AccessFlag(3) << 1) | Res1, RunAt(rig, AtS1e1r, 0x1_0000_3000));
        Assert.Equal(1UL | (FaultStatus.Translation(3) << 1) | Res1, RunAt(rig, AtS1e1r, 0x1_0000_4000));
        Assert.Equal(1UL | (FaultStatus.Translation(0) << 1) | Res1, RunAt(rig, AtS1e1r, 0x0001_0000_0000_0000UL));
        Assert.Equal(taken + 4, rig.Cpu.ExceptionsTaken);               // only the four stop BRKs
    }

    [Fact]
    public void MmuOff_ReportsTheFlatMappingAsDevice()
    {
        using var rig = new MmuRig();
        Assert.Equal(0x4050_0000UL | 2UL << 7 | Ns | Res1, RunAt(rig, AtS1e1r, 0x4050_0123));
    }

    [Fact]
    public void Stage1AtWithStage2_ReportsTheIpa_AndAStage2WalkFaultExitsWithCm()
    {
        using var rig = new MmuRig();
        var s2 = MmuStage2Tests.S2Identity(rig);
        var t = Setup(rig);
        s2.MapPage(0x4050_0000, 0x4058_0000, Desc.S2Normal);            // IPA 0x4050_0000 lives at PA 0x4058_0000
        rig.Cpu.FlushTlb();
        Assert.Equal(0x4050_0000UL, RunAt(rig, AtS1e1r, 0x1_0000_0000) & 0xFFFF_FFFF_F000UL);
        Assert.Equal(0x4058_0000UL, rig.Cpu.Mmu.AtS12(0x1_0000_0000, write: false, el: 1) & 0xFFFF_FFFF_F000UL);
        // Host AT S12E1R: a stage-2 fault on the final IPA is reported with S = 1.
        s2.SetEntry(0x4050_0000, 3, 0);
        rig.Cpu.FlushTlb();
        Assert.Equal(1UL | (FaultStatus.Translation(3) << 1) | (1UL << 9) | Res1, rig.Cpu.Mmu.AtS12(0x1_0000_0000, false, 1));
        // A stage-2 fault on the stage-1 walk: S = 1 and PTW = 1 for S12; an exit to EL2 for the guest's S1E1R.
        ulong l3 = t.EntryAddress(0x1_0000_0000, 3) & ~0xFFFUL;
        s2.SetEntry(l3, 3, 0);
        rig.Cpu.FlushTlb();
        Assert.Equal(1UL | (FaultStatus.Translation(3) << 1) | (1UL << 8) | (1UL << 9) | Res1, rig.Cpu.Mmu.AtS12(0x1_0000_0000, false, 1));
        ulong parBefore = rig.Cpu.SysRegs.ParEl1;
        rig.Cpu.SetX(0, 0x1_0000_0000);
        rig.H.Load(CpuHarness.CodeBase, AtS1e1r, CpuHarness.Stop);
        rig.Cpu.Pc = CpuHarness.CodeBase;
        var exit = rig.H.RunUntilStop(10);
        Assert.Equal(ExitReason.Stage2Abort, exit.Reason);
        Assert.Equal(ExceptionClass.DataAbortLowerEl, exit.ExceptionClass);
        Assert.Equal((1u << 8) | (1u << 7) | (1u << 6) | FaultStatus.Translation(3), exit.Iss);   // CM, S1PTW, WnR
        Assert.Equal(l3, exit.Ipa);
        Assert.Equal(0x1_0000_0000UL, exit.Far);
        Assert.Equal(CpuHarness.CodeBase, rig.Cpu.ExitReturnPc);
        Assert.Equal(parBefore, rig.Cpu.SysRegs.ParEl1);
    }
}
