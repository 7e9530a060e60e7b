using Arm64Vm.Memory;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// The <see cref="Mmu"/> type's own surface (Mmu/Mmu.cs): it owns the TLB the PE's inline paths probe, decodes the
/// operand of a TLBI (TLB-4), performs AT without the TLB, and translates without side effects for debuggers.
/// </summary>
public class MmuTypeTests
{
    private const ulong Va = 0x1_0000_0000, Pa1 = 0x4050_0000, Pa2 = 0x4051_0000;
    private const ulong ParPaMask = 0x0000_FFFF_FFFF_F000UL;

    private static ulong VaArg(ulong va) => (va >> 12) & 0xFFF_FFFF_FFFFUL;

    /// <summary>Stage 1 on (4 KiB granule, 48-bit VA) with Va mapped to Pa1 as kernel data.</summary>
    private static MmuRig RigWithVaAtPa1(out PageTableBuilder t)
    {
        var rig = new MmuRig();
        t = rig.NewStage1(12, 48);
        t.MapPage(Va, Pa1, Desc.Kernel);
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root);
        return rig;
    }

    [Fact]
    public void TLB_1_TheMmuOwnsTheTlbThePeProbesAndItsFlushEmptiesIt()
    {
        using var rig = RigWithVaAtPa1(out _);
        var cpu = rig.Cpu;
        Assert.Same(cpu.Tlb, cpu.Mmu.Tlb);
        rig.Ram.WriteRaw(Pa1, 8, 0x1111);
        ulong fills = cpu.Mmu.Tlb.Fills;
        Assert.Equal(0x1111UL, rig.TryRead(Va));
        Assert.Equal(fills + 1, cpu.Mmu.Tlb.Fills);                       // the PE's miss filled the MMU's TLB
        Assert.Contains(cpu.TlbEntries, e => e.IsValid && e.Page == Va);
        cpu.Mmu.FlushTlb();
        Assert.DoesNotContain(cpu.TlbEntries, e => e.IsValid);
        Assert.Equal(0x1111UL, rig.TryRead(Va));
        Assert.Equal(fills + 2, cpu.Mmu.Tlb.Fills);                       // ... and the next access walks again
    }

    /// <summary>One case of the TLBI operand property: the operand, the scope, and the entries' tags.</summary>
    public sealed record TlbiCase(TlbiScope Scope, ulong Xt, bool Asid16, bool Global, bool AsidMatches, ushort OtherAsid,
        ulong TopByte, bool Stage2, int VaBit, int IpaBit);

    private static Gen<TlbiCase> TlbiCases() =>
        from scope in Gen.Elements(TlbiScope.All, TlbiScope.Asid, TlbiScope.Va, TlbiScope.VaAllAsids, TlbiScope.Ipa)
        from xt in CacheModelSnapshot.Word
        from asid16 in Gen.Elements(false, true)
        from global in Gen.Elements(false, true)
        from asidMatches in Gen.Elements(false, true)
        from other in Gen.Choose(0, 0xFFFF)
        from top in Gen.Choose(0, 0xFF)
        from stage2 in Gen.Elements(false, true)
        from vaBit in Gen.Choose(12, 55)
        from ipaBit in Gen.Choose(12, 47)
        select new TlbiCase(scope, xt, asid16, global, asidMatches, (ushort)other, (ulong)top, stage2, vaBit, ipaBit);

    /// <summary>
    /// TLB-4 on the MMU itself, for any 64-bit operand: the VA is Xt[43:0] as VA[55:12] (the top byte never compared),
    /// the ASID Xt[63:48] at the width TCR_EL1.AS selects, the IPA Xt[35:0] as IPA[47:12]. An entry made for exactly
    /// that VA and IPA is removed as the scope says; one whose VA differs in one bit of [55:12] and whose IPA differs in
    /// one bit of [47:12] is removed only by the scopes that do not name an address.
    /// </summary>
    [Fact]
    public void TLB_4_TheMmuDecodesTheTlbiOperandOfAnyXtAndRemovesWhatTheScopeNames()
    {
        using var h = new CpuHarness();
        var cpu = h.Cpu;
        Prop.ForAll(Arb.From(TlbiCases()), c =>
        {
            cpu.SysRegs.TcrEl1 = c.Asid16 ? 1UL << 36 : 0;
            cpu.Mmu.FlushTlb();
            ushort selected = (ushort)((c.Xt >> 48) & (c.Asid16 ? 0xFFFFUL : 0xFFUL));
            ushort asid = c.AsidMatches ? selected : c.OtherAsid;
            ulong va = (c.TopByte << 56) | ((c.Xt & 0xFFF_FFFF_FFFFUL) << 12);
            ulong ipa = (c.Xt & 0xF_FFFF_FFFFUL) << 12;
            ulong otherVa = va ^ (1UL << c.VaBit), otherIpa = ipa ^ (1UL << c.IpaBit);
            Fill(cpu, va, ipa, asid, c.Global, c.Stage2);
            Fill(cpu, otherVa, otherIpa, asid, c.Global, c.Stage2);

            cpu.Mmu.ExecuteTlbi(c.Scope, c.Xt, innerShareable: false);

            bool asidRemoves = !c.Global && asid == selected;
            bool exactRemoved = c.Scope switch
            {
                TlbiScope.All => true,
                TlbiScope.Asid => asidRemoves,
                TlbiScope.Va => c.Global || asid == selected,
                TlbiScope.VaAllAsids => true,
                _ => c.Stage2,
            };
            bool otherRemoved = c.Scope == TlbiScope.All || (c.Scope == TlbiScope.Asid && asidRemoves);
            Assert.Equal(!exactRemoved, Holds(cpu, va));
            Assert.Equal(!otherRemoved, Holds(cpu, otherVa));
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>Fills a 4 KiB entry of the current VMID straight into the MMU's TLB (stage-2 4 KiB mapping if <paramref name="stage2"/>).</summary>
    private static void Fill(CpuCore cpu, ulong va, ulong ipa, ushort asid, bool global, bool stage2)
    {
        var r = new TranslationResult
        {
            Pa = ipa,
            Ipa = ipa,
            Perm = TlbEntry.ReadEl1,
            Stage1Perm = TlbEntry.ReadEl1,
            Global = global,
            Stage1 = true,
            Asid = asid,
            Vmid = cpu.Mmu.CurrentVmid,
            BlockShift = 12,
            Level = 3,
            S2BlockShift = (byte)(stage2 ? 12 : 63),
            S2Level = 3,
        };
        cpu.Mmu.Tlb.Fill(va & ~0xFFFUL, in r, fast: 0, hostOffset: 0);
    }

    private static bool Holds(CpuCore cpu, ulong va) => cpu.TlbEntries.Any(e => e.IsValid && e.Page == (va & ~0xFFFUL));

    [Fact]
    public void AT_WalksTheTablesThroughTheMmuAndNeitherUsesNorFillsTheTlb()
    {
        using var rig = RigWithVaAtPa1(out var t);
        var cpu = rig.Cpu;
        rig.Ram.WriteRaw(Pa1, 8, 1);
        rig.Ram.WriteRaw(Pa2, 8, 2);
        Assert.Equal(1UL, rig.TryRead(Va));
        t.MapPage(Va, Pa2, Desc.Kernel);                                  // remapped without maintenance
        ulong fills = cpu.TlbFills, taken = cpu.ExceptionsTaken, next = cpu.NextPc;

        cpu.Mmu.ExecuteAtStage1(Va + 0x18, write: false, el: 1);          // AT S1E1R
        Assert.Equal(Pa2, cpu.SysRegs.ParEl1 & ParPaMask);                // the tables, not the stale entry
        Assert.Equal(0UL, cpu.SysRegs.ParEl1 & 1);
        ulong par = cpu.Mmu.AtS12(Va, write: true, el: 1);                // AT S12E1W (no stage 2: stage 1 alone)
        Assert.Equal(par, cpu.SysRegs.ParEl1);
        Assert.Equal(Pa2, par & ParPaMask);
        par = cpu.Mmu.AtS12(Va, write: false, el: 0);                     // EL0 has no access: reported, not taken
        Assert.Equal(1UL | (FaultStatus.Permission(3) << 1), par & 0x7F);
        Assert.Equal(par, cpu.SysRegs.ParEl1);

        Assert.Equal(fills, cpu.TlbFills);                                // nothing filled
        Assert.Equal(taken, cpu.ExceptionsTaken);                         // nothing taken
        Assert.Equal(next, cpu.NextPc);
        Assert.Equal(1UL, rig.TryRead(Va));                               // the TLB still holds the old translation
        cpu.Mmu.ExecuteTlbi(TlbiScope.VaAllAsids, VaArg(Va), innerShareable: false);
        Assert.Equal(2UL, rig.TryRead(Va));
    }

    [Fact]
    public void Probe_Stage1NoFaultGivesTheIpaAndStage1AttributesAndLeavesTheGuestAsItWas()
    {
        using var rig = new MmuRig();
        const ulong Ipa = 0x4050_0000, Pa = 0x4060_0000, Unmapped = 0x1_0000_5000, WalkFaults = 0x2_0000_0000;
        var t = rig.NewStage1(12, 48);
        t.MapPage(Va, Ipa, Desc.AF | Desc.AttrIndx(1));                    // Device-nGnRnE at stage 1
        t.SetEntry(WalkFaults, 2, 0x4800_0000UL | Desc.Table);             // a level-3 table at an IPA stage 2 does not map
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root);
        var s2 = MmuStage2Tests.S2Identity(rig);
        s2.MapPage(Ipa, Pa, Desc.S2Normal);                                // the IPA is not the PA
        rig.Cpu.FlushTlb();
        var cpu = rig.Cpu;
        ulong fills = cpu.TlbFills, taken = cpu.ExceptionsTaken, next = cpu.NextPc, par = cpu.SysRegs.ParEl1;
        var exit = cpu.PendingExit;

        Assert.True(cpu.Mmu.TryTranslateStage1NoFault(Va + 0x123, AccessKind.Read, 1, out ulong ipa));
        Assert.Equal(Ipa + 0x123, ipa);
        Assert.True(cpu.Mmu.TryTranslateStage1NoFault(Va + 0x8, AccessKind.Read, 1, out ipa, out var s1Attributes));
        Assert.Equal(Ipa + 0x8, ipa);
        Assert.True(s1Attributes.IsDevice);
        Assert.True(cpu.TryTranslateNoFault(Va + 0x123, AccessKind.Read, 1, out ulong pa, out _));
        Assert.Equal(Pa + 0x123, pa);                                      // both stages

        Assert.False(cpu.Mmu.TryTranslateStage1NoFault(Unmapped, AccessKind.Read, 1, out ipa));
        Assert.Equal(0UL, ipa);
        Assert.False(cpu.Mmu.TryTranslateStage1NoFault(WalkFaults, AccessKind.Read, 1, out ipa, out s1Attributes));
        Assert.Equal(default, s1Attributes);
        Assert.Equal(exit, cpu.PendingExit);                               // the stage-2 fault on the walk: no exit
        Assert.Equal(fills, cpu.TlbFills);
        Assert.Equal(taken, cpu.ExceptionsTaken);
        Assert.Equal(next, cpu.NextPc);
        Assert.Equal(par, cpu.SysRegs.ParEl1);

        Assert.Null(rig.TryRead(WalkFaults));                              // the same walk from a real access exits
        Assert.Equal(ExitReason.Stage2Abort, cpu.PendingExit.Reason);
        Assert.NotEqual(0u, cpu.PendingExit.Iss & (1u << 7));              // S1PTW
    }
}
