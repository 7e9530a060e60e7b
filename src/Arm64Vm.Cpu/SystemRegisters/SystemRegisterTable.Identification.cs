namespace Arm64Vm.Cpu;

/// <summary>Identification registers: they describe exactly what this implementation provides.</summary>
public static partial class SystemRegisterTable
{
    /// <summary>MIDR_EL1 of a Cortex-A57 r1p0 (implementer 0x41, part 0xD07).</summary>
    public const ulong CortexA57Midr = 0x411F_D070;

    private static void AddIdentification(List<SysRegDef> list)
    {
        list.Add(Id("MIDR_EL1", 3, 0, 0, 0, 0, c => c.VpidrEl2 != 0 ? c.VpidrEl2 : CortexA57Midr));
        // MPIDR_EL1: bit 31 RES1, U = 0 (part of a multiprocessor system), Aff0 = CPU index (or VMPIDR_EL2 from the host).
        list.Add(Id("MPIDR_EL1", 3, 0, 0, 0, 5, c => c.VmpidrEl2 != 0 ? c.VmpidrEl2 : 0x8000_0000UL | (uint)c.Index));
        list.Add(Id("REVIDR_EL1", 3, 0, 0, 0, 6, _ => 0));
        list.Add(Id("AIDR_EL1", 3, 1, 0, 0, 7, _ => 0));

        // The rest of the ID space op0=3, op1=0, CRn=0, CRm=1..7 is RAZ when not allocated (Arm ARM D24.2,
        // "Reserved ID registers"); the AArch32 ID registers read as zero on an AArch64-only PE.
        var named = new Dictionary<(int, int), SysRegDef>
        {
            [(4, 0)] = Id("ID_AA64PFR0_EL1", 3, 0, 0, 4, 0, IdAa64Pfr0),
            [(4, 1)] = Id("ID_AA64PFR1_EL1", 3, 0, 0, 4, 1, _ => 0),
            [(5, 0)] = Id("ID_AA64DFR0_EL1", 3, 0, 0, 5, 0, _ => IdAa64Dfr0),
            [(5, 1)] = Id("ID_AA64DFR1_EL1", 3, 0, 0, 5, 1, _ => 0),
            [(5, 4)] = Id("ID_AA64AFR0_EL1", 3, 0, 0, 5, 4, _ => 0),
            [(5, 5)] = Id("ID_AA64AFR1_EL1", 3, 0, 0, 5, 5, _ => 0),
            [(6, 0)] = Id("ID_AA64ISAR0_EL1", 3, 0, 0, 6, 0, IdAa64Isar0),
            [(6, 1)] = Id("ID_AA64ISAR1_EL1", 3, 0, 0, 6, 1, IdAa64Isar1),
            [(7, 0)] = Id("ID_AA64MMFR0_EL1", 3, 0, 0, 7, 0, IdAa64Mmfr0),
            [(7, 1)] = Id("ID_AA64MMFR1_EL1", 3, 0, 0, 7, 1, _ => 0),
            [(7, 2)] = Id("ID_AA64MMFR2_EL1", 3, 0, 0, 7, 2, IdAa64Mmfr2),
        };
        for (int crm = 1; crm <= 7; crm++)
            for (int op2 = 0; op2 < 8; op2++)
                list.Add(named.TryGetValue((crm, op2), out var d) ? d : Id($"ID_RAZ_C{crm}_{op2}", 3, 0, 0, crm, op2, _ => 0));
    }

    /// <summary>ID_AA64PFR0_EL1: EL0 and EL1 AArch64-only; EL2/EL3 not visible to the guest; FP/AdvSIMD per features.</summary>
    private static ulong IdAa64Pfr0(CpuCore c)
    {
        ulong v = 0x1 | (0x1 << 4);          // EL0, EL1: AArch64 only
        ulong fp = c.Features.FpSimd ? 0x0UL : 0xFUL;
        v |= fp << 16 | fp << 20;            // FP, AdvSIMD: 0 = implemented, 0xF = not implemented
        if (c.GicCpuInterface is { SystemRegisterInterface: true }) v |= 1UL << 24;   // GIC: GICv3 system registers (IRQ-1)
        return v;
    }

    /// <summary>
    /// ID_AA64DFR0_EL1: Armv8.0 debug (DebugVer 6), PMUv3 (PMUVer 1, SystemRegisterTable.Pmu.cs) and the debug unit
    /// of DBG-1: BRPs = 6 - 1, WRPs = 4 - 1, CTX_CMPs = 2 - 1 (fields hold the count minus one).
    /// </summary>
    private const ulong IdAa64Dfr0 = 0x6 | (0x1UL << 8) | ((ulong)(DebugUnit.Breakpoints - 1) << 12)
        | ((ulong)(DebugUnit.Watchpoints - 1) << 20) | ((ulong)(DebugUnit.ContextBreakpoints - 1) << 28);

    /// <summary>ID_AA64ISAR1_EL1: DPB [3:0] = 1 when FEAT_DPB (DC CVAP); LRCPC [23:20] = 1 when FEAT_LRCPC (LDAPR) is implemented.</summary>
    private static ulong IdAa64Isar1(CpuCore c) => (c.Features.Lrcpc ? 1UL << 20 : 0) | (c.Features.Dpb ? 1UL : 0);

    /// <summary>ID_AA64ISAR0_EL1: AES/PMULL, SHA1, SHA2, CRC32, LSE atomics as implemented.</summary>
    private static ulong IdAa64Isar0(CpuCore c)
    {
        var f = c.Features;
        ulong v = 0;
        if (f.Aes) v |= (f.Pmull ? 2UL : 1UL) << 4;
        if (f.Sha1) v |= 1UL << 8;
        if (f.Sha256) v |= 1UL << 12;
        if (f.Crc32) v |= 1UL << 16;
        if (f.Lse) v |= 2UL << 20;
        return v;
    }

    /// <summary>ID_AA64MMFR2_EL1: FWB [43:40] = 1 when FEAT_FWB is implemented; every other feature of the register is absent.</summary>
    private static ulong IdAa64Mmfr2(CpuCore c) => c.Features.Fwb ? 1UL << 40 : 0;

    /// <summary>ID_AA64MMFR0_EL1: PARange, 16-bit ASIDs, little-endian only, granules as implemented.</summary>
    private static ulong IdAa64Mmfr0(CpuCore c)
    {
        var f = c.Features;
        ulong paRange = f.PaBits switch { 32 => 0, 36 => 1, 40 => 2, 42 => 3, 44 => 4, 48 => 5, _ => 6 };
        ulong v = paRange | (2UL << 4);       // ASIDBits = 16
        v |= (f.Granule16K ? 1UL : 0UL) << 20;
        v |= (f.Granule64K ? 0UL : 0xFUL) << 24;
        v |= (f.Granule4K ? 0UL : 0xFUL) << 28;
        return v;
    }
}
