using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// PMUv3 (Arm ARM (DDI 0487K.a) chapter D12): counters programmed by the guest count retired instructions exactly
/// (in blocks as one instruction at a time), follow the EL filters, chain, overflow into PMOVSSET and raise the
/// overflow interrupt level, and PMUSERENR_EL0 governs EL0 access.
/// </summary>
public class PmuTests
{
    private const uint AddX0One = 0x91000400;        // add x0, x0, #1
    private const uint Eret = 0xD69F03E0;
    private const uint Svc0 = 0xD4000001;

    private static uint Msr(int op1, int crn, int crm, int op2, int rt) =>
        0xD5180000u | (uint)(op1 << 16) | (uint)(crn << 12) | (uint)(crm << 8) | (uint)(op2 << 5) | (uint)rt;

    private static uint Mrs(int op1, int crn, int crm, int op2, int rt) => Msr(op1, crn, crm, op2, rt) | 1u << 21;

    private static uint MsrPmcr(int rt) => Msr(3, 9, 12, 0, rt);
    private static uint MsrPmcntenset(int rt) => Msr(3, 9, 12, 1, rt);
    private static uint MsrPmevtyper(int n, int rt) => Msr(3, 14, 12, n, rt);
    private static uint MrsPmevcntr(int n, int rt) => Mrs(3, 14, 8, n, rt);
    private static uint MsrElr(int rt) => Msr(0, 4, 0, 1, rt);
    private static uint MsrSpsr(int rt) => Msr(0, 4, 0, 0, rt);

    /// <summary>A harness whose PMU counts <paramref name="events"/> on counters 0, 1, ... with PMCR_EL0.E set.</summary>
    private static CpuHarness Counting(params uint[] events)
    {
        var h = new CpuHarness();
        for (int i = 0; i < events.Length; i++) h.Cpu.Pmu.WriteType(i, events[i]);
        h.Cpu.Pmu.SetEnabled((1u << events.Length) - 1);
        h.Cpu.Pmu.WritePmcr(1);
        return h;
    }

    /// <summary>Counter 0 counts INST_RETIRED from the MSR that sets PMCR_EL0.E; ten ADDs, then the MRS reads it.</summary>
    private static CpuHarness InstRetiredProgram()
    {
        var h = new CpuHarness();
        h.Cpu.SetX(1, Pmu.InstRetired);
        h.Cpu.SetX(2, 1);
        h.Cpu.SetX(3, 1);
        h.Load(CpuHarness.CodeBase, new[] { MsrPmevtyper(0, 1), MsrPmcntenset(2), MsrPmcr(3) }
            .Concat(Enumerable.Repeat(AddX0One, 10)).Append(MrsPmevcntr(0, 4)).Append(CpuHarness.Stop).ToArray());
        return h;
    }

    [Fact]
    public void InstRetiredCountsEveryInstructionAfterTheEnableExactlyInBlocksAndOneAtATime()
    {
        using var blocks = InstRetiredProgram();
        blocks.Cpu.Run(14);
        using var single = InstRetiredProgram();
        for (int i = 0; i < 14; i++) single.Cpu.Run(1);
        // The ten ADDs and the MRS that reads the counter (the enabling MSR counts before the enable).
        Assert.Equal(11UL, blocks.Cpu.X(4));
        Assert.Equal(11UL, single.Cpu.X(4));
    }

    [Fact]
    public void ElFiltersSplitTheCountBetweenEl1AndEl0()
    {
        using var h = new CpuHarness();
        const ulong el0Code = CpuHarness.CodeBase + 0x100;
        h.Cpu.SetX(1, Pmu.InstRetired | 1UL << 30);   // counter 0: U = 1, EL1 only
        h.Cpu.SetX(5, Pmu.InstRetired | 1UL << 31);   // counter 1: P = 1, EL0 only
        h.Cpu.SetX(2, 3);
        h.Cpu.SetX(3, 1);
        h.Cpu.SetX(6, el0Code);
        h.Load(CpuHarness.CodeBase, MsrPmevtyper(0, 1), MsrPmevtyper(1, 5), MsrPmcntenset(2), MsrElr(6), MsrSpsr(31), MsrPmcr(3), Eret);
        h.Load(el0Code, AddX0One, AddX0One, AddX0One, AddX0One, AddX0One, Svc0);
        // Lower EL synchronous vector: read both counters.
        h.Load(CpuHarness.VectorBase + 0x400, MrsPmevcntr(0, 7), MrsPmevcntr(1, 8), CpuHarness.Stop);
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.Run(7 + 6 + 2);
        Assert.Equal(CpuHarness.VectorBase + 0x408, h.Cpu.Pc);
        Assert.Equal(2UL, h.Cpu.X(7));   // EL1: the ERET and the MRS that reads counter 0
        Assert.Equal(6UL, h.Cpu.X(8));   // EL0: five ADDs and the SVC
    }

    [Fact]
    public void ChainCountsTheOverflowsOfItsEvenPartnerAndOverflowSetsPmovsAndTheInterrupt()
    {
        using var h = Counting(Pmu.InstRetired, Pmu.Chain);
        var pmu = h.Cpu.Pmu;
        pmu.WriteCounter(0, 0xFFFF_FFF0);
        h.Load(CpuHarness.CodeBase, Enumerable.Repeat(AddX0One, 40).ToArray());
        h.Cpu.Run(15);
        Assert.Equal(0xFFFF_FFFFUL, pmu.ReadCounter(0));
        Assert.Equal(0UL, pmu.ReadCounter(1));
        Assert.Equal(0u, pmu.SampleOverflows());
        h.Cpu.Run(5);
        Assert.Equal(4UL, pmu.ReadCounter(0));
        Assert.Equal(1UL, pmu.ReadCounter(1));
        Assert.Equal(1u, pmu.SampleOverflows());
        Assert.False(h.Cpu.PmuInterruptAsserted);          // PMINTENSET clear
        pmu.SetInterruptEnables(1);
        Assert.True(h.Cpu.PmuInterruptAsserted);
        pmu.ClearOverflows(1);
        Assert.False(h.Cpu.PmuInterruptAsserted);          // cleared, and counter 0 has not overflowed again
        pmu.WritePmcr(0);
        h.Cpu.Run(5);
        Assert.Equal(4UL, pmu.ReadCounter(0));             // PMCR.E = 0 stops every counter
    }

    [Fact]
    public void PmcrResetsAndCycleCounterCountsOnePerInstruction()
    {
        using var h = new CpuHarness();
        var pmu = h.Cpu.Pmu;
        pmu.SetEnabled(1u << 31);
        pmu.WritePmcr(1);
        h.Load(CpuHarness.CodeBase, Enumerable.Repeat(AddX0One, 40).ToArray());
        h.Cpu.Run(12);
        Assert.Equal(12UL, pmu.ReadCounter(Pmu.Cycle));   // CPU_CYCLES: one per instruction (specs/deviations.md, PMU)
        pmu.WritePmcr(1 | 4);                             // C: reset the cycle counter
        h.Cpu.Run(3);
        Assert.Equal(3UL, pmu.ReadCounter(Pmu.Cycle));
        Assert.Equal(6UL, (pmu.ReadPmcr() >> 11) & 0x1F);  // N = 6
    }

    [Fact]
    public void Pmceid0ListsExactlyTheImplementedEvents()
    {
        using var h = new CpuHarness();
        h.Load(CpuHarness.CodeBase, Mrs(3, 9, 12, 6, 9), CpuHarness.Stop);
        h.Cpu.Run(1);
        ulong expected = 1UL << 0x00 | 1UL << 0x08 | 1UL << 0x09 | 1UL << 0x0A | 1UL << 0x11 | 1UL << 0x13 | 1UL << 0x1B | 1UL << 0x1E;
        Assert.Equal(expected, h.Cpu.X(9));
        // An event the PMU does not implement (0x04, L1D_CACHE) does not count.
        var pmu = h.Cpu.Pmu;
        pmu.WriteType(0, 0x04);
        pmu.SetEnabled(1);
        pmu.WritePmcr(1);
        h.Load(CpuHarness.CodeBase + 8, AddX0One, AddX0One, AddX0One);
        h.Cpu.Pc = CpuHarness.CodeBase + 8;
        h.Cpu.Run(3);
        Assert.Equal(0UL, pmu.ReadCounter(0));
    }

    [Fact]
    public void SoftwareIncrementCountsOnlyOnSwIncrCounters()
    {
        using var h = Counting(Pmu.SwIncr, Pmu.ExcTaken);
        var pmu = h.Cpu.Pmu;
        h.Cpu.SetX(2, 3);
        h.Load(CpuHarness.CodeBase, Msr(3, 9, 12, 4, 2), Msr(3, 9, 12, 4, 2), CpuHarness.Stop);
        h.Cpu.Run(2);
        Assert.Equal(2UL, pmu.ReadCounter(0));
        Assert.Equal(0UL, pmu.ReadCounter(1));
    }

    [Theory]
    [InlineData(0UL, true)]
    [InlineData(1UL, false)]   // EN
    [InlineData(8UL, false)]   // ER: event counter reads
    [InlineData(4UL, true)]    // CR covers only the cycle counter
    public void El0ReadOfAnEventCounterTrapsUnlessPmuserenrAllowsIt(ulong pmuserenr, bool traps)
    {
        using var h = new CpuHarness();
        const ulong el0Code = CpuHarness.CodeBase + 0x100;
        h.Cpu.Pmu.WriteUserEnable(pmuserenr);
        h.Cpu.SetX(6, el0Code);
        h.Load(CpuHarness.CodeBase, MsrElr(6), MsrSpsr(31), Eret);
        h.Load(el0Code, MrsPmevcntr(0, 7), Svc0);
        h.Load(CpuHarness.VectorBase + 0x400, CpuHarness.Stop);
        h.Cpu.Run(4);
        if (traps)
        {
            Assert.Equal(CpuHarness.VectorBase + 0x400, h.Cpu.Pc);
            Assert.Equal(ExceptionClass.SysReg64, (uint)(h.Cpu.SysRegs.EsrEl1 >> 26));
        }
        else
        {
            Assert.Equal(el0Code + 4, h.Cpu.Pc);
            Assert.Equal(0, h.Cpu.El);
        }
    }

    /// <summary>A one-PE machine with the cache model (state mode) and MMU-off data made Normal write-back by HCR_EL2.DC.</summary>
    private static (Ram Ram, CpuCore Cpu) CacheModelMachine()
    {
        var map = new PhysicalMemoryMap();
        var ram = map.AddRam(CpuHarness.RamBase, CpuHarness.RamSize);
        var cpu = new CpuSystem(new CacheMemorySystem(map, CacheConfig.CortexA57(1))).AddCpu();
        FlatStage2.Install(cpu);
        cpu.HcrEl2 = Hcr.DC;
        return (ram, cpu);
    }

    [Fact]
    public void StrideOverNLinesGivesNL1dRefillsWithTheCacheModel()
    {
        const int lines = 8;
        var (ram, cpu) = CacheModelMachine();
        using var _ = ram;
        const uint ldrPost64 = 0xF8400400u | 64u << 12 | 2u << 5 | 1u;   // LDR X1, [X2], #64
        for (int i = 0; i <= lines; i++) ram.WriteRaw(CpuHarness.CodeBase + (ulong)i * 4, 4, ldrPost64);
        cpu.SetX(2, CpuHarness.DataBase);
        cpu.Pc = CpuHarness.CodeBase;
        cpu.Run(1);   // the first line: fills the TLB (its walk reads are not part of the measurement)
        var pmu = cpu.Pmu;
        pmu.WriteType(0, Pmu.L1dCacheRefill);
        pmu.WriteType(1, Pmu.L1dCache);
        pmu.WriteType(2, Pmu.L2dCacheRefill);
        pmu.SetEnabled(7);
        pmu.WritePmcr(1);
        cpu.Run(lines);
        Assert.Equal((ulong)lines, pmu.ReadCounter(0));
        Assert.Equal((ulong)lines, pmu.ReadCounter(1));
        Assert.Equal((ulong)lines, pmu.ReadCounter(2));
        ulong cacheEvents = 1UL << 0x01 | 1UL << 0x03 | 1UL << 0x04 | 1UL << 0x14 | 1UL << 0x15 | 1UL << 0x16 | 1UL << 0x17 | 1UL << 0x18;
        Assert.Equal(cacheEvents, pmu.CommonEventIds0() & cacheEvents);
        using var flat = new CpuHarness();
        Assert.Equal(0UL, flat.Cpu.Pmu.CommonEventIds0() & cacheEvents);
    }
}

/// <summary>PMU-MEM: event 0x13 MEM_ACCESS counts data accesses, only while a counter counts it.</summary>
public class PmuMemAccessTests
{
    [Fact]
    public void PMU_MEM_MemAccessCountsEveryDataAccessAndIsAdvertisedInPmceid0()
    {
        using var h = new CpuHarness();
        Assert.NotEqual(0UL, h.Cpu.Pmu.CommonEventIds0() & (1UL << (int)Pmu.MemAccess));
        h.Cpu.Pmu.WriteType(0, Pmu.MemAccess);
        h.Cpu.Pmu.SetEnabled(1);
        h.Cpu.Pmu.WritePmcr(1);
        h.Cpu.SetX(2, CpuHarness.DataBase);
        h.Cpu.SysRegs.CpacrEl1 = 3UL << 20;                  // FP/SIMD enabled
        h.Run(
            0xF9400043,      // ldr x3, [x2]
            0xF9000443,      // str x3, [x2, #8]
            0xA9401043,      // ldp x3, x4, [x2]        (two accesses)
            0x91000400,      // add x0, x0, #1          (none)
            0x3D800040,      // str q0, [x2]            (two 64-bit pieces)
            0x38401443);     // ldrb w3, [x2], #1
        Assert.True(h.StoppedCleanly);
        Assert.Equal(7UL, h.Cpu.Pmu.ReadCounter(0));
    }

    [Fact]
    public void PMU_MEM_NothingCountsAndTheFastPathStaysWhileNoCounterCountsIt()
    {
        using var h = new CpuHarness();
        h.Cpu.Pmu.WriteType(0, Pmu.MemAccess);
        h.Cpu.Pmu.WritePmcr(1);                              // counter 0 not enabled
        h.Cpu.SetX(2, CpuHarness.DataBase);
        h.Run(0xF9400043, 0xF9400043);
        Assert.Equal(0UL, h.Cpu.MemoryAccesses);
        Assert.Equal(1, ((IDirectAccessCounter)h.Cpu).DirectReads);
    }
}
