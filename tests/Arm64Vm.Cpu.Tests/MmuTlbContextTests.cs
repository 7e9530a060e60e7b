using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// The TLB's ASID/VMID tagging (TlbContext.cs): TTBR/TCR writes and ASID or VMID switches never flush, parked entries
/// of another context come back with it and stay subject to TLBI, and a translation removed by TLBI is never used
/// again. Also the 2-way sets, the set hash and fast writes on pages that become code.
/// </summary>
public class MmuTlbContextTests
{
    private const ulong Pa1 = 0x4050_0000, Pa2 = 0x4051_0000, Pa3 = 0x4052_0000;
    private const ulong Va = 0x30_0000;
    private static readonly SysRegDef Ttbr0 = SystemRegisterTable.ByName("TTBR0_EL1");
    private static readonly SysRegDef Ttbr1 = SystemRegisterTable.ByName("TTBR1_EL1");
    private static readonly SysRegDef TcrDef = SystemRegisterTable.ByName("TCR_EL1");

    private static ulong VaArg(ulong va, ulong asid = 0) => ((va >> 12) & 0xFFF_FFFF_FFFFUL) | (asid << 48);

    /// <summary>Two address spaces mapping <see cref="Va"/> (nG) to Pa1 (table A) and Pa2 (table B).</summary>
    private static (PageTableBuilder A, PageTableBuilder B) TwoSpaces(MmuRig rig)
    {
        rig.Ram.WriteRaw(Pa1, 8, 1);
        rig.Ram.WriteRaw(Pa2, 8, 2);
        rig.Ram.WriteRaw(Pa3, 8, 3);
        var a = rig.NewStage1(12, 48);
        var b = rig.NewStage1(12, 48);
        a.MapPage(Va, Pa1, Desc.Kernel | Desc.NG);
        b.MapPage(Va, Pa2, Desc.Kernel | Desc.NG);
        rig.EnableStage1(MmuRig.Tcr(12, 16), a.Root | (1UL << 48));
        return (a, b);
    }

    private static void Msr(CpuCore cpu, SysRegDef def, ulong value) => cpu.SysRegs.Write(def, value);

    [Fact]
    public void SwitchingAsid_KeepsTheOtherAsidsEntries()
    {
        using var rig = new MmuRig();
        var (a, b) = TwoSpaces(rig);
        var cpu = rig.Cpu;
        Assert.Equal(1UL, rig.TryRead(Va));
        Msr(cpu, Ttbr0, b.Root | (2UL << 48));
        Assert.Equal(2UL, rig.TryRead(Va));                              // ASID 2 never uses ASID 1's nG entry
        ulong fills = cpu.TlbFills;
        Msr(cpu, Ttbr0, a.Root | (1UL << 48));
        Assert.Equal(1UL, rig.TryRead(Va));
        Assert.Equal(fills, cpu.TlbFills);                               // ASID 1's entry survived the two switches
        a.MapPage(Va, Pa3, Desc.Kernel | Desc.NG);                       // changed without maintenance
        Msr(cpu, Ttbr0, b.Root | (2UL << 48));
        Msr(cpu, Ttbr0, a.Root | (1UL << 48));
        Assert.Equal(1UL, rig.TryRead(Va));                              // still the cached translation
        Assert.True(cpu.Tlb.ContextSwitches >= 4);
    }

    [Theory]
    [InlineData(TlbiScope.Asid)]
    [InlineData(TlbiScope.Va)]
    [InlineData(TlbiScope.VaAllAsids)]
    [InlineData(TlbiScope.All)]
    public void TlbiWhileTheAsidIsInactive_RemovesItsParkedEntries(TlbiScope scope)
    {
        using var rig = new MmuRig();
        var (a, b) = TwoSpaces(rig);
        var cpu = rig.Cpu;
        Assert.Equal(1UL, rig.TryRead(Va));
        Msr(cpu, Ttbr0, b.Root | (2UL << 48));
        Assert.Equal(2UL, rig.TryRead(Va));
        a.MapPage(Va, Pa3, Desc.Kernel | Desc.NG);
        cpu.Mmu.ExecuteTlbi(scope, scope == TlbiScope.Asid ? 1UL << 48 : VaArg(Va, 1), innerShareable: false);
        Msr(cpu, Ttbr0, a.Root | (1UL << 48));
        Assert.Equal(3UL, rig.TryRead(Va));
    }

    [Fact]
    public void TlbiOfAnotherAsid_LeavesTheParkedEntry()
    {
        using var rig = new MmuRig();
        var (a, b) = TwoSpaces(rig);
        var cpu = rig.Cpu;
        Assert.Equal(1UL, rig.TryRead(Va));
        Msr(cpu, Ttbr0, b.Root | (2UL << 48));
        cpu.Mmu.ExecuteTlbi(TlbiScope.Asid, 2UL << 48, innerShareable: false);
        cpu.Mmu.ExecuteTlbi(TlbiScope.Va, VaArg(Va, 2), innerShareable: false);
        ulong fills = cpu.TlbFills;
        Msr(cpu, Ttbr0, a.Root | (1UL << 48));
        Assert.Equal(1UL, rig.TryRead(Va));
        Assert.Equal(fills, cpu.TlbFills);
    }

    [Fact]
    public void TtbrWriteWithTheSameAsid_DoesNotFlush()
    {
        using var rig = new MmuRig();
        var (_, b) = TwoSpaces(rig);
        var cpu = rig.Cpu;
        Assert.Equal(1UL, rig.TryRead(Va));
        ulong fills = cpu.TlbFills, switches = cpu.Tlb.ContextSwitches;
        Msr(cpu, Ttbr0, b.Root | (1UL << 48));                         // new tables, same ASID, no TLBI
        Assert.Equal(1UL, rig.TryRead(Va));                              // the TLB may (and here does) keep the old entry
        Assert.Equal(fills, cpu.TlbFills);
        Assert.Equal(switches, cpu.Tlb.ContextSwitches);
        cpu.Mmu.ExecuteTlbi(TlbiScope.All, 0, innerShareable: false);        // TLBI VMALLE1
        Assert.Equal(2UL, rig.TryRead(Va));
    }

    [Fact]
    public void TcrWrite_DoesNotFlush_ButA1MovesTheAsidToTtbr1()
    {
        using var rig = new MmuRig();
        var (a, _) = TwoSpaces(rig);
        var cpu = rig.Cpu;
        Assert.Equal(1UL, rig.TryRead(Va));
        ulong fills = cpu.TlbFills;
        ulong tcr = MmuRig.Tcr(12, 16, t1sz: 20);
        Msr(cpu, TcrDef, tcr);                                           // T1SZ changed: no flush
        Assert.Equal(1UL, rig.TryRead(Va));
        Assert.Equal(fills, cpu.TlbFills);
        Msr(cpu, Ttbr1, 5UL << 48);
        Msr(cpu, TcrDef, tcr | (1UL << 22));                             // A1: the ASID is TTBR1's (5) at once
        Assert.Equal((ushort)5, cpu.Mmu.CurrentAsid);
        a.MapPage(Va, Pa3, Desc.Kernel | Desc.NG);
        Assert.Equal(3UL, rig.TryRead(Va));                              // ASID 5 walks A's tables afresh
        Msr(cpu, TcrDef, tcr);
        Assert.Equal(1UL, rig.TryRead(Va));                              // ASID 1's entry is back
    }

    [Fact]
    public void GlobalEntries_AreSharedByEveryAsid()
    {
        using var rig = new MmuRig();
        var (a, _) = TwoSpaces(rig);
        var cpu = rig.Cpu;
        ulong g = 0x40_0000;
        a.MapPage(g, Pa3, Desc.Kernel);
        Assert.Equal(3UL, rig.TryRead(g));
        ulong fills = cpu.TlbFills;
        Msr(cpu, Ttbr0, a.Root | (9UL << 48));
        Assert.Equal(3UL, rig.TryRead(g));
        Assert.Equal(fills, cpu.TlbFills);
        cpu.Mmu.ExecuteTlbi(TlbiScope.Asid, 9UL << 48, innerShareable: false); // ASIDE1 spares global entries
        Assert.Equal(3UL, rig.TryRead(g));
        Assert.Equal(fills, cpu.TlbFills);
    }

    [Fact]
    public void ParkedEntriesOfAVmid_AreReachedByItsBroadcastTlbi_AndOnlyByIt()
    {
        using var rig = new MmuRig();
        var (a, _) = TwoSpaces(rig);
        var cpu0 = rig.Cpu;
        var cpu1 = rig.H.System.AddCpu();
        cpu1.SysRegs.TcrEl1 = cpu0.SysRegs.TcrEl1;
        cpu1.SysRegs.MairEl1 = cpu0.SysRegs.MairEl1;
        cpu1.SysRegs.Ttbr0El1 = cpu0.SysRegs.Ttbr0El1;
        cpu1.SysRegs.SctlrEl1 = cpu0.SysRegs.SctlrEl1;
        cpu1.FlushTlb();
        Assert.Equal(1UL, cpu1.Read(Va, 8));
        cpu1.VttbrEl2 = 7UL << 48;                                       // cpu1 now runs VMID 7; VMID 0's entry is parked
        Assert.Equal(1UL, cpu1.Read(Va, 8));                             // (VMID 7 walks the same stage-1 tables)
        a.MapPage(Va, Pa2, Desc.Kernel | Desc.NG);
        cpu1.Mmu.TlbiVmalls12e1(innerShareable: false);                      // VMID 7's entries only
        cpu1.VttbrEl2 = 0;
        Assert.Equal(1UL, cpu1.Read(Va, 8));                             // VMID 0's parked entry survived
        cpu1.VttbrEl2 = 7UL << 48;
        cpu0.Mmu.ExecuteTlbi(TlbiScope.VaAllAsids, VaArg(Va), innerShareable: true); // VMID 0 broadcast from cpu0
        cpu1.VttbrEl2 = 0;
        Assert.Equal(2UL, cpu1.Read(Va, 8));
        a.MapPage(Va, Pa3, Desc.Kernel | Desc.NG);
        cpu1.VttbrEl2 = 7UL << 48;
        cpu1.Mmu.TlbiAlle1(innerShareable: false);                           // every VMID
        cpu1.VttbrEl2 = 0;
        Assert.Equal(3UL, cpu1.Read(Va, 8));
    }

    [Fact]
    public void SctlrAndMairWrites_FlushOnlyWhenTheyChangeWhatEntriesHold()
    {
        using var rig = new MmuRig();
        TwoSpaces(rig);
        var cpu = rig.Cpu;
        var sctlr = SystemRegisterTable.ByName("SCTLR_EL1");
        var mair = SystemRegisterTable.ByName("MAIR_EL1");
        Assert.Equal(1UL, rig.TryRead(Va));
        ulong fills = cpu.TlbFills;
        Msr(cpu, sctlr, cpu.SysRegs.SctlrEl1 | (1UL << 26));            // UCI: not held in the TLB
        Msr(cpu, mair, cpu.SysRegs.MairEl1);                             // the same value
        Assert.Equal(1UL, rig.TryRead(Va));
        Assert.Equal(fills, cpu.TlbFills);
        Msr(cpu, sctlr, cpu.SysRegs.SctlrEl1 | (1UL << 19));            // WXN: folded into the permissions
        Assert.Equal(1UL, rig.TryRead(Va));
        Assert.Equal(fills + 1, cpu.TlbFills);
        Msr(cpu, mair, cpu.SysRegs.MairEl1 ^ 0xF0);                      // attributes change
        Assert.Equal(1UL, rig.TryRead(Va));
        Assert.Equal(fills + 2, cpu.TlbFills);
    }

    /// <summary>Pages whose sets collide with <paramref name="page"/>'s, found by search.</summary>
    private static ulong[] SameSet(ulong page, int count)
    {
        var found = new List<ulong>();
        for (ulong p = page + 0x1000; found.Count < count; p += 0x1000)
            if (CpuCore.TlbIndex(p) == CpuCore.TlbIndex(page)) found.Add(p);
        return found.ToArray();
    }

    [Fact]
    public void TwoPagesOfOneSet_StayResident_AThirdEvictsTheLeastRecentlyUsed()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 48);
        ulong a = 0x1000_0000;
        var others = SameSet(a, 2);
        ulong b = others[0], c = others[1];
        t.MapPage(a, Pa1, Desc.Kernel);
        t.MapPage(b, Pa2, Desc.Kernel);
        t.MapPage(c, Pa3, Desc.Kernel);
        rig.Ram.WriteRaw(Pa1, 8, 1);
        rig.Ram.WriteRaw(Pa2, 8, 2);
        rig.Ram.WriteRaw(Pa3, 8, 3);
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root);
        var cpu = rig.Cpu;
        ulong fills = cpu.TlbFills;
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(1UL, rig.TryRead(a));
            Assert.Equal(2UL, rig.TryRead(b));
        }
        Assert.Equal(fills + 2, cpu.TlbFills);                           // no thrashing between two ways
        Assert.True(cpu.TlbWay1Hits >= 18);
        Assert.Equal(3UL, rig.TryRead(c));                               // evicts a (least recently used)
        Assert.Equal(2UL, rig.TryRead(b));
        Assert.Equal(fills + 3, cpu.TlbFills);
        Assert.Equal(1UL, rig.TryRead(a));
        Assert.Equal(fills + 4, cpu.TlbFills);
    }

    [Fact]
    public void PagesAMultipleOf4MiBApart_NeverShareASet_AndA4MiBWindowFitsInTwoWays()
    {
        var pages = Gen.Choose(0, int.MaxValue).Select(x => (ulong)x << 12).ToArbitrary();
        Prop.ForAll(pages, Gen.Choose(1, 1023).ToArbitrary(),
            (va, k) => CpuCore.TlbIndex(va) != CpuCore.TlbIndex(va + ((ulong)k << 22))).QuickCheckThrowOnFailure();
        Prop.ForAll(pages, va =>
        {
            var perSet = new int[CpuCore.TlbSize];
            for (ulong i = 0; i < CpuCore.TlbSize; i++) perSet[CpuCore.TlbIndex(va + (i << 12))]++;
            return perSet.Max() <= CpuCore.TlbWays;
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>
    /// Random programs over three ASIDs, each with its own tables for two nG pages, and a second VMID: remaps without
    /// maintenance, TLBIs of every EL1 kind (local or broadcast), ASID and VMID switches, reads. Model: a read returns a
    /// page mapped for (VMID, ASID, VA) since the last TLBI that covered it — so a translation removed by TLBI is
    /// never used again, and nothing older than the last invalidation ever comes back.
    /// </summary>
    [Fact]
    public void RandomSwitchesAndTlbis_NeverUseARemovedTranslation()
    {
        using var rig = new MmuRig();
        const int Asids = 3, Pages = 2, Frames = 8;
        const ulong Frame0 = 0x4060_0000, Va0 = 0x7000_0000;
        for (int f = 0; f < Frames; f++) rig.Ram.WriteRaw(Frame0 + (ulong)f * 0x1000, 8, (ulong)f);
        var tables = new PageTableBuilder[Asids];
        for (int a = 0; a < Asids; a++) tables[a] = rig.NewStage1(12, 48);
        var cpu = rig.Cpu;
        var cpu1 = rig.H.System.AddCpu();
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var r = new Random(seed);
            // allowed[vmid, asid, page]: frames a read may return; current: the frame the tables hold.
            var current = new int[Asids, Pages];
            var allowed = new HashSet<int>[2, Asids, Pages];
            for (int a = 0; a < Asids; a++)
                for (int p = 0; p < Pages; p++)
                {
                    current[a, p] = r.Next(Frames);
                    tables[a].MapPage(Va0 + (ulong)p * 0x1000, Frame0 + (ulong)current[a, p] * 0x1000, Desc.Kernel | Desc.NG);
                    for (int v = 0; v < 2; v++) allowed[v, a, p] = new HashSet<int> { current[a, p] };
                }
            rig.EnableStage1(MmuRig.Tcr(12, 16), tables[0].Root | (1UL << 48));
            cpu.VttbrEl2 = 0;
            cpu.FlushTlb();
            int asid = 0, vmid = 0;
            void Reset(int v, int a, int p) => allowed[v, a, p] = new HashSet<int> { current[a, p] };
            for (int step = 0; step < 150; step++)
            {
                int op = r.Next(9), a = r.Next(Asids), p = r.Next(Pages);
                ulong va = Va0 + (ulong)p * 0x1000;
                bool broadcast = r.Next(2) == 0;
                // A broadcast is issued by the other PE running the same VMID (its TLB is empty, so only its reach matters).
                var issuer = broadcast ? cpu1 : cpu;
                cpu1.VttbrEl2 = (ulong)vmid << 48;
                switch (op)
                {
                    case 0: // remap without maintenance: every VMID's view may now see the new frame too
                        current[a, p] = r.Next(Frames);
                        tables[a].MapPage(va, Frame0 + (ulong)current[a, p] * 0x1000, Desc.Kernel | Desc.NG);
                        for (int v = 0; v < 2; v++) allowed[v, a, p].Add(current[a, p]);
                        break;
                    case 1:
                        issuer.Mmu.ExecuteTlbi(TlbiScope.Asid, (ulong)(a + 1) << 48, broadcast);
                        for (int q = 0; q < Pages; q++) Reset(vmid, a, q);
                        break;
                    case 2:
                        issuer.Mmu.ExecuteTlbi(TlbiScope.Va, VaArg(va, (ulong)(a + 1)), broadcast);
                        Reset(vmid, a, p);
                        break;
                    case 3:
                        issuer.Mmu.ExecuteTlbi(TlbiScope.VaAllAsids, VaArg(va), broadcast);
                        for (int b = 0; b < Asids; b++) Reset(vmid, b, p);
                        break;
                    case 4:
                        issuer.Mmu.ExecuteTlbi(TlbiScope.All, 0, broadcast);
                        for (int b = 0; b < Asids; b++) for (int q = 0; q < Pages; q++) Reset(vmid, b, q);
                        break;
                    case 5: // ASID switch
                        asid = a;
                        cpu.SysRegs.Write(Ttbr0, tables[a].Root | ((ulong)(a + 1) << 48));
                        break;
                    case 6: // VMID switch
                        vmid ^= 1;
                        cpu.VttbrEl2 = (ulong)vmid << 48;
                        break;
                    default:
                        ulong got = cpu.Read(va, 8);
                        if (!allowed[vmid, asid, p].Contains((int)got))
                            throw new Exception($"seed {seed} step {step}: VMID {vmid} ASID {asid + 1} page {p} read frame {got}, allowed {string.Join(",", allowed[vmid, asid, p])}");
                        break;
                }
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void FwbIsAdvertisedOnlyWithTheFeature()
    {
        var mmfr2 = SystemRegisterTable.ByName("ID_AA64MMFR2_EL1");
        using (var rig = new MmuRig())
            Assert.Equal(0UL, (rig.Cpu.SysRegs.Read(mmfr2) >> 40) & 0xF);
        using (var rig = new MmuRig(new CpuFeatures { Fwb = true }))
            Assert.Equal(1UL, (rig.Cpu.SysRegs.Read(mmfr2) >> 40) & 0xF);
    }

    [Fact]
    public void MmuOffAndMmuOnEntries_NeverServeEachOther()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 48);
        ulong flat = 0x4050_0000;                                        // also a VA mapped elsewhere with the MMU on
        t.MapPage(flat, Pa2, Desc.Kernel);
        rig.Ram.WriteRaw(Pa1, 8, 1);
        rig.Ram.WriteRaw(Pa2, 8, 2);
        var cpu = rig.Cpu;
        Assert.Equal(1UL, rig.TryRead(Pa1));                             // MMU off: flat, Pa1 == 0x4050_0000
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root);
        Assert.Equal(2UL, rig.TryRead(flat));
        ulong fills = cpu.TlbFills;
        cpu.SysRegs.SctlrEl1 &= ~1UL;                                    // a raw write (as a vCPU load does): M = 0
        Assert.Equal(1UL, rig.TryRead(flat));
        cpu.SysRegs.SctlrEl1 |= 1UL;
        Assert.Equal(2UL, rig.TryRead(flat));
        cpu.SysRegs.Write(SystemRegisterTable.ByName("SCTLR_EL1"), cpu.SysRegs.SctlrEl1 & ~1UL);   // MSR: M = 0
        Assert.Equal(1UL, rig.TryRead(flat));
        Assert.Equal(fills + 1, cpu.TlbFills);                           // each mode's entry was parked, not dropped
    }

    [Fact]
    public void LoadingAVcpuContext_SwitchesToItsAsid()
    {
        using var rig = new MmuRig();
        var (a, b) = TwoSpaces(rig);
        var cpu = rig.Cpu;
        var ctxB = new CpuContext();
        Msr(cpu, Ttbr0, b.Root | (2UL << 48));
        cpu.SaveContext(ctxB);
        Msr(cpu, Ttbr0, a.Root | (1UL << 48));
        Assert.Equal(1UL, rig.TryRead(Va));
        cpu.LoadContext(ctxB);
        Assert.Equal(2UL, rig.TryRead(Va));
    }
}
