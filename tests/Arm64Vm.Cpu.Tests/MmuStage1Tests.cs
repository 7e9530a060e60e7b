using Arm64Vm.Memory;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>Stage-1 walker: granules, start levels, blocks, faults and their syndromes, TBI, permissions, WXN.</summary>
public class MmuStage1Tests
{
    internal const ulong DataPa = 0x4050_0000;

    internal static void AssertDataAbort(CpuCore cpu, uint dfsc, ulong far, bool write = false, uint ec = ExceptionClass.DataAbortSameEl)
    {
        uint esr = (uint)cpu.SysRegs.EsrEl1;
        Assert.Equal(ec, esr >> 26);
        Assert.Equal(dfsc, esr & 0x3F);
        Assert.Equal(write, (esr & (1u << 6)) != 0);
        Assert.Equal(0u, esr & (1u << 24));                 // ISV is never set for stage-1 aborts to EL1
        Assert.Equal(far, cpu.SysRegs.FarEl1);
    }

    [Theory]
    [InlineData(12, 16, 0)]
    [InlineData(12, 25, 1)]
    [InlineData(12, 34, 2)]
    [InlineData(14, 16, 0)]
    [InlineData(14, 17, 1)]
    [InlineData(14, 28, 2)]
    [InlineData(14, 39, 3)]
    [InlineData(16, 16, 1)]
    [InlineData(16, 22, 2)]
    [InlineData(16, 36, 3)]
    public void Pages_TranslateForEveryGranuleAndStartLevel(int pageShift, int t0sz, int startLevel)
    {
        using var rig = new MmuRig();
        int inputSize = 64 - t0sz;
        var t = rig.NewStage1(pageShift, inputSize);
        Assert.Equal(startLevel, t.StartLevel);
        ulong granule = 1UL << pageShift;
        ulong va = ((1UL << inputSize) - 1) & ~(granule - 1);            // the top page of the TTBR0 range
        t.MapPage(va, DataPa, Desc.Kernel);
        rig.EnableStage1(MmuRig.Tcr(pageShift, t0sz), t.Root);
        rig.Ram.WriteRaw(DataPa + granule - 8, 8, 0x1122_3344_5566_7788);
        Assert.Equal(0x1122_3344_5566_7788UL, rig.TryRead(va + granule - 8));
        Assert.True(rig.Cpu.TryTranslateNoFault(va + 0x10, AccessKind.Read, 1, out ulong pa, out var attrs));
        Assert.Equal(DataPa + 0x10, pa);
        Assert.Equal("Normal iWB oWB ISH", attrs.ToString());
        // The neighbouring page is unmapped: a Translation fault at level 3.
        Assert.Null(rig.TryRead(va - 8));
        AssertDataAbort(rig.Cpu, FaultStatus.Translation(3), va - 8);
        // Writes go through too.
        Assert.True(rig.TryWrite(va + 8, 0xABCD));
        Assert.Equal(0xABCDUL, rig.Ram.ReadRaw(DataPa + 8, 8));
    }

    [Fact]
    public void Ttbr1_TranslatesUpperAddresses_WithItsOwnGranule()
    {
        using var rig = new MmuRig();
        var t0 = rig.NewStage1(12, 48);
        var t1 = rig.NewStage1(16, 42);                                 // TTBR1: 64K granule, T1SZ = 22
        ulong va = 0xFFFF_FFC0_0001_0000UL;                             // bits [63:42] all ones
        t1.MapPage(va, DataPa, Desc.Kernel);
        ulong tcr = MmuRig.Tcr(12, 16, 22) & ~(3UL << 30) | MmuRig.Tg1(16);
        rig.EnableStage1(tcr, t0.Root, t1.Root);
        rig.Ram.WriteRaw(DataPa + 0xFFF8, 8, 42);
        Assert.Equal(42UL, rig.TryRead(va + 0xFFF8));
        // Bits [63:42] not all ones: the gap between the halves is a level-0 Translation fault.
        Assert.Null(rig.TryRead(0xFFFF_F000_0001_0000UL));
        AssertDataAbort(rig.Cpu, FaultStatus.Translation(0), 0xFFFF_F000_0001_0000UL);
    }

    [Theory]
    [InlineData(12, 1, 0x80_0000_0000UL, 0x4000_0000UL)]
    [InlineData(12, 2, 0x80_0020_0000UL, 0x4040_0000UL)]
    [InlineData(14, 2, 0x80_0200_0000UL, 0x4000_0000UL)]
    [InlineData(16, 2, 0x80_2000_0000UL, 0x4000_0000UL)]
    public void Blocks_MapTheirWholeRange(int pageShift, int level, ulong va, ulong pa)
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(pageShift, 48);
        t.Map(va, pa, level, Desc.Kernel);
        rig.EnableStage1(MmuRig.Tcr(pageShift, 16), t.Root);
        ulong off = Math.Min(t.LevelSize(level), CpuHarness.RamBase + CpuHarness.RamSize - pa) - 8;
        rig.Ram.WriteRaw(pa + off, 8, 0x5A5A);
        Assert.Equal(0x5A5AUL, rig.TryRead(va + off));
        Assert.True(rig.Cpu.TryTranslateNoFault(va + 0x1234, AccessKind.Read, 1, out ulong p, out _));
        Assert.Equal(pa + 0x1234, p);
        Assert.Equal((byte)level, rig.Cpu.TlbSnapshot[CpuCore.TlbIndex(va + off)].Level);
    }

    [Theory]
    [InlineData(12, 0)]
    [InlineData(14, 1)]
    [InlineData(16, 1)]
    [InlineData(12, 3)]
    public void BlockAtAnIllegalLevel_IsATranslationFaultAtThatLevel(int pageShift, int level)
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(pageShift, 48);
        ulong va = 0x4000_0000_0000UL;
        // A block descriptor (bits[1:0] = 01) at a level that allows none; at level 3, 01 is the reserved encoding.
        t.SetEntry(va, level, 0x4000_0000UL | Desc.Kernel | Desc.Block);
        rig.EnableStage1(MmuRig.Tcr(pageShift, 16), t.Root);
        Assert.Null(rig.TryRead(va));
        AssertDataAbort(rig.Cpu, FaultStatus.Translation(level), va);
    }

    [Fact]
    public void AccessFlagClear_IsAnAccessFlagFault_AndTheDescriptorIsNotUpdated()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 48);
        ulong va = 0x1000_0000;
        t.MapPage(va, DataPa, Desc.Kernel & ~Desc.AF);
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root);
        Assert.False(rig.TryWrite(va + 0x10, 1));
        AssertDataAbort(rig.Cpu, FaultStatus.AccessFlag(3), va + 0x10, write: true);
        Assert.Equal(0UL, t.GetEntry(va, 3) & Desc.AF);               // ID_AA64MMFR1_EL1.HAFDBS = 0: no hardware update
    }

    [Fact]
    public void AddressSizeFaults_FromTtbrTableAndOutputAddress()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 48);
        ulong va = 0x2000_0000;
        t.MapPage(va, 0x1_0000_0000UL, Desc.Kernel);                   // output address needs 33 bits
        ulong tcr32 = MmuRig.Tcr(12, 16, ips: 0);                       // IPS = 32 bits
        rig.EnableStage1(tcr32, t.Root);
        Assert.Null(rig.TryRead(va));
        AssertDataAbort(rig.Cpu, FaultStatus.AddressSize(3), va);
        // With IPS = 40 bits the same descriptor is fine (and then nothing answers at that PA: external abort).
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root);
        Assert.Null(rig.TryRead(va));
        AssertDataAbort(rig.Cpu, FaultStatus.SynchronousExternal, va);
        // TTBR above the IPS: level-0 Address size fault.
        rig.EnableStage1(tcr32, t.Root | 0x1_0000_0000UL);
        Assert.Null(rig.TryRead(va));
        AssertDataAbort(rig.Cpu, FaultStatus.AddressSize(0), va);
        // A table descriptor pointing above the IPS: Address size fault at that table's level.
        ulong va2 = 0x80_0000_0000UL;
        t.SetEntry(va2, 0, 0x2_0000_0000UL | Desc.Table);
        rig.EnableStage1(tcr32, t.Root);
        Assert.Null(rig.TryRead(va2));
        AssertDataAbort(rig.Cpu, FaultStatus.AddressSize(0), va2);
        // IPS above the implemented PA size (40 bits) is capped: 0x100_0000_0000 needs 41 bits.
        t.MapPage(va + 0x1000, 0x100_0000_0000UL, Desc.Kernel);
        rig.EnableStage1(MmuRig.Tcr(12, 16, ips: 5), t.Root);
        Assert.Null(rig.TryRead(va + 0x1000));
        AssertDataAbort(rig.Cpu, FaultStatus.AddressSize(3), va + 0x1000);
    }

    [Fact]
    public void VaOutsideRange_Epd_AndBadTnSz_AreLevel0TranslationFaults()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 39);
        t.MapPage(0x1000, DataPa, Desc.Kernel);
        rig.EnableStage1(MmuRig.Tcr(12, 25), t.Root);
        Assert.NotNull(rig.TryRead(0x1000));
        Assert.Null(rig.TryRead(1UL << 39));
        AssertDataAbort(rig.Cpu, FaultStatus.Translation(0), 1UL << 39);
        rig.EnableStage1(MmuRig.Tcr(12, 25) | (1UL << 7), t.Root);    // EPD0
        Assert.Null(rig.TryRead(0x1000));
        AssertDataAbort(rig.Cpu, FaultStatus.Translation(0), 0x1000);
        rig.EnableStage1(MmuRig.Tcr(12, 12), t.Root);                   // T0SZ = 12 < 16
        Assert.Null(rig.TryRead(0x1000));
        AssertDataAbort(rig.Cpu, FaultStatus.Translation(0), 0x1000);
    }

    [Fact]
    public void TopByteIgnore_PerHalf()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 48);
        t.MapPage(0x3000, DataPa, Desc.Kernel);
        rig.Ram.WriteRaw(DataPa, 8, 77);
        ulong tagged = 0x5A00_0000_0000_3000UL;
        rig.EnableStage1(MmuRig.Tcr(12, 16) | (1UL << 37), t.Root);  // TBI0
        Assert.Equal(77UL, rig.TryRead(tagged));
        rig.EnableStage1(MmuRig.Tcr(12, 16) | (1UL << 38), t.Root);  // TBI1 only
        Assert.Null(rig.TryRead(tagged));
        AssertDataAbort(rig.Cpu, FaultStatus.Translation(0), tagged);
    }

    [Fact]
    public void MmuOff_AddressSizeFaultAboveThePaRange_TbiStripsTheTag()
    {
        using var rig = new MmuRig();
        rig.Ram.WriteRaw(DataPa, 8, 9);
        Assert.Equal(9UL, rig.TryRead(DataPa));
        Assert.Null(rig.TryRead(DataPa | 1UL << 40));
        AssertDataAbort(rig.Cpu, FaultStatus.AddressSize(0), DataPa | 1UL << 40);
        Assert.Null(rig.TryRead(DataPa | 0x7700_0000_0000_0000UL));
        rig.Cpu.SysRegs.TcrEl1 = 1UL << 37;
        rig.Cpu.FlushTlb();
        Assert.Equal(9UL, rig.TryRead(DataPa | 0x7700_0000_0000_0000UL));
        Assert.True(rig.Cpu.TryTranslateNoFault(DataPa, AccessKind.Read, 1, out _, out var a));
        Assert.Equal(MemoryAttributes.DeviceNGnRnE, a);
    }

    /// <summary>Stage-1 permission table (Arm ARM D8.4.1, Table D8-49/50), written independently of the walker.</summary>
    private static (bool R1, bool W1, bool X1, bool R0, bool W0, bool X0) ExpectedPerms(int ap, bool uxn, bool pxn, bool wxn, int apTable, bool uxnTable, bool pxnTable)
    {
        if ((apTable & 1) != 0) ap &= 2;       // no EL0 access below
        if ((apTable & 2) != 0) ap |= 2;       // read-only below
        (bool r1, bool w1, bool r0, bool w0) = ap switch
        {
            0 => (true, true, false, false),
            1 => (true, true, true, true),
            2 => (true, false, false, false),
            _ => (true, false, true, false),
        };
        bool x0 = !(uxn || uxnTable) && !(wxn && w0);
        bool x1 = !(pxn || pxnTable) && !(wxn && w1) && !w0;
        return (r1, w1, x1, r0, w0, x0);
    }

    [Fact]
    public void Permissions_EveryApXnWxnAndTableCombination()
    {
        int checkedCases = 0;
        // Build one table tree per (APTable, XNTable) choice; leaves vary per page.
        for (int tab = 0; tab < 16; tab++)
        {
            using var r = new MmuRig();
            var t = r.NewStage1(12, 39);
            ulong baseVa = 0x4000_0000;
            for (int i = 0; i < 16; i++)
            {
                int ap = i & 3;
                ulong attrs = Desc.Kernel | Desc.Ap(ap) | ((i & 4) != 0 ? Desc.UXN : 0) | ((i & 8) != 0 ? Desc.PXN : 0);
                t.MapPage(baseVa + (ulong)i * 0x1000, DataPa + (ulong)i * 0x1000, attrs);
            }
            // Table attributes on the level-2 table descriptor that leads to the leaves (bits 63:59).
            ulong l1 = t.EntryAddress(baseVa, 1);
            ulong tableDesc = r.Ram.ReadRaw(l1, 8);
            tableDesc |= ((tab & 1) != 0 ? 1UL << 61 : 0) | ((tab & 2) != 0 ? 1UL << 62 : 0) | ((tab & 4) != 0 ? 1UL << 60 : 0) | ((tab & 8) != 0 ? 1UL << 59 : 0);
            r.Ram.WriteRaw(l1, 8, tableDesc);
            for (int wxn = 0; wxn < 2; wxn++)
            {
                r.EnableStage1(MmuRig.Tcr(12, 25), t.Root, sctlrExtra: wxn != 0 ? 1UL << 19 : 0);
                for (int i = 0; i < 16; i++)
                {
                    ulong va = baseVa + (ulong)i * 0x1000 + 0x40;
                    var e = ExpectedPerms(i & 3, (i & 4) != 0, (i & 8) != 0, wxn != 0, tab & 3, (tab & 4) != 0, (tab & 8) != 0);
                    bool Can(AccessKind k, int el) => r.Cpu.TryTranslateNoFault(va, k, el, out _, out _);
                    var actual = (Can(AccessKind.Read, 1), Can(AccessKind.Write, 1), Can(AccessKind.Fetch, 1),
                                  Can(AccessKind.Read, 0), Can(AccessKind.Write, 0), Can(AccessKind.Fetch, 0));
                    Assert.True(e == actual, $"AP={i & 3} UXN={(i >> 2) & 1} PXN={(i >> 3) & 1} WXN={wxn} table={tab}: expected {e}, got {actual}");
                    checkedCases++;
                }
            }
        }
        Assert.Equal(16 * 2 * 16, checkedCases);
    }

    [Fact]
    public void PermissionFaults_HaveLevelWnRAndLowerElClass()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 48);
        ulong va = 0x5000_0000;
        t.Map(va, 0x4000_0000, 2, Desc.Kernel | Desc.Ap(2));           // EL1 read-only 2 MiB block
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root);
        Assert.NotNull(rig.TryRead(va + 0x100));
        Assert.False(rig.TryWrite(va + 0x100, 5));
        AssertDataAbort(rig.Cpu, FaultStatus.Permission(2), va + 0x100, write: true);
        // EL0 (LDTR-style) read of an EL1-only page.
        Assert.Null(rig.TryRead(va + 0x200, AccessOptions.Unprivileged));
        AssertDataAbort(rig.Cpu, FaultStatus.Permission(2), va + 0x200);
        // From EL0 itself the class is "lower EL".
        rig.Cpu.El = 0;
        rig.Cpu.FlushTlb();
        Assert.Null(rig.TryRead(va + 0x300));
        AssertDataAbort(rig.Cpu, FaultStatus.Permission(2), va + 0x300, ec: ExceptionClass.DataAbortLowerEl);
    }

    /// <summary>Vectors that spin (B .) so a taken exception leaves ESR/FAR/ELR intact.</summary>
    internal static void SpinVectors(MmuRig rig)
    {
        for (ulong off = 0; off < 0x800; off += 4) rig.H.Load(CpuHarness.VectorBase + off, 0x14000000);
    }

    [Fact]
    public void InstructionFetch_FromPxnPage_IsAnInstructionAbortWithFarAndElr()
    {
        using var rig = new MmuRig();
        SpinVectors(rig);
        var t = rig.NewStage1(14, 48);                              // 16K granule
        rig.IdentityMapRam(t, 2);
        ulong codeVa = 0x8000_0000;
        t.MapPage(codeVa, CpuHarness.CodeBase, Desc.Kernel | Desc.PXN);
        rig.H.Load(CpuHarness.CodeBase, 0xD503201F, 0xD503201F);         // NOP; NOP
        rig.EnableStage1(MmuRig.Tcr(14, 16), t.Root);
        rig.Cpu.Pc = codeVa;
        rig.Cpu.Run(10);
        uint esr = (uint)rig.Cpu.SysRegs.EsrEl1;
        Assert.Equal(ExceptionClass.InstructionAbortSameEl, esr >> 26);
        Assert.Equal(FaultStatus.Permission(3), esr & 0x3F);
        Assert.Equal(codeVa, rig.Cpu.SysRegs.FarEl1);
        Assert.Equal(codeVa, rig.Cpu.SysRegs.ElrEl1);
        Assert.Equal(CpuHarness.VectorBase + 0x200, rig.Cpu.Pc);
        // The same page without PXN runs.
        t.MapPage(codeVa, CpuHarness.CodeBase, Desc.Kernel);
        rig.Cpu.FlushTlb();
        rig.Cpu.Pc = codeVa;
        rig.Cpu.Run(2);
        Assert.Equal(codeVa + 8, rig.Cpu.Pc);
    }

    [Fact]
    public void Wxn_MakesWritablePagesNonExecutable_WhenFetched()
    {
        using var rig = new MmuRig();
        SpinVectors(rig);
        var t = rig.NewStage1(12, 48);
        rig.IdentityMapRam(t, 2, Desc.Kernel | Desc.Ap(2));            // read-only, executable identity map
        t.MapPage(0x9000_0000, CpuHarness.CodeBase, Desc.Kernel);      // writable alias of the code page
        rig.H.Load(CpuHarness.CodeBase, 0xD503201F);
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root, sctlrExtra: 1UL << 19);
        rig.Cpu.Pc = 0x9000_0000;
        rig.Cpu.Run(3);
        Assert.Equal(ExceptionClass.InstructionAbortSameEl, (uint)rig.Cpu.SysRegs.EsrEl1 >> 26);
        Assert.Equal(FaultStatus.Permission(3), (uint)rig.Cpu.SysRegs.EsrEl1 & 0x3F);
        rig.Cpu.Pc = CpuHarness.CodeBase;
        rig.Cpu.Run(1);
        Assert.Equal(CpuHarness.CodeBase + 4, rig.Cpu.Pc);
    }

    [Fact]
    public void MmfrAdvertisesTheGranules_AndAnUnimplementedGranuleFallsBackTo4K()
    {
        using var rig = new MmuRig(new CpuFeatures { Granule16K = false });
        ulong mmfr0 = rig.Cpu.SysRegs.Get("ID_AA64MMFR0_EL1");
        Assert.Equal(0UL, (mmfr0 >> 20) & 0xF);                         // TGran16: not implemented
        Assert.Equal(0UL, (mmfr0 >> 24) & 0xF);                         // TGran64: implemented
        Assert.Equal(0UL, (mmfr0 >> 28) & 0xF);                         // TGran4: implemented
        Assert.Equal(2UL, mmfr0 & 0xF);                                  // PARange: 40 bits
        var t = rig.NewStage1(12, 48);
        t.MapPage(0x7000, DataPa, Desc.Kernel);
        rig.EnableStage1(MmuRig.Tcr(14, 16), t.Root);                    // asks for 16K
        rig.Ram.WriteRaw(DataPa, 8, 3);
        Assert.Equal(3UL, rig.TryRead(0x7000));
        using var all = new MmuRig();
        Assert.Equal(1UL, (all.Cpu.SysRegs.Get("ID_AA64MMFR0_EL1") >> 20) & 0xF);
    }

    [Fact]
    public void TlbHit_DoesNotWalkAgain()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 48);
        t.MapPage(0x7000, DataPa, Desc.Kernel);
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root);
        rig.TryRead(0x7000);
        ulong fills = rig.Cpu.TlbFills;
        for (int i = 0; i < 100; i++) rig.TryRead(0x7000 + (ulong)(8 * i));
        Assert.True(rig.TryWrite(0x7008, 1));
        Assert.Equal(fills, rig.Cpu.TlbFills);
    }
}
