using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Cpu;

/// <summary>
/// Cache maintenance instructions (Arm ARM C5.3, "A64 system instructions for cache maintenance") and the cache
/// identification registers CTR_EL0, DCZID_EL0, CLIDR_EL1, CCSIDR_EL1, generated from the memory system's
/// configured hierarchy so the guest sees what is modelled. The operations themselves are in CacheMaintenance.
/// </summary>
public static partial class SystemRegisterTable
{
    /// <summary>SCTLR_EL1 bits that open cache instructions and registers to EL0 (Arm ARM D24.2.118).</summary>
    private const ulong SctlrUci = 1UL << 26, SctlrUct = 1UL << 15, SctlrDze = 1UL << 14;

    static partial void AddCacheInstructions(List<SysRegDef> list)
    {
        // DC by VA to PoC/PoU: EL0 only with SCTLR_EL1.UCI (else trapped to EL1).
        list.Add(Sys("DC CIVAC", 3, 7, 14, 1, (c, x) => CacheMaintenance.DcByVa(c, x, CacheMaintenanceOp.DcCivac), minEl: 0, trap: UciTrap));
        list.Add(Sys("DC CVAC", 3, 7, 10, 1, (c, x) => CacheMaintenance.DcByVa(c, x, CacheMaintenanceOp.DcCvac), minEl: 0, trap: UciTrap));
        list.Add(Sys("DC CVAU", 3, 7, 11, 1, (c, x) => CacheMaintenance.DcByVa(c, x, CacheMaintenanceOp.DcCvau), minEl: 0, trap: UciTrap));
        list.Add(Sys("DC CVAP", 3, 7, 12, 1, (c, x) => CacheMaintenance.DcByVa(c, x, CacheMaintenanceOp.DcCvap), minEl: 0,
            trap: (c, r) => !c.Features.Dpb ? SysRegTrap.Undefined : UciTrap(c, r)));
        list.Add(Sys("IC IVAU", 3, 7, 5, 1, (c, x) => CacheMaintenance.IcIvau(c, x), minEl: 0, trap: UciTrap));
        // DC ZVA: EL0 only with SCTLR_EL1.DZE.
        list.Add(Sys("DC ZVA", 3, 7, 4, 1, CacheMaintenance.DcZva, minEl: 0,
            trap: (c, _) => c.El == 0 && (c.SysRegs.SctlrEl1 & SctlrDze) == 0 ? SysRegTrap.TrapToEl1 : SysRegTrap.None));
        // EL1-only operations.
        list.Add(Sys("DC IVAC", 0, 7, 6, 1, (c, x) => CacheMaintenance.DcByVa(c, x, CacheMaintenanceOp.DcIvac)));
        list.Add(Sys("DC ISW", 0, 7, 6, 2, (c, x) => CacheMaintenance.DcSetWay(c, x, CacheMaintenanceOp.DcIsw)));
        list.Add(Sys("DC CSW", 0, 7, 10, 2, (c, x) => CacheMaintenance.DcSetWay(c, x, CacheMaintenanceOp.DcCsw)));
        list.Add(Sys("DC CISW", 0, 7, 14, 2, (c, x) => CacheMaintenance.DcSetWay(c, x, CacheMaintenanceOp.DcCisw)));
        list.Add(Sys("IC IALLUIS", 0, 7, 1, 0, (c, _) => CacheMaintenance.IcIallu(c, broadcast: true)));
        list.Add(Sys("IC IALLU", 0, 7, 5, 0, (c, _) => CacheMaintenance.IcIallu(c, broadcast: false)));

        // Identification (registers, listed here because they describe the same hierarchy).
        list.Add(Id("CTR_EL0", 3, 3, 0, 0, 1, c => CacheIdentification.Ctr(c.Memory.Caches), minEl: 0,
            trap: (c, _) => c.El == 0 && (c.SysRegs.SctlrEl1 & SctlrUct) == 0 ? SysRegTrap.TrapToEl1 : SysRegTrap.None));
        list.Add(Id("DCZID_EL0", 3, 3, 0, 0, 7, CacheIdentification.Dczid, minEl: 0));
        list.Add(Id("CLIDR_EL1", 3, 1, 0, 0, 1, c => CacheIdentification.Clidr(c.Memory.Caches)));
        list.Add(Id("CCSIDR_EL1", 3, 1, 0, 0, 0, c => CacheIdentification.Ccsidr(c.Memory.Caches, c.SysRegs.CsselrEl1)));
    }

    private static SysRegTrap UciTrap(CpuCore c, bool read) =>
        c.El == 0 && (c.SysRegs.SctlrEl1 & SctlrUci) == 0 ? SysRegTrap.TrapToEl1 : SysRegTrap.None;

    private static readonly HashSet<string> TswOps = new() { "DC ISW", "DC CSW", "DC CISW" };
    private static readonly HashSet<string> TpcpOps = new() { "DC CIVAC", "DC CVAC", "DC IVAC", "DC CVAP" };
    private static readonly HashSet<string> TpuOps = new() { "IC IVAU", "IC IALLU", "IC IALLUIS", "DC CVAU" };

    /// <summary>
    /// HCR_EL2 traps of cache maintenance from EL0/EL1 (Arm ARM D24.2.48): TSW (set/way), TPCP (DC by VA to PoC and
    /// PoP), TPU (PoU maintenance and IC), TDZ (DC ZVA). Called by <see cref="El2Trap"/> for SYS rows.
    /// </summary>
    internal static bool CacheInstructionEl2Trap(CpuCore cpu, SysRegDef def)
    {
        ulong hcr = cpu.HcrEl2;
        if ((hcr & (Hcr.TSW | Hcr.TPCP | Hcr.TPU | Hcr.TDZ)) == 0) return false;
        return ((hcr & Hcr.TSW) != 0 && TswOps.Contains(def.Name))
            || ((hcr & Hcr.TPCP) != 0 && TpcpOps.Contains(def.Name))
            || ((hcr & Hcr.TPU) != 0 && TpuOps.Contains(def.Name))
            || ((hcr & Hcr.TDZ) != 0 && def.Name == "DC ZVA");
    }
}

/// <summary>ID register values computed from a <see cref="CacheConfig"/> (Arm ARM D24.2: CTR_EL0, CLIDR_EL1, CCSIDR_EL1, DCZID_EL0).</summary>
public static class CacheIdentification
{
    private static int Log2(int v) => System.Numerics.BitOperations.Log2((uint)v);

    /// <summary>CTR_EL0: RES1 bit 31, DIC, IDC, CWG, ERG, DminLine, L1Ip = PIPT, IminLine.</summary>
    public static ulong Ctr(CacheConfig cfg)
    {
        ulong words = (ulong)Log2(CacheConfig.LineSize / 4);
        ulong v = 1UL << 31;
        if (cfg.Dic) v |= 1UL << 29;
        if (cfg.Idc) v |= 1UL << 28;
        v |= words << 24;                 // CWG: the write-back granule is one line
        v |= (ulong)(GlobalExclusiveMonitor.GranuleShift - 2) << 20;  // ERG: the monitor's granule, in words
        v |= words << 16;                 // DminLine
        v |= 3UL << 14;                   // L1Ip: PIPT
        v |= words;                       // IminLine
        return v;
    }

    /// <summary>
    /// CLIDR_EL1: level 1 separate I and D, level 2 unified; the system cache is not reported (as on real systems,
    /// so set/way cannot reach it). LoUU = LoUIS = levels before PoU; LoC = levels before PoC.
    /// </summary>
    public static ulong Clidr(CacheConfig cfg)
    {
        ulong levels = 2;
        ulong lou = cfg.PointOfUnification == CachePoint.L2 ? 1UL : 2UL;
        ulong loc = levels;
        return 0b011UL | (0b100UL << 3) | (lou << 21) | (loc << 24) | (lou << 27);
    }

    /// <summary>CCSIDR_EL1 for CSSELR_EL1 (Level [3:1], InD [0]); 0 for a cache that is not implemented.</summary>
    public static ulong Ccsidr(CacheConfig cfg, ulong csselr)
    {
        int level = (int)((csselr >> 1) & 7) + 1;
        bool instruction = (csselr & 1) != 0;
        CacheGeometry? g = (level, instruction) switch
        {
            (1, true) => cfg.L1I,
            (1, false) => cfg.L1D,
            (2, false) => cfg.L2,
            _ => null,
        };
        if (g == null) return 0;
        ulong sets = (ulong)g.Sets(CacheConfig.LineSize);
        ulong policy = instruction ? 0x2UL : 0x7UL;        // [31:28] WT, WB, RA, WA
        return (policy << 28) | ((sets - 1) << 13) | ((ulong)(uint)(g.Ways - 1) << 3) | (ulong)(uint)(Log2(CacheConfig.LineSize) - 4);
    }

    /// <summary>DCZID_EL0: BS = log2(words) of the DC ZVA block; DZP set when DC ZVA is prohibited at the current EL.</summary>
    public static ulong Dczid(CpuCore c)
    {
        ulong v = (ulong)c.Features.DczBlockLog2Words & 0xF;
        bool prohibited = (c.El == 0 && (c.SysRegs.SctlrEl1 & (1UL << 14)) == 0) || (c.HcrEl2 & Hcr.TDZ) != 0;
        if (prohibited) v |= 1UL << 4;
        return v;
    }
}
