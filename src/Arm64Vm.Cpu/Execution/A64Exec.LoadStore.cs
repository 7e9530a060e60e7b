using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>How a loaded value becomes the register value.</summary>
internal enum LoadExtend : byte
{
    /// <summary>Zero-extended (LDRB/LDRH/LDR W into W, LDR X).</summary>
    Zero,
    /// <summary>Sign-extended to 32 bits, upper half of X zero (LDRSB/LDRSH into W).</summary>
    SignW,
    /// <summary>Sign-extended to 64 bits (LDRSB/LDRSH/LDRSW into X).</summary>
    SignX,
}

/// <summary>Addressing mode of an immediate-offset load/store.</summary>
internal enum IndexMode : byte
{
    /// <summary>address = base + offset, no writeback.</summary>
    Offset,
    /// <summary>address = base + offset, base = address.</summary>
    Pre,
    /// <summary>address = base, base = base + offset.</summary>
    Post,
}

/// <summary>
/// Loads and stores (Arm ARM C4.1.68), general-purpose register forms: the shared pieces — base register with the
/// SP alignment check, decode-time immediates and validators, sized accesses and extension.
/// CONSTRAINED UNPREDICTABLE choices (the same as QEMU's): a load with writeback and Rn == Rt leaves the written-back
/// address in the register (Constraint_UNKNOWN: the load's value is then overwritten); a store with writeback and
/// Rn == Rt stores the register's value from before the writeback (Constraint_NONE); LDP with Rt == Rt2 leaves
/// the second element's value (Constraint_UNKNOWN).
/// </summary>
public static partial class A64Exec
{
    // ---------------- Decode-time immediates and validators ----------------

    /// <summary>imm12 scaled by the access size (size = bits [31:30]): unsigned-offset forms.</summary>
    public static ulong LdstImmScaled(uint raw) => ((raw >> 10) & 0xFFF) << (int)(raw >> 30);

    /// <summary>Sign-extended imm9 (bits [20:12]): pre/post-indexed, unscaled and unprivileged forms.</summary>
    public static ulong LdstImm9(uint raw) => (ulong)SignExtend((raw >> 12) & 0x1FF, 9);

    /// <summary>Sign-extended imm7 (bits [21:15]) scaled by the element size: 4 bytes for opc = 0x, 8 for opc = 1x.</summary>
    public static ulong LdstImmPair(uint raw) => (ulong)(SignExtend((raw >> 15) & 0x7F, 7) << (2 + (int)(raw >> 31)));

    /// <summary>Sign-extended imm19:'00' (bits [23:5]): PC-relative literal offset.</summary>
    public static ulong LdstImmLiteral(uint raw) => (ulong)(SignExtend((raw >> 5) & 0x7FFFF, 19) << 2);

    /// <summary>Register offset: option&lt;1&gt; = 0 (a sub-word base index) is UNDEFINED.</summary>
    public static bool LdstRegOffsetValid(uint option) => (option & 2) != 0;

    /// <summary>Register offset: shift amount, S ? log2(size) : 0.</summary>
    public static ulong LdstRegOffsetShift(uint raw) => ((raw >> 12) & 1) != 0 ? raw >> 30 : 0;

    // ---------------- Address generation ----------------

    /// <summary>
    /// The base register: X[n], or SP when n = 31 after CheckSPAlignment() (Arm ARM D1.3.5.3): with SCTLR_EL1.SA
    /// (EL1) or SA0 (EL0) set, a base SP that is not 16-byte aligned takes an SP alignment fault (EC 0x26).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong BaseAddress(CpuCore cpu, int n)
    {
        if (n != 31) return cpu.X(n);
        ulong sp = cpu.Sp;
        if ((sp & 15) != 0) CheckSpAlignment(cpu);
        return sp;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CheckSpAlignment(CpuCore cpu)
    {
        ulong enable = cpu.El == 0 ? 1UL << 4 : 1UL << 3;   // SCTLR_EL1.SA0 / SCTLR_EL1.SA
        if ((cpu.SysRegs.SctlrEl1 & enable) == 0) return;
        cpu.NextPc = cpu.Pc;
        cpu.TakeException(ExceptionClass.SpAlignment, 0);
        throw GuestException.Instance;
    }

    /// <summary>
    /// The register-offset forms' address: base (SP when <paramref name="rnIs31"/>) plus ExtendReg(m, option, shift)
    /// (option&lt;1&gt; = 1 only; the shift, 0 or log2 of the size, pre-computed in Imm). Typed operands (CPU-SPEC-2), and
    /// the rows' <c>option:3</c> variant (LSL, the common form) passes option as a literal, so the switch folds away.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong RegisterOffsetAddress(CpuCore cpu, ref DecodedInst d, int rn, int rm, uint option, bool rnIs31)
    {
        ulong b = rnIs31 ? BaseAddress(cpu, 31) : cpu.XRef(rn);
        ulong m = cpu.X(rm);
        ulong offset = option switch
        {
            2 => (uint)m,                        // UXTW
            6 => (ulong)(long)(int)(uint)m,      // SXTW
            _ => m,                              // LSL (UXTX), SXTX
        };
        return b + (offset << (int)d.Imm);
    }

    // ---------------- Sized accesses ----------------

    /// <summary>A 1/2/4/8-byte load through the TLB fast path (zero-extended).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LoadSized(CpuCore cpu, ulong address, int size) => size switch
    {
        1 => cpu.ReadU8(address),
        2 => cpu.ReadU16(address),
        4 => cpu.ReadU32(address),
        _ => cpu.ReadU64(address),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreSized(CpuCore cpu, ulong address, int size, ulong value)
    {
        switch (size)
        {
            case 1: cpu.WriteU8(address, (byte)value); break;
            case 2: cpu.WriteU16(address, (ushort)value); break;
            case 4: cpu.WriteU32(address, (uint)value); break;
            default: cpu.WriteU64(address, value); break;
        }
    }

    /// <summary>The register value of a loaded <paramref name="size"/>-byte datum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ExtendLoaded(ulong raw, int size, LoadExtend ext) => ext switch
    {
        LoadExtend.Zero => raw,
        LoadExtend.SignW => (uint)SignExtend(raw, size * 8),
        _ => (ulong)SignExtend(raw, size * 8),
    };

    /// <summary>Alignment fault (DFSC 0x21) for accesses that must be naturally aligned (exclusives, atomics, acquire/release).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RequireAligned(CpuCore cpu, ulong address, int size, bool write)
    {
        if ((address & (ulong)(size - 1)) != 0) cpu.RaiseDataAbort(address, FaultStatus.Alignment, write, AccessOptions.RequireAligned);
    }
}
