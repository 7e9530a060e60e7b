using Arm64Vm.Memory;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>Stage 2 driven by the host: mapping, unmapping, fault exits with their syndromes, S1PTW, PTW, FWB, granules.</summary>
public class MmuStage2Tests
{
    private const ulong RamBase = CpuHarness.RamBase, RamSize = CpuHarness.RamSize;
    private const uint LdrX1X2 = 0xF9400041;      // ldr x1, [x2]
    private const uint StrbW8X9 = 0x39000128;     // strb w8, [x9]
    private const uint LdpX1X2X3 = 0xA9400861;    // ldp x1, x2, [x3]
    private const uint Ldrsh = 0x79C00083;        // ldrsh w3, [x4]
    private const uint StlrX1 = 0xC89FFC41;       // stlr x1, [x2]

    /// <summary>Identity-maps RAM at stage 2 (pages unless told) and enables it: 4K granule, 40-bit IPA, start level 1 (two concatenated tables).</summary>
    internal static PageTableBuilder S2Identity(MmuRig rig, int pageShift = 12, int t0sz = 24, int sl0 = 1, int level = 3, ulong extraHcr = 0)
    {
        int start = pageShift == 12 ? 2 - sl0 : 3 - sl0;
        var s2 = rig.NewStage2(pageShift, 64 - t0sz, start);
        s2.MapRange(RamBase, RamBase, RamSize, level, Desc.S2Normal);
        rig.EnableStage2(MmuRig.Vtcr(pageShift, t0sz, sl0), s2.Root, extraHcr: extraHcr);
        return s2;
    }

    private static void AssertStage2Exit(CpuExit exit, uint ec, uint iss, ulong far, ulong ipa)
    {
        Assert.Equal(ExitReason.Stage2Abort, exit.Reason);
        Assert.Equal(ec, exit.ExceptionClass);
        Assert.Equal($"0x{iss:X7}", $"0x{exit.Iss:X7}");
        Assert.Equal(far, exit.Far);
        Assert.Equal(ipa, exit.Ipa);
        Assert.Equal((ipa >> 12) << 4, exit.Hpfar);
    }

    private static uint Isv(uint sas, uint srt, bool sf, bool sse = false, bool ar = false) =>
        (1u << 24) | (sas << 22) | (sse ? 1u << 21 : 0) | (srt << 16) | (sf ? 1u << 15 : 0) | (ar ? 1u << 14 : 0);

    /// <summary>Places an instruction at PC so a host-side access is attributed to it (as if the guest executed it).</summary>
    private static void AtInstruction(MmuRig rig, uint word)
    {
        rig.H.Load(CpuHarness.CodeBase, word);
        rig.Cpu.Pc = CpuHarness.CodeBase;
    }

    [Fact]
    public void UnmappedIpa_ExitsWithDataAbortSyndrome_IsvFieldsAndHpfar()
    {
        using var rig = new MmuRig();
        S2Identity(rig);
        rig.Ram.WriteRaw(0x4050_0000, 8, 0xFEED);
        Assert.Equal(0xFEEDUL, rig.TryRead(0x4050_0000));
        ulong taken = rig.Cpu.ExceptionsTaken;

        AtInstruction(rig, LdrX1X2);
        Assert.Null(rig.TryRead(0x4200_0010));
        AssertStage2Exit(rig.Cpu.PendingExit, ExceptionClass.DataAbortLowerEl, Isv(3, 1, true) | FaultStatus.Translation(2), 0x4200_0010, 0x4200_0010);
        Assert.Equal(CpuHarness.CodeBase, rig.Cpu.ExitReturnPc);
        Assert.Equal(taken, rig.Cpu.ExceptionsTaken);            // nothing was delivered to the guest

        AtInstruction(rig, StrbW8X9);
        try { rig.Cpu.WriteU8(0x4300_0001, 1); } catch (GuestException) { }
        AssertStage2Exit(rig.Cpu.PendingExit, ExceptionClass.DataAbortLowerEl, Isv(0, 8, false) | (1u << 6) | FaultStatus.Translation(2), 0x4300_0001, 0x4300_0001);

        AtInstruction(rig, Ldrsh);
        try { rig.Cpu.ReadU16(0x4300_0002); } catch (GuestException) { }
        Assert.Equal(Isv(1, 3, false, sse: true) | FaultStatus.Translation(2), rig.Cpu.PendingExit.Iss);

        AtInstruction(rig, StlrX1);
        Assert.False(rig.TryWrite(0x4300_0008, 1));
        Assert.Equal(Isv(3, 1, true, ar: true) | (1u << 6) | FaultStatus.Translation(2), rig.Cpu.PendingExit.Iss);

        AtInstruction(rig, LdpX1X2X3);                           // a pair: no instruction syndrome
        Assert.Null(rig.TryRead(0x4200_0000));
        Assert.Equal(FaultStatus.Translation(2), rig.Cpu.PendingExit.Iss);
    }

    [Fact]
    public void ReadOnlyAndAccessFlagAndUnmap_AtStage2()
    {
        using var rig = new MmuRig();
        var s2 = S2Identity(rig);
        ulong page = 0x4060_0000;
        s2.MapPage(page, page, Desc.S2Normal & ~Desc.S2Ap(2));        // read-only
        s2.MapPage(page + 0x1000, page + 0x1000, Desc.S2Normal & ~Desc.AF);
        rig.Cpu.FlushTlb();
        AtInstruction(rig, 0xF900056A);                                 // str x10, [x11, #8]
        Assert.NotNull(rig.TryRead(page));
        Assert.False(rig.TryWrite(page + 8, 1));
        AssertStage2Exit(rig.Cpu.PendingExit, ExceptionClass.DataAbortLowerEl, Isv(3, 10, true) | (1u << 6) | FaultStatus.Permission(3), page + 8, page + 8);
        Assert.Null(rig.TryRead(page + 0x1000));
        Assert.Equal(FaultStatus.AccessFlag(3), rig.Cpu.PendingExit.Iss & 0x3F);

        // Unmap: the TLB still holds the page until the host invalidates by IPA.
        rig.Ram.WriteRaw(page + 0x2000, 8, 11);
        Assert.Equal(11UL, rig.TryRead(page + 0x2000));
        s2.SetEntry(page + 0x2000, 3, 0);
        Assert.Equal(11UL, rig.TryRead(page + 0x2000));
        rig.Cpu.Mmu.TlbiIpas2e1(page + 0x2000, innerShareable: true);
        Assert.Null(rig.TryRead(page + 0x2000));
        Assert.Equal(FaultStatus.Translation(3), rig.Cpu.PendingExit.Iss & 0x3F);
    }

    [Fact]
    public void StageOneWalkFaultingAtStage2_IsAnS1ptwAbort_ForDataAndFetch()
    {
        using var rig = new MmuRig();
        var s2 = S2Identity(rig);
        var s1 = rig.NewStage1(12, 48);
        rig.IdentityMapRam(s1, 2);
        rig.EnableStage1(MmuRig.Tcr(12, 16), s1.Root);
        Assert.NotNull(rig.TryRead(0x4050_0000));
        s2.SetEntry(s1.Root, 3, 0);                                    // the stage-1 root's IPA is no longer mapped
        rig.Cpu.FlushTlb();
        AtInstruction(rig, LdrX1X2);
        Assert.False(rig.TryWrite(0x4050_0000, 1));
        // S1PTW = 1, no instruction syndrome, WnR = 0 (the walk reads), HPFAR = the descriptor's IPA page.
        AssertStage2Exit(rig.Cpu.PendingExit, ExceptionClass.DataAbortLowerEl, (1u << 7) | FaultStatus.Translation(3), 0x4050_0000, s1.Root);
        rig.Cpu.FlushTlb();
        rig.Cpu.Pc = CpuHarness.CodeBase;
        var exit = rig.Cpu.Run(5);
        AssertStage2Exit(exit, ExceptionClass.InstructionAbortLowerEl, (1u << 7) | FaultStatus.Translation(3), CpuHarness.CodeBase, s1.Root);
        Assert.Equal(CpuHarness.CodeBase, rig.Cpu.Pc);
    }

    [Fact]
    public void HcrPtw_StageOneWalkToStage2Device_IsAPermissionFault()
    {
        using var rig = new MmuRig();
        var s2 = S2Identity(rig, extraHcr: Hcr.PTW);
        var s1 = rig.NewStage1(12, 48);
        rig.IdentityMapRam(s1, 2);
        s2.MapPage(s1.Root, s1.Root, Desc.S2Normal & ~Desc.MemAttr(0xF) | Desc.MemAttr(0b0001));   // Device-nGnRE
        rig.EnableStage1(MmuRig.Tcr(12, 16), s1.Root);
        Assert.Null(rig.TryRead(0x4050_0000));
        AssertStage2Exit(rig.Cpu.PendingExit, ExceptionClass.DataAbortLowerEl, (1u << 7) | FaultStatus.Permission(3), 0x4050_0000, s1.Root);
        rig.Cpu.HcrEl2 &= ~Hcr.PTW;
        Assert.NotNull(rig.TryRead(0x4050_0000));
    }

    [Fact]
    public void Stage2ExecuteNever_IsAnInstructionAbortExit()
    {
        using var rig = new MmuRig();
        var s2 = S2Identity(rig);
        s2.MapPage(CpuHarness.CodeBase, CpuHarness.CodeBase, Desc.S2Normal | Desc.XN);
        rig.H.Load(CpuHarness.CodeBase, 0xD503201F);
        rig.Cpu.Pc = CpuHarness.CodeBase;
        var exit = rig.Cpu.Run(5);
        AssertStage2Exit(exit, ExceptionClass.InstructionAbortLowerEl, FaultStatus.Permission(3), CpuHarness.CodeBase, CpuHarness.CodeBase);
        // The host grants execute (as KVM does on an exec fault) and invalidates by IPA: the guest runs.
        s2.MapPage(CpuHarness.CodeBase, CpuHarness.CodeBase, Desc.S2Normal);
        rig.Cpu.Mmu.TlbiIpas2e1(CpuHarness.CodeBase, innerShareable: false);
        rig.Cpu.Pc = CpuHarness.CodeBase;
        rig.Cpu.Run(1);
        Assert.Equal(CpuHarness.CodeBase + 4, rig.Cpu.Pc);
    }

    [Fact]
    public void ConcatenatedStartTables_ReachTheHighHalfOfTheIpaSpace()
    {
        using var rig = new MmuRig();
        var s2 = S2Identity(rig);
        Assert.Equal(10, s2.StartIndexBits);                           // 40-bit IPA from level 1: two concatenated tables
        ulong ipa = 0x80_4000_3000UL;
        s2.MapPage(ipa, 0x4050_0000, Desc.S2Normal);
        rig.Ram.WriteRaw(0x4050_0000, 8, 99);
        Assert.Equal(99UL, rig.TryRead(ipa));
        Assert.Null(rig.TryRead(ipa + 0x1000));
        Assert.Equal(FaultStatus.Translation(3), rig.Cpu.PendingExit.Iss & 0x3F);
    }

    [Theory]
    [InlineData(14, 24, 2, 1)]
    [InlineData(16, 24, 1, 2)]
    [InlineData(16, 32, 0, 3)]
    [InlineData(12, 34, 0, 2)]
    [InlineData(12, 24, 2, 0)]
    public void Stage2Granules_AndStartLevels(int pageShift, int t0sz, int sl0, int startLevel)
    {
        using var rig = new MmuRig();
        var s2 = rig.NewStage2(pageShift, 64 - t0sz, startLevel);
        ulong ipa = (1UL << (64 - t0sz)) - (1UL << pageShift);         // the top page of the IPA space
        s2.MapPage(ipa, 0x4050_0000, Desc.S2Normal);
        rig.EnableStage2(MmuRig.Vtcr(pageShift, t0sz, sl0), s2.Root);
        rig.Ram.WriteRaw(0x4050_0000 + 0x18, 8, 5);
        Assert.Equal(5UL, rig.TryRead(ipa + 0x18));
        Assert.Null(rig.TryRead(ipa - 8));
        Assert.Equal(FaultStatus.Translation(3), rig.Cpu.PendingExit.Iss & 0x3F);
        if (64 - t0sz < 40)
        {
            Assert.Null(rig.TryRead(1UL << (64 - t0sz)));              // beyond the IPA size (but inside the PA size)
            Assert.Equal(FaultStatus.Translation(0), rig.Cpu.PendingExit.Iss & 0x3F);
        }
    }

    [Fact]
    public void InconsistentVtcr_IsALevel0TranslationFault()
    {
        using var rig = new MmuRig();
        var s2 = rig.NewStage2(12, 40, 1);
        rig.EnableStage2(MmuRig.Vtcr(12, 24, 0), s2.Root);            // level 2 start would need 2^10 tables
        Assert.Null(rig.TryRead(0x4050_0000));
        Assert.Equal(FaultStatus.Translation(0), rig.Cpu.PendingExit.Iss & 0x3F);
        rig.EnableStage2(MmuRig.Vtcr(12, 24, 3), s2.Root);            // SL0 = 11 is reserved
        Assert.Null(rig.TryRead(0x4050_0000));
        Assert.Equal(FaultStatus.Translation(0), rig.Cpu.PendingExit.Iss & 0x3F);
    }

    [Fact]
    public void FwbAndDc_ReachTheTlbAttributes()
    {
        using var rig = new MmuRig(new CpuFeatures { Fwb = true });
        var s2 = S2Identity(rig);
        ulong page = 0x4070_0000;
        s2.MapPage(page, page, Desc.S2Normal & ~Desc.MemAttr(0xF) | Desc.MemAttr(0b0110));
        rig.Cpu.FlushTlb();
        // FWB = 0: MemAttr 0110 is Normal outer NC inner WT; stage 1 off makes data Device-nGnRnE anyway.
        Assert.True(rig.Cpu.TryTranslateNoFault(page, AccessKind.Read, 1, out _, out var a));
        Assert.Equal(MemoryAttributes.DeviceNGnRnE, a);
        rig.Cpu.HcrEl2 |= Hcr.FWB;                                      // forced write-back
        Assert.True(rig.Cpu.TryTranslateNoFault(page, AccessKind.Read, 1, out _, out a));
        Assert.Equal("Normal iWB oWB OSH", a.ToString());
        Assert.NotNull(rig.TryRead(page));
        Assert.Equal(a, rig.Cpu.TlbSnapshot[CpuCore.TlbIndex(page)].DataAttributes);
        // HCR_EL2.DC with VM = 0: stage 2 still translates, and stage-1-off data is Normal WB.
        rig.Cpu.HcrEl2 = Hcr.DC;
        Assert.True(rig.Cpu.TryTranslateNoFault(0x4050_0000, AccessKind.Read, 1, out _, out a));
        Assert.Equal("Normal iWB oWB ISH", a.ToString());
        Assert.Null(rig.TryRead(0x4300_0000));
        Assert.Equal(ExitReason.Stage2Abort, rig.Cpu.PendingExit.Reason);
    }

    [Fact]
    public void VmidChange_ParksTheOtherVmsTranslations()
    {
        using var rig = new MmuRig();
        var s2 = S2Identity(rig);
        ulong page = 0x4080_0000;
        rig.Ram.WriteRaw(page, 8, 1);
        rig.Ram.WriteRaw(page + 0x1000, 8, 2);
        Assert.Equal(1UL, rig.TryRead(page));
        s2.MapPage(page, page + 0x1000, Desc.S2Normal);                 // remapped without TLBI
        Assert.Equal(1UL, rig.TryRead(page));
        rig.Cpu.VttbrEl2 = s2.Root | (2UL << 48);                       // another VMID, same tables
        Assert.Equal(2UL, rig.TryRead(page));
        Assert.Equal((ushort)2, rig.Cpu.Mmu.CurrentVmid);
        rig.Cpu.VttbrEl2 = s2.Root | (1UL << 48);                       // back to VMID 1: its entry was parked, not dropped
        Assert.Equal(1UL, rig.TryRead(page));
        rig.Cpu.Mmu.TlbiVmalls12e1(innerShareable: false);
        Assert.Equal(2UL, rig.TryRead(page));
    }
}
