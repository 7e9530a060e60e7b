using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// Cache instructions and identification registers through the CPU: encodings, EL0 and EL2 traps, ISS.CM, the
/// HCR_EL2 upgrades, and the instruction side (stale code without IC IVAU when DIC = 0).
/// </summary>
public sealed class CacheMaintenanceTests : IDisposable
{
    private const ulong RamBase = 0x4000_0000;
    private const ulong CodeBase = 0x4008_0000;
    private const ulong DataBase = 0x4010_0000;
    private const uint Brk7ff = 0xD4200000 | (0x7FF << 5);

    private PhysicalMemoryMap _map = null!;
    private Ram _ram = null!;
    private CpuCore _cpu = null!;

    /// <summary>A one-PE machine with RAM at 0x4000_0000: flat memory, or the cache model when caches is given.</summary>
    private CpuCore Machine(CacheConfig? caches = null)
    {
        _map = new PhysicalMemoryMap();
        _ram = _map.AddRam(RamBase, 16 * 1024 * 1024);
        IMemorySystem memory = caches != null ? new CacheMemorySystem(_map, caches) : new FlatMemorySystem(_map);
        var system = new CpuSystem(memory);
        _cpu = system.AddCpu();
        // Every vector holds BRK #0x7FE, so a taken exception is visible and stops the run.
        for (ulong off = 0; off < 0x800; off += 4) _ram.WriteRaw(RamBase + off, 4, 0xD4200000 | (0x7FE << 5));
        _cpu.SysRegs.VbarEl1 = RamBase;
        FlatStage2.Install(_cpu);            // HCR_EL2.VM/DC in these tests enable stage 2: identity tables
        return _cpu;
    }

    private void Load(ulong address, params uint[] words)
    {
        for (int i = 0; i < words.Length; i++) _ram.WriteRaw(address + (ulong)(4 * i), 4, words[i]);
    }

    /// <summary>Runs from pc until the first exception is taken (or an exit); returns the exit.</summary>
    private CpuExit RunToException(ulong pc, int budget = 1000)
    {
        _cpu.Pc = pc;
        ulong taken = _cpu.ExceptionsTaken;
        for (int i = 0; i < budget; i++)
        {
            var exit = _cpu.Run(1);
            if (exit.Reason != ExitReason.InstructionLimit || _cpu.ExceptionsTaken != taken) return exit;
        }
        throw new TimeoutException("no exception");
    }

    private CpuExit RunProgram(params uint[] program)
    {
        Load(CodeBase, program);
        Load(CodeBase + (ulong)(4 * program.Length), Brk7ff);
        return RunToException(CodeBase);
    }

    private CacheMemorySystem Model => (CacheMemorySystem)_cpu.Memory;

    private uint Ec => (uint)(_cpu.SysRegs.EsrEl1 >> 26);
    private uint Iss => (uint)(_cpu.SysRegs.EsrEl1 & 0x1FF_FFFF);

    public void Dispose() => _ram?.Dispose();

    [Fact]
    public void IdRegisters_DefaultGeometry_AreThoseOfACortexA57()
    {
        var cpu = Machine();
        _cpu.Xr[3] = 0; _cpu.Xr[5] = 1; _cpu.Xr[6] = 2;
        RunProgram(
            0xD53B0020,     // mrs x0, ctr_el0
            0xD53B00E1,     // mrs x1, dczid_el0
            0xD5390022,     // mrs x2, clidr_el1
            0xD51A0003,     // msr csselr_el1, x3   (L1 data)
            0xD5390004,     // mrs x4, ccsidr_el1
            0xD51A0005,     // msr csselr_el1, x5   (L1 instruction)
            0xD5390007,     // mrs x7, ccsidr_el1
            0xD51A0006,     // msr csselr_el1, x6   (L2)
            0xD5390008);    // mrs x8, ccsidr_el1
        Assert.Equal(ExceptionClass.Brk64, Ec);
        Assert.Equal(0x8444C004UL, cpu.X(0));
        Assert.Equal(0x4UL, cpu.X(1));
        Assert.Equal(0x0A200023UL, cpu.X(2));
        Assert.Equal(0x701FE00AUL, cpu.X(4));
        Assert.Equal(0x201FE012UL, cpu.X(7));
        Assert.Equal(0x70FFE07AUL, cpu.X(8));
    }

    [Fact]
    public void IdRegisters_FollowTheConfiguredHierarchy()
    {
        var cfg = CacheConfig.CortexA57() with { Idc = true, Dic = true, L2 = new CacheGeometry(1024 * 1024, 16), PointOfUnification = CachePoint.Memory };
        Assert.Equal(0xB444C004UL, CacheIdentification.Ctr(cfg));
        Assert.Equal(0x12400023UL, CacheIdentification.Clidr(cfg));            // LoUU = LoUIS = 2, LoC = 2
        Assert.Equal(0x707FE07AUL, CacheIdentification.Ccsidr(cfg, 2));         // 1 MiB, 16-way: 1024 sets
        Assert.Equal(0UL, CacheIdentification.Ccsidr(cfg, 3));                  // no L2 instruction cache
        Assert.Equal(0UL, CacheIdentification.Ccsidr(cfg, 4));                  // no L3
        var cpu = Machine(caches: cfg);
        Assert.True(cpu.Features.Idc && cpu.Features.Dic);
    }

    [Fact]
    public void CtrEl0_AtEl0_TrapsUnlessSctlrUct()
    {
        var cpu = Machine();
        cpu.SysRegs.SpsrEl1 = 0;                   // EL0t
        cpu.SysRegs.ElrEl1 = CodeBase + 4;
        RunProgram(0xD69F03E0, 0xD53B0020);        // eret ; (EL0) mrs x0, ctr_el0
        Assert.Equal(ExceptionClass.SysReg64, Ec);
        Assert.Equal(CodeBase + 4, cpu.SysRegs.ElrEl1);

        cpu.SysRegs.SctlrEl1 |= 1UL << 15;         // UCT
        cpu.SysRegs.SpsrEl1 = 0;
        cpu.SysRegs.ElrEl1 = CodeBase + 4;
        RunToException(CodeBase);
        Assert.Equal(ExceptionClass.Brk64, Ec);
        Assert.Equal(0x8444C004UL, cpu.X(0));
    }

    [Theory]
    [InlineData(0xD50B7A21u, false, ExceptionClass.SysReg64)]   // dc cvac, x1: at EL0 with UCI = 0, trapped to EL1
    [InlineData(0xD50B7A21u, true, ExceptionClass.Brk64)]       // UCI = 1: executes
    [InlineData(0xD50B7521u, false, ExceptionClass.SysReg64)]   // ic ivau
    [InlineData(0xD5087621u, true, ExceptionClass.Unknown)]     // dc ivac: EL1 only, UNDEFINED at EL0
    [InlineData(0xD5087E41u, true, ExceptionClass.Unknown)]     // dc cisw: UNDEFINED at EL0
    [InlineData(0xD508751Fu, true, ExceptionClass.Unknown)]     // ic iallu: UNDEFINED at EL0
    public void CacheInstructionsAtEl0_FollowSctlrUci(uint insn, bool uci, uint expectedEc)
    {
        var cpu = Machine();
        if (uci) cpu.SysRegs.SctlrEl1 |= 1UL << 26;
        cpu.Xr[1] = DataBase;
        cpu.SysRegs.SpsrEl1 = 0;
        cpu.SysRegs.ElrEl1 = CodeBase + 4;
        RunProgram(0xD69F03E0, insn);
        Assert.Equal(expectedEc, Ec);
    }

    [Fact]
    public void DcZva_AtEl0_NeedsSctlrDze_AndDczidReportsDzp()
    {
        var cpu = Machine();
        cpu.Xr[1] = DataBase;
        cpu.SysRegs.SpsrEl1 = 0;
        cpu.SysRegs.ElrEl1 = CodeBase + 4;
        RunProgram(0xD69F03E0, 0xD53B00E2, 0xD50B7421);   // eret ; mrs x2, dczid_el0 ; dc zva, x1
        Assert.Equal(ExceptionClass.SysReg64, Ec);
        Assert.Equal(0x14UL, cpu.X(2));                    // DZP = 1, BS = 4
    }

    [Theory]
    [InlineData(0xD50B7E21u, Hcr.TPCP)]   // dc civac
    [InlineData(0xD50B7A21u, Hcr.TPCP)]   // dc cvac
    [InlineData(0xD5087621u, Hcr.TPCP)]   // dc ivac
    [InlineData(0xD50B7B21u, Hcr.TPU)]    // dc cvau
    [InlineData(0xD50B7521u, Hcr.TPU)]    // ic ivau
    [InlineData(0xD508751Fu, Hcr.TPU)]    // ic iallu
    [InlineData(0xD508711Fu, Hcr.TPU)]    // ic ialluis
    [InlineData(0xD5087641u, Hcr.TSW)]    // dc isw
    [InlineData(0xD5087A41u, Hcr.TSW)]    // dc csw
    [InlineData(0xD5087E41u, Hcr.TSW)]    // dc cisw
    [InlineData(0xD50B7421u, Hcr.TDZ)]    // dc zva
    public void HcrEl2TrapBits_SendCacheInstructionsToEl2(uint insn, ulong hcrBit)
    {
        var cpu = Machine();
        cpu.Xr[1] = DataBase;
        cpu.HcrEl2 = hcrBit;
        Load(CodeBase, insn, Brk7ff);
        var exit = RunToException(CodeBase);
        Assert.Equal(ExitReason.TrapToEl2, exit.Reason);
        Assert.Equal(ExceptionClass.SysReg64, exit.Esr >> 26);
        Assert.Equal(CodeBase, cpu.ExitReturnPc);

        // Any other trap bit leaves the instruction alone.
        cpu.HcrEl2 = ((Hcr.TPCP | Hcr.TPU | Hcr.TSW | Hcr.TDZ) & ~hcrBit) | Hcr.DC;   // DC: Normal memory, so ZVA may run
        cpu.FlushTlb();
        exit = RunToException(CodeBase);
        Assert.NotEqual(ExitReason.TrapToEl2, exit.Reason);
        Assert.Equal(ExceptionClass.Brk64, Ec);
    }

    [Fact]
    public void DcZva_ZeroesTheAlignedBlock_AndFaultsOnDeviceMemory()
    {
        var cpu = Machine();
        for (ulong a = DataBase; a < DataBase + 128; a += 8) _ram.WriteRaw(a, 8, ulong.MaxValue);
        cpu.Xr[1] = DataBase + 0x45;                       // inside the second 64-byte block
        cpu.HcrEl2 = Hcr.DC;                               // MMU off but Normal WB: ZVA allowed
        RunProgram(0xD50B7421);
        Assert.Equal(ExceptionClass.Brk64, Ec);
        Assert.Equal(ulong.MaxValue, _ram.ReadRaw(DataBase + 0x38, 8));
        for (ulong a = DataBase + 0x40; a < DataBase + 0x80; a += 8) Assert.Equal(0UL, _ram.ReadRaw(a, 8));

        cpu.HcrEl2 = 0;                                    // MMU off: Device-nGnRnE
        cpu.FlushTlb();
        RunToException(CodeBase);
        Assert.Equal(ExceptionClass.DataAbortSameEl, Ec);
        Assert.Equal(FaultStatus.Alignment, Iss & 0x3F);
        Assert.Equal(0u, (Iss >> 8) & 1);                  // ZVA is a store: CM = 0
        Assert.Equal(1u, (Iss >> 6) & 1);                  // WnR
    }

    [Fact]
    public void DcCivac_OnUnmappedAddress_ReportsCacheMaintenanceFault()
    {
        var cpu = Machine();
        cpu.Xr[1] = 1UL << 45;                             // above the 40-bit PA size: address size fault, MMU off
        RunProgram(0xD50B7E21);
        Assert.Equal(ExceptionClass.DataAbortSameEl, Ec);
        Assert.Equal(1u, (Iss >> 8) & 1);                  // CM
        Assert.Equal(1u, (Iss >> 6) & 1);                  // WnR = 1 for maintenance
    }

    [Fact]
    public void GuestDcCivac_MakesHostCacheableWriteVisibleToMmuOffReads()
    {
        var cpu = Machine(CacheConfig.CortexA57(2));
        var model = Model;
        Assert.True(model.TryWrite(MemoryAgents.Host, DataBase, 8, AccessKind.Write, MemoryAttributes.NormalWriteBackInnerShareable, 0x1234));
        Assert.True(model.TryRead(0, DataBase, 8, AccessKind.Read, MemoryAttributes.DeviceNGnRnE, out ulong stale));
        Assert.Equal(0UL, stale);
        cpu.Xr[1] = DataBase;
        RunProgram(0xD50B7E21);                            // dc civac, x1 (MMU off: Device, outer shareable scope)
        Assert.Equal(ExceptionClass.Brk64, Ec);
        Assert.Equal(0x1234UL, model.PeekMemory(DataBase, 8));
        Assert.Empty(model.Holders(DataBase));
    }

    [Theory]
    [InlineData(0UL, 0UL)]             // EL1 without stage 2: a real invalidate (MMU off: Device, whole system), the host's dirty data is lost
    [InlineData(Hcr.VM, 0x5555UL)]     // stage 2 enabled: performed as DC CIVAC, the data reaches memory
    [InlineData(Hcr.DC, 0x5555UL)]     // HCR_EL2.DC: CIVAC on Normal WB non-shareable: only this PE's caches, the host's line is kept
    public void DcIvacAtEl1_UnderStage2_NeverLosesDirtyData(ulong hcr, ulong expected)
    {
        var cpu = Machine(CacheConfig.CortexA57(2));
        var model = Model;
        var wb = MemoryAttributes.NormalWriteBackInnerShareable;
        model.TryWrite(MemoryAgents.Host, DataBase, 8, AccessKind.Write, wb, 0x5555);
        cpu.HcrEl2 = hcr;
        cpu.Xr[1] = DataBase;
        RunProgram(0xD5087621);                            // dc ivac, x1
        Assert.Equal(ExceptionClass.Brk64, Ec);
        Assert.True(model.TryRead(MemoryAgents.Host, DataBase, 8, AccessKind.Read, wb, out ulong seen));
        Assert.Equal(expected, seen);
        if (hcr == Hcr.VM) Assert.Equal(0x5555UL, model.PeekMemory(DataBase, 8));
        Assert.Equal(1, model.Statistics.For(hcr == 0 ? CacheMaintenanceOp.DcIvac : CacheMaintenanceOp.DcCivac).Count);
    }

    [Fact]
    public void DcCiswAndHcrSwio_ActOnTheExecutingCpusL1()
    {
        var cpu = Machine(CacheConfig.CortexA57(2));
        var model = Model;
        var wbNsh = MemoryAttributes.Normal(Cacheability.WriteBack, Cacheability.WriteBack, Shareability.NonShareable);
        model.TryWrite(0, DataBase, 8, AccessKind.Write, wbNsh, 0x99);   // dirty in cpu0's L1D
        var l1 = model.DataCacheOf(0, 1)!;
        int set = (int)(DataBase >> 6) & (l1.Sets - 1);
        int way = Enumerable.Range(0, l1.Ways).First(w => l1.Tags[set * l1.Ways + w] == DataBase >> 6);
        cpu.Xr[1] = ((ulong)way << 31) | ((ulong)set << 6);           // level 1 (field 0), 2 ways: A = 1
        cpu.HcrEl2 = Hcr.SWIO;
        RunProgram(0xD5087641);                                        // dc isw, x1: performed as CISW
        Assert.Equal(ExceptionClass.Brk64, Ec);
        Assert.Equal(LineState.Invalid, model.StateOf(l1, DataBase));
        Assert.Equal(LineState.Dirty, model.StateOf(model.DataCacheOf(0, 2)!, DataBase));   // kept, one level down
        Assert.Equal(1, model.Statistics.For(CacheMaintenanceOp.DcCisw).LinesCleaned);
    }

    [Fact]
    public void IcIallu_WithHcrFb_Broadcasts()
    {
        var cpu = Machine(CacheConfig.CortexA57(2));
        var model = Model;
        var wb = MemoryAttributes.NormalWriteBackInnerShareable;
        model.TryRead(1, DataBase, 4, AccessKind.Fetch, wb, out _);   // cpu1's L1I holds a line
        RunProgram(0xD508751F);                                       // ic iallu (local)
        Assert.Equal(1, model.InstructionCacheOf(1)!.ValidLines());
        cpu.HcrEl2 = Hcr.FB;
        RunToException(CodeBase);
        Assert.Equal(0, model.InstructionCacheOf(1)!.ValidLines());
        Assert.Equal(1, model.Statistics.For(CacheMaintenanceOp.IcIalluis).Count);
    }

    /// <summary>
    /// Self-modifying code: "b target" runs target (BRK #0x111), the CPU then stores BRK #0x222 over it (a
    /// cacheable store, HCR_EL2.DC makes MMU-off data Normal WB), cleans it to PoU, optionally invalidates the
    /// I-cache, and branches to target again. Returns the BRK immediate observed the second time.
    /// </summary>
    private uint SelfModify(CacheConfig? caches, bool icIvau)
    {
        var cpu = Machine(caches);
        cpu.HcrEl2 = Hcr.DC;
        ulong target = CodeBase + 0x40;
        Load(CodeBase,
            0x14000010,                          // b target
            0xD50B7B21,                          // dc cvau, x1
            0xD5033B9F,                          // dsb ish
            icIvau ? 0xD50B7521 : 0xD503201F,    // ic ivau, x1  |  nop
            0xD5033B9F,                          // dsb ish
            0xD5033FDF,                          // isb
            0x1400000A);                         // b target
        Load(target, 0xD4202220);                // brk #0x111
        cpu.Xr[1] = target;
        RunToException(CodeBase);
        Assert.Equal(0x111u, Iss & 0xFFFF);
        // The store of the new instruction, as the CPU's STR would perform it (Normal WB non-shareable under HCR_EL2.DC).
        var attrs = MemoryAttributes.Normal(Cacheability.WriteBack, Cacheability.WriteBack, Shareability.NonShareable);
        Assert.True(cpu.Memory.TryWrite(0, target, 4, AccessKind.Write, attrs, 0xD4204440));   // brk #0x222
        RunToException(CodeBase + 4);
        return Iss & 0xFFFF;
    }

    [Fact]
    public void SelfModifyingCode_WithoutIcIvau_RunsStaleInstruction_WhenDicIsZero() =>
        Assert.Equal(0x111u, SelfModify(CacheConfig.CortexA57(1), icIvau: false));

    [Fact]
    public void SelfModifyingCode_WithIcIvau_RunsNewInstruction() =>
        Assert.Equal(0x222u, SelfModify(CacheConfig.CortexA57(1), icIvau: true));

    [Fact]
    public void SelfModifyingCode_WithDic_RunsNewInstructionWithoutIcIvau() =>
        Assert.Equal(0x222u, SelfModify(CacheConfig.CortexA57(1) with { Dic = true }, icIvau: false));

    [Fact]
    public void SelfModifyingCode_FlatMemory_IsCoherent() =>
        Assert.Equal(0x222u, SelfModify(null, icIvau: false));
}
