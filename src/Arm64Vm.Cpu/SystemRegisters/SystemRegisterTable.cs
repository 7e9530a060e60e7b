namespace Arm64Vm.Cpu;

/// <summary>
/// The declarative system-register table (Arm ARM D24, "AArch64 System Register Descriptions"). Every register or
/// SYS instruction the PE implements is one row; an encoding without a row is UNDEFINED, as the architecture says
/// for unimplemented encodings. Later subsystems (MMU, caches) add their SYS rows in their own partial files.
/// </summary>
public static partial class SystemRegisterTable
{
    public static readonly IReadOnlyList<SysRegDef> All = Build();
    private static readonly Dictionary<string, SysRegDef> Names = All.ToDictionary(d => d.Name);
    private static readonly SysRegDef?[] Keys = BuildKeys();

    // Slots of the registers the CPU reads directly (see SystemRegisterFile's typed views).
    internal static readonly int SCTLR_EL1 = Names["SCTLR_EL1"].Slot;
    internal static readonly int VBAR_EL1 = Names["VBAR_EL1"].Slot;
    internal static readonly int ESR_EL1 = Names["ESR_EL1"].Slot;
    internal static readonly int FAR_EL1 = Names["FAR_EL1"].Slot;
    internal static readonly int ELR_EL1 = Names["ELR_EL1"].Slot;
    internal static readonly int SPSR_EL1 = Names["SPSR_EL1"].Slot;
    internal static readonly int TCR_EL1 = Names["TCR_EL1"].Slot;
    internal static readonly int TTBR0_EL1 = Names["TTBR0_EL1"].Slot;
    internal static readonly int TTBR1_EL1 = Names["TTBR1_EL1"].Slot;
    internal static readonly int MAIR_EL1 = Names["MAIR_EL1"].Slot;
    internal static readonly int CPACR_EL1 = Names["CPACR_EL1"].Slot;
    internal static readonly int PAR_EL1 = Names["PAR_EL1"].Slot;
    internal static readonly int CNTKCTL_EL1 = Names["CNTKCTL_EL1"].Slot;
    internal static readonly int CSSELR_EL1 = Names["CSSELR_EL1"].Slot;

    public static SysRegDef ByName(string name) =>
        Names.TryGetValue(name, out var d) ? d : throw new KeyNotFoundException($"no system register {name}");

    public static bool TryGetByName(string name, out SysRegDef def) => Names.TryGetValue(name, out def!);

    /// <summary>Row for bits [20:5] of an MRS/MSR/SYS encoding, or null (UNDEFINED).</summary>
    public static SysRegDef? ByKey(int key) => Keys[key & 0xFFFF];

    private static SysRegDef?[] BuildKeys()
    {
        var keys = new SysRegDef?[1 << 16];
        foreach (var d in All)
        {
            if (keys[d.Key] != null) throw new InvalidOperationException($"{d} duplicates {keys[d.Key]}");
            keys[d.Key] = d;
        }
        return keys;
    }

    private static List<SysRegDef> Build()
    {
        var list = new List<SysRegDef>();
        AddIdentification(list);
        AddControl(list);
        AddSpecialPurpose(list);
        AddDebug(list);
        AddTimer(list);
        AddGic(list);
        AddPmu(list);
        AddInstructions(list);
        for (int i = 0; i < list.Count; i++) list[i].Slot = i;
        return list;
    }

    static partial void AddInstructions(List<SysRegDef> list);

    // ------------------------------------------------------------------------------------------------
    // Trap predicates shared by several rows

    /// <summary>CPACR_EL1.FPEN (Arm ARM D24.2.30): 0b01 traps EL0 only, 0bx0 traps EL0 and EL1, 0b11 traps nothing.</summary>
    internal static SysRegTrap FpTrap(CpuCore cpu, bool read)
    {
        ulong fpen = (cpu.SysRegs.CpacrEl1 >> 20) & 3;
        if (fpen == 3) return SysRegTrap.None;
        if (fpen == 1 && cpu.El == 1) return SysRegTrap.None;
        return SysRegTrap.FpToEl1;
    }

    /// <summary>
    /// HCR_EL2 trap groups (Arm ARM D24.2.48): TVM/TRVM for the virtual memory controls, TID1/TID2/TID3 for ID
    /// registers, TACR for ACTLR_EL1. Only EL1 and EL0 accesses reach here; the host is EL2.
    /// </summary>
    internal static bool El2Trap(CpuCore cpu, SysRegDef def, bool read)
    {
        ulong hcr = cpu.HcrEl2;
        if (hcr == 0) return false;
        if (VmControls.Contains(def.Name))
        {
            if (!read && (hcr & Hcr.TVM) != 0) return true;
            if (read && (hcr & Hcr.TRVM) != 0) return true;
        }
        if ((hcr & Hcr.TID2) != 0 && def.Name is "CTR_EL0" or "CCSIDR_EL1" or "CLIDR_EL1" or "CSSELR_EL1") return true;
        if ((hcr & Hcr.TID3) != 0 && def.Op0 == 3 && def.Op1 == 0 && def.CRn == 0 && def.CRm is >= 1 and <= 7) return true;
        if ((hcr & Hcr.TID1) != 0 && def.Name is "REVIDR_EL1" or "AIDR_EL1") return true;
        if ((hcr & Hcr.TACR) != 0 && def.Name == "ACTLR_EL1") return true;
        return def.Kind == SysRegKind.Instruction && InstructionTrapsToEl2(cpu, def);
    }

    /// <summary>EL2 traps of SYS instructions: one hook per instruction group, each in its owner's file.</summary>
    private static bool InstructionTrapsToEl2(CpuCore cpu, SysRegDef def)
    {
        bool trap = CacheInstructionEl2Trap(cpu, def)                   // HCR_EL2.TSW/TPCP/TPU (SystemRegisterTable.Cache.cs)
                    || (InstructionEl2Trap != null && InstructionEl2Trap(cpu, def));
        TlbInstructionEl2Trap(cpu, def, ref trap);                      // HCR_EL2.TTLB (SystemRegisterTable.Tlb.cs)
        return trap;
    }

    static partial void TlbInstructionEl2Trap(CpuCore cpu, SysRegDef def, ref bool trap);

    /// <summary>EL2 traps of SYS instructions (TSW, TPCP, TPU, TTLB), installed by the subsystem that owns them.</summary>
    internal static Func<CpuCore, SysRegDef, bool>? InstructionEl2Trap;

    /// <summary>The registers HCR_EL2.TVM/TRVM trap (Arm ARM D24.2.48, HCR_EL2.TVM).</summary>
    public static readonly HashSet<string> VmControls = new()
    {
        "SCTLR_EL1", "TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "ESR_EL1", "FAR_EL1", "AFSR0_EL1", "AFSR1_EL1",
        "MAIR_EL1", "AMAIR_EL1", "CONTEXTIDR_EL1",
    };

    private static SysRegDef R(string name, int op0, int op1, int crn, int crm, int op2, ulong reset = 0, int minEl = 1,
        bool readable = true, bool writable = true, ulong writeMask = ulong.MaxValue,
        Func<CpuCore, ulong>? read = null, Action<CpuCore, ulong>? write = null, Func<CpuCore, bool, SysRegTrap>? trap = null) =>
        new()
        {
            Name = name, Op0 = op0, Op1 = op1, CRn = crn, CRm = crm, Op2 = op2, Reset = reset, MinEl = minEl,
            Readable = readable, Writable = writable, WriteMask = writeMask, Read = read, Write = write, Trap = trap,
        };

    /// <summary>A read-only register whose value is computed (ID registers).</summary>
    private static SysRegDef Id(string name, int op0, int op1, int crn, int crm, int op2, Func<CpuCore, ulong> value, int minEl = 1,
        Func<CpuCore, bool, SysRegTrap>? trap = null) =>
        R(name, op0, op1, crn, crm, op2, writable: false, read: value, minEl: minEl, trap: trap);
}
