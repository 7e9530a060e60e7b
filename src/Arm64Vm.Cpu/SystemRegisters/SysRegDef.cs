namespace Arm64Vm.Cpu;

/// <summary>What a system register access must do instead of reading or writing, if anything.</summary>
public enum SysRegTrap
{
    None = 0,
    /// <summary>UNDEFINED at the current EL (EC 0x00 to EL1).</summary>
    Undefined,
    /// <summary>Trapped to EL1 as a system register access (EC 0x18).</summary>
    TrapToEl1,
    /// <summary>Trapped to EL2 (the host) as a system register access (EC 0x18).</summary>
    TrapToEl2,
    /// <summary>Trapped to EL1 as an FP/SIMD access by CPACR_EL1.FPEN (EC 0x07).</summary>
    FpToEl1,
}

public enum SysRegKind
{
    /// <summary>A register accessed with MRS/MSR.</summary>
    Register,
    /// <summary>A SYS/SYSL instruction (DC, IC, TLBI, AT...).</summary>
    Instruction,
}

/// <summary>
/// One row of the declarative system-register table: encoding, name, minimum EL, reset value, read/write
/// behaviour and trap predicate. Rows without Read/Write hooks are plain storage masked by <see cref="WriteMask"/>.
/// </summary>
public sealed class SysRegDef
{
    public required string Name { get; init; }
    public required int Op0 { get; init; }
    public required int Op1 { get; init; }
    public required int CRn { get; init; }
    public required int CRm { get; init; }
    public required int Op2 { get; init; }
    public SysRegKind Kind { get; init; } = SysRegKind.Register;
    /// <summary>Lowest EL that may access it without a trap predicate saying otherwise (0 or 1).</summary>
    public int MinEl { get; init; } = 1;
    public bool Readable { get; init; } = true;
    public bool Writable { get; init; } = true;
    public ulong Reset { get; init; }
    /// <summary>Writable bits; the others keep their value (RES0/RES1/read-only fields).</summary>
    public ulong WriteMask { get; init; } = ulong.MaxValue;
    /// <summary>Computed read (ID registers, counters, aliases of PSTATE...).</summary>
    public Func<CpuCore, ulong>? Read { get; init; }
    /// <summary>Write with side effects; receives the value already merged with <see cref="WriteMask"/>.</summary>
    public Action<CpuCore, ulong>? Write { get; init; }
    /// <summary>SYS instruction behaviour (the Xt operand).</summary>
    public Action<CpuCore, ulong>? Execute { get; init; }
    /// <summary>Extra trap conditions, evaluated after the minimum-EL check. The bool is true for reads.</summary>
    public Func<CpuCore, bool, SysRegTrap>? Trap { get; init; }
    /// <summary>Index in the register file's value array (assigned by the table).</summary>
    public int Slot { get; internal set; }

    /// <summary>op0:op1:CRn:CRm:op2 as bits [20:5] of the MRS/MSR/SYS encoding (16 bits).</summary>
    public int Key => (Op0 << 14) | (Op1 << 11) | (CRn << 7) | (CRm << 3) | Op2;

    public static int KeyOf(int op0, int op1, int crn, int crm, int op2) => (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;

    public override string ToString() => $"{Name} (S{Op0}_{Op1}_C{CRn}_C{CRm}_{Op2})";
}
