using Arm64Vm.Memory;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// The table walkers on their own (Stage1Walker.cs, Stage2Walker.cs): they read only the registers of the
/// <see cref="TranslationRegime"/> they are given and return faults instead of taking them, so the PE whose memory
/// they read keeps its registers, its PC and its TLB.
/// </summary>
public class MmuWalkerTests
{
    private const ulong Va = 0x1234_5000, Pa = 0x4050_0000;

    private static (Stage1Walker S1, Stage2Walker S2) Walkers(MmuRig rig)
    {
        var s2 = new Stage2Walker(rig.Cpu.Memory, rig.Cpu.Index, rig.Cpu.Features);
        return (new Stage1Walker(rig.Cpu.Memory, rig.Cpu.Index, rig.Cpu.Features, s2), s2);
    }

    private static TranslationRegime Stage1Only(ulong ttbr0) =>
        new(SctlrEl1: 1 | (1UL << 2), TcrEl1: MmuRig.Tcr(12, 16), MairEl1: MmuRig.Mair, Ttbr0El1: ttbr0, Ttbr1El1: 0,
            Asid: 7, HcrEl2: 0, VtcrEl2: 0, VttbrEl2: 0);

    [Fact]
    public void Stage1Walk_UsesTheGivenRegimeNotThePes()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 48);
        t.MapPage(Va, Pa, Desc.Kernel | Desc.NG);
        var (s1, _) = Walkers(rig);
        var r = new TranslationResult();
        Assert.True(s1.Walk(Stage1Only(t.Root), Va | 0x123, ref r, out var data, out _, out _));
        Assert.Equal(Pa | 0x123, r.Pa);
        Assert.Equal((byte)3, r.Level);
        Assert.Equal((ushort)7, r.Asid);                                 // the regime's ASID
        Assert.False(r.Global);
        Assert.Equal(MemoryType.Normal, data.Type);                       // AttrIndx 0 of the regime's MAIR: Normal WB
        Assert.Equal(0UL, rig.Cpu.SysRegs.SctlrEl1 & 1);                  // the PE's MMU is still off
    }

    [Fact]
    public void Stage1Walk_ReturnsATranslationFaultAndTakesNothing()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 48);
        t.MapPage(Va, Pa, Desc.Kernel);
        var (s1, _) = Walkers(rig);
        ulong pc = rig.Cpu.Pc, fills = rig.Cpu.TlbFills;
        var r = new TranslationResult();
        Assert.False(s1.Walk(Stage1Only(t.Root), Va + 0x1000, ref r, out _, out _, out var fault));
        Assert.Equal(FaultStatus.Translation(3), fault.Fsc);
        Assert.False(fault.Stage2);
        Assert.Equal(pc, rig.Cpu.Pc);
        Assert.Equal(0UL, rig.Cpu.SysRegs.EsrEl1);
        Assert.Equal(0UL, rig.Cpu.SysRegs.FarEl1);
        Assert.Equal(fills, rig.Cpu.TlbFills);
    }

    [Fact]
    public void Stage1Walk_ATableStage2DoesNotMapIsAStage2FaultOnTheWalkWithItsIpa()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 48);
        t.MapPage(Va, Pa, Desc.Kernel);
        var s2Tables = rig.NewStage2(12, 40, 1);
        s2Tables.MapPage(Pa, Pa, Desc.S2Normal);                         // the data page only, not the table pool
        var (s1, _) = Walkers(rig);
        var regime = Stage1Only(t.Root) with
        {
            HcrEl2 = Hcr.VM,
            VtcrEl2 = MmuRig.Vtcr(12, 24, 1),
            VttbrEl2 = s2Tables.Root | (1UL << 48),
        };
        var r = new TranslationResult();
        Assert.False(s1.Walk(regime, Va, ref r, out _, out _, out var fault));
        Assert.True(fault.Stage2);
        Assert.True(fault.S1ptw);
        Assert.Equal(t.Root & ~0xFFFUL, fault.Ipa & ~0xFFFUL);            // the level-0 table's IPA
        Assert.Equal(FaultStatus.Translation(2), fault.Fsc);              // stage 2 maps no 2 MiB region of the pool
        Assert.Equal(ExitReason.None, rig.Cpu.PendingExit.Reason);        // no exit to the host was taken
    }

    [Fact]
    public void Stage2Walk_MapsAnIpaWithTheDescriptorsPermissionsAndAttributes()
    {
        using var rig = new MmuRig();
        var s2Tables = rig.NewStage2(12, 40, 1);
        s2Tables.MapPage(0x8000_0000, Pa, Desc.AF | Desc.MemAttr(0xF) | Desc.S2Ap(1) | Desc.XN);   // read-only, XN
        var (_, s2) = Walkers(rig);
        var regime = new TranslationRegime(0, 0, 0, 0, 0, 0, Hcr.VM, MmuRig.Vtcr(12, 24, 1), s2Tables.Root);
        Assert.True(s2.Walk(regime, 0x8000_0ABC, s1ptw: false, out var res, out _));
        Assert.Equal(Pa | 0xABC, res.Pa);
        Assert.Equal(TlbEntry.ReadEl0 | TlbEntry.ReadEl1, res.Perm);
        Assert.Equal(0xF, res.MemAttr);
        Assert.False(s2.Walk(regime, 0x8000_1000, s1ptw: true, out _, out var fault));
        Assert.Equal(new TranslationFault { Fsc = FaultStatus.Translation(3), Stage2 = true, S1ptw = true, Ipa = 0x8000_1000 }, fault);
    }
}
