using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>TLB: ASID/nG tagging, TLBI by ASID/VA/IPA, blocks, broadcast (IS, HCR_EL2.FB), TTLB trap, fetch path.</summary>
public class MmuTlbTests
{
    private const ulong Pa1 = 0x4050_0000, Pa2 = 0x4051_0000, Pa3 = 0x4052_0000;
    private const uint Nop = 0xD503201F, DsbIsh = 0xD5033B9F, Isb = 0xD5033FDF;

    private static void Fill(MmuRig rig)
    {
        rig.Ram.WriteRaw(Pa1, 8, 1);
        rig.Ram.WriteRaw(Pa2, 8, 2);
        rig.Ram.WriteRaw(Pa3, 8, 3);
    }

    private static ulong VaArg(ulong va, ulong asid = 0) => ((va >> 12) & 0xFFF_FFFF_FFFFUL) | (asid << 48);

    [Fact]
    public void NonGlobalEntries_AreTaggedByAsid_GlobalOnesAreNot()
    {
        using var rig = new MmuRig();
        Fill(rig);
        var t = rig.NewStage1(12, 48);
        ulong ng = 0x10_0000, g = 0x20_0000;
        t.MapPage(ng, Pa1, Desc.Kernel | Desc.NG);
        t.MapPage(g, Pa1, Desc.Kernel);
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root | (1UL << 48));
        var cpu = rig.Cpu;
        Assert.Equal((ushort)1, cpu.Mmu.CurrentAsid);
        Assert.Equal(1UL, rig.TryRead(ng));
        Assert.Equal(1UL, rig.TryRead(g));
        t.MapPage(ng, Pa2, Desc.Kernel | Desc.NG);                       // changed without maintenance
        t.MapPage(g, Pa2, Desc.Kernel);
        Assert.Equal(1UL, rig.TryRead(ng));                               // the TLB still holds the old entries
        cpu.Mmu.ExecuteTlbi(TlbiScope.Asid, 2UL << 48, innerShareable: false);
        Assert.Equal(1UL, rig.TryRead(ng));                               // another ASID: untouched
        cpu.Mmu.ExecuteTlbi(TlbiScope.Va, VaArg(ng, 2), innerShareable: false);
        Assert.Equal(1UL, rig.TryRead(ng));                               // VA of another ASID: untouched (entry is nG)
        cpu.Mmu.ExecuteTlbi(TlbiScope.Asid, 1UL << 48, innerShareable: false);
        Assert.Equal(2UL, rig.TryRead(ng));
        Assert.Equal(1UL, rig.TryRead(g));                                // global entries survive TLBI ASIDE1
        cpu.Mmu.ExecuteTlbi(TlbiScope.Va, VaArg(g, 7), innerShareable: false);
        Assert.Equal(2UL, rig.TryRead(g));                                // ... but match TLBI VAE1 of any ASID
        t.MapPage(ng, Pa3, Desc.Kernel | Desc.NG);
        cpu.Mmu.ExecuteTlbi(TlbiScope.VaAllAsids, VaArg(ng), innerShareable: false);
        Assert.Equal(3UL, rig.TryRead(ng));
    }

    [Fact]
    public void SwitchingAsids_SelectsEachAddressSpace_With8BitAsids()
    {
        using var rig = new MmuRig();
        Fill(rig);
        var a = rig.NewStage1(12, 48);
        var b = rig.NewStage1(12, 48);
        ulong va = 0x30_0000;
        a.MapPage(va, Pa1, Desc.Kernel | Desc.NG);
        b.MapPage(va, Pa2, Desc.Kernel | Desc.NG);
        ulong tcr = MmuRig.Tcr(12, 16, as16: false);
        rig.EnableStage1(tcr, a.Root | (0x0101UL << 48));
        Assert.Equal((ushort)1, rig.Cpu.Mmu.CurrentAsid);                     // 8-bit ASIDs: TTBR0[55:48]
        Assert.Equal(1UL, rig.TryRead(va));
        var def = SystemRegisterTable.ByName("TTBR0_EL1");
        rig.Cpu.SysRegs.Write(def, b.Root | (2UL << 48));
        Assert.Equal(2UL, rig.TryRead(va));
        rig.Cpu.SysRegs.Write(def, a.Root | (1UL << 48));
        Assert.Equal(1UL, rig.TryRead(va));
        a.MapPage(va, Pa3, Desc.Kernel | Desc.NG);
        rig.Cpu.Mmu.ExecuteTlbi(TlbiScope.Asid, 0xFF01UL << 48, innerShareable: false);   // upper ASID bits ignored
        Assert.Equal(3UL, rig.TryRead(va));
    }

    [Fact]
    public void TlbiByVaInsideABlock_RemovesEveryPieceOfTheBlock()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 48);
        ulong va = 0x8000_0000;
        t.Map(va, 0x4000_0000, 2, Desc.Kernel);
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root);
        rig.Ram.WriteRaw(0x4000_1000, 8, 10);
        rig.Ram.WriteRaw(0x4000_5000, 8, 50);
        rig.Ram.WriteRaw(0x4020_1000, 8, 11);
        rig.Ram.WriteRaw(0x4020_5000, 8, 51);
        Assert.Equal(10UL, rig.TryRead(va + 0x1000));
        Assert.Equal(50UL, rig.TryRead(va + 0x5000));
        t.Map(va, 0x4020_0000, 2, Desc.Kernel);
        rig.Cpu.Mmu.ExecuteTlbi(TlbiScope.Va, VaArg(va + 0x20_0000), innerShareable: false);   // next block: no effect
        Assert.Equal(10UL, rig.TryRead(va + 0x1000));
        rig.Cpu.Mmu.ExecuteTlbi(TlbiScope.Va, VaArg(va + 0x1F_F000), innerShareable: false);   // last page of the block
        Assert.Equal(11UL, rig.TryRead(va + 0x1000));
        Assert.Equal(51UL, rig.TryRead(va + 0x5000));
    }

    [Fact]
    public void TlbiInstructions_RunFromTheGuest_AndTtlbTrapsThem()
    {
        using var rig = new MmuRig();
        Fill(rig);
        var t = rig.NewStage1(12, 48);
        rig.IdentityMapRam(t, 2);
        ulong va = 0x9000_0000;
        t.MapPage(va, Pa1, Desc.Kernel | Desc.NG);
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root | (4UL << 48));
        Assert.Equal(1UL, rig.TryRead(va));
        t.MapPage(va, Pa2, Desc.Kernel | Desc.NG);
        rig.Cpu.SetX(0, VaArg(va, 4));
        rig.H.Run(0xD5088720, DsbIsh, Isb);                               // tlbi vae1, x0; dsb ish; isb
        Assert.True(rig.H.StoppedCleanly);
        Assert.Equal(2UL, rig.TryRead(va));
        t.MapPage(va, Pa3, Desc.Kernel | Desc.NG);
        rig.Cpu.HcrEl2 = Hcr.TTLB;
        rig.H.Load(CpuHarness.CodeBase, 0xD508831F, CpuHarness.Stop);     // tlbi vmalle1is
        rig.Cpu.Pc = CpuHarness.CodeBase;
        var exit = rig.H.RunUntilStop(100);
        Assert.Equal(ExitReason.TrapToEl2, exit.Reason);
        Assert.Equal(ExceptionClass.SysReg64, exit.ExceptionClass);
        Assert.Equal(CpuHarness.CodeBase, rig.Cpu.ExitReturnPc);
        Assert.Equal(2UL, rig.TryRead(va));                                // not performed
        rig.Cpu.HcrEl2 = 0;
        rig.H.Run(0xD508831F, DsbIsh);
        Assert.Equal(3UL, rig.TryRead(va));
    }

    [Fact]
    public void TlbiAtEl0_IsUndefined()
    {
        using var rig = new MmuRig();
        MmuStage1Tests.SpinVectors(rig);
        rig.H.Load(CpuHarness.CodeBase, 0xD508871F);                       // tlbi vmalle1
        rig.Cpu.El = 0;
        rig.Cpu.SpSel = 0;
        rig.Cpu.Pc = CpuHarness.CodeBase;
        rig.Cpu.Run(3);
        Assert.Equal(ExceptionClass.Unknown, (uint)rig.Cpu.SysRegs.EsrEl1 >> 26);
        Assert.Equal(CpuHarness.CodeBase, rig.Cpu.SysRegs.ElrEl1);
        Assert.Equal(CpuHarness.VectorBase + 0x400, rig.Cpu.Pc);
    }

    private static CpuCore SecondCpu(MmuRig rig, ulong ttbr0)
    {
        var c = rig.H.System.AddCpu();
        c.SysRegs.TcrEl1 = rig.Cpu.SysRegs.TcrEl1;
        c.SysRegs.MairEl1 = rig.Cpu.SysRegs.MairEl1;
        c.SysRegs.Ttbr0El1 = ttbr0;
        c.SysRegs.SctlrEl1 = rig.Cpu.SysRegs.SctlrEl1;
        c.FlushTlb();
        return c;
    }

    private static ulong ReadOn(CpuCore c, ulong va) => c.Read(va, 8);

    [Fact]
    public void InnerShareableTlbi_ReachesOtherCpusOfTheSameVmid_AndFbUpgradesLocalOnes()
    {
        using var rig = new MmuRig();
        Fill(rig);
        var t = rig.NewStage1(12, 48);
        ulong va = 0x40_0000;
        t.MapPage(va, Pa1, Desc.Kernel);
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root);
        var cpu0 = rig.Cpu;
        var cpu1 = SecondCpu(rig, t.Root);
        Assert.Equal(1UL, ReadOn(cpu0, va));
        Assert.Equal(1UL, ReadOn(cpu1, va));
        t.MapPage(va, Pa2, Desc.Kernel);
        cpu0.Mmu.ExecuteTlbi(TlbiScope.VaAllAsids, VaArg(va), innerShareable: false);
        Assert.Equal(2UL, ReadOn(cpu0, va));
        Assert.Equal(1UL, ReadOn(cpu1, va));                                // local TLBI: cpu1 keeps its entry
        cpu0.Mmu.ExecuteTlbi(TlbiScope.VaAllAsids, VaArg(va), innerShareable: true);
        Assert.Equal(2UL, ReadOn(cpu1, va));
        t.MapPage(va, Pa3, Desc.Kernel);
        cpu0.HcrEl2 = Hcr.FB;
        cpu0.Mmu.ExecuteTlbi(TlbiScope.All, 0, innerShareable: false);          // upgraded to VMALLE1IS
        Assert.Equal(3UL, ReadOn(cpu1, va));
        // A CPU of another VMID is not affected by the guest's broadcast, but is by the host's ALLE1IS.
        cpu1.VttbrEl2 = 5UL << 48;
        Assert.Equal(3UL, ReadOn(cpu1, va));
        t.MapPage(va, Pa1, Desc.Kernel);
        cpu0.Mmu.ExecuteTlbi(TlbiScope.All, 0, innerShareable: true);
        Assert.Equal(3UL, ReadOn(cpu1, va));
        cpu0.Mmu.TlbiAlle1(innerShareable: true);
        Assert.Equal(1UL, ReadOn(cpu1, va));
    }

    [Fact]
    public void HostVmalls12_DropsCombinedEntries()
    {
        using var rig = new MmuRig();
        Fill(rig);
        var s2 = MmuStage2Tests.S2Identity(rig);
        ulong ipa = 0x4090_0000;
        s2.MapPage(ipa, Pa1, Desc.S2Normal);
        rig.Cpu.FlushTlb();
        Assert.Equal(1UL, rig.TryRead(ipa));
        s2.MapPage(ipa, Pa2, Desc.S2Normal);
        Assert.Equal(1UL, rig.TryRead(ipa));
        rig.Cpu.Mmu.TlbiVmalls12e1(innerShareable: false);
        Assert.Equal(2UL, rig.TryRead(ipa));
        // IPAS2E1 by an IPA inside a stage-2 block removes every 4 KiB piece of it.
        ulong block = 0x4200_0000;
        s2.Map(block, 0x4000_0000, 2, Desc.S2Normal);
        rig.Ram.WriteRaw(0x4000_1000, 8, 10);
        rig.Ram.WriteRaw(0x4000_5000, 8, 50);
        rig.Ram.WriteRaw(0x4020_1000, 8, 11);
        rig.Ram.WriteRaw(0x4020_5000, 8, 51);
        Assert.Equal(10UL, rig.TryRead(block + 0x1000));
        Assert.Equal(50UL, rig.TryRead(block + 0x5000));
        s2.Map(block, 0x4020_0000, 2, Desc.S2Normal);
        rig.Cpu.Mmu.TlbiIpas2e1(block + 0x20_0000, innerShareable: false);     // the next 2 MiB: no effect
        Assert.Equal(10UL, rig.TryRead(block + 0x1000));
        rig.Cpu.Mmu.TlbiIpas2e1(block + 0x1F_F000, innerShareable: false);
        Assert.Equal(11UL, rig.TryRead(block + 0x1000));
        Assert.Equal(51UL, rig.TryRead(block + 0x5000));
    }

    [Fact]
    public void TlbiDropsTheFetchPathsCachedPage()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 48);
        rig.IdentityMapRam(t, 2);
        ulong x = 0xA000_0000, code1 = 0x4060_0000, code2 = 0x4061_0000;
        rig.H.Load(code1, Nop, Nop);
        rig.H.Load(code2, 0x14000002, Nop, Nop);                          // b .+8
        t.MapPage(x, code1, Desc.Kernel);
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root);
        rig.Cpu.Pc = x;
        rig.Cpu.Run(1);
        Assert.Equal(x + 4, rig.Cpu.Pc);
        t.MapPage(x, code2, Desc.Kernel);
        rig.Cpu.Pc = x;
        rig.Cpu.Run(1);
        Assert.Equal(x + 4, rig.Cpu.Pc);                                  // stale translation still in use
        rig.Cpu.Mmu.ExecuteTlbi(TlbiScope.VaAllAsids, VaArg(x), innerShareable: false);
        rig.Cpu.Pc = x;
        rig.Cpu.Run(1);
        Assert.Equal(x + 8, rig.Cpu.Pc);                                  // the new code page's branch
    }
}
