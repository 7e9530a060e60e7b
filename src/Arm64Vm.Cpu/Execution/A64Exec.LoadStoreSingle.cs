using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Load/store single register (Arm ARM C4.1.68): literal, unsigned immediate, pre/post-indexed, unscaled,
/// unprivileged and register-offset forms of LDR/STR and their byte, halfword and sign-extending variants, and PRFM
/// (all forms execute as no-ops: prefetch hints have no architectural effect and never fault).
/// Every memory access happens before any register is written, so a fault leaves the registers unchanged.
/// </summary>
public static partial class A64Exec
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void LoadImm(CpuCore cpu, ref DecodedInst d, int rn, int rt, bool rnIs31, bool rtIs31, int size, LoadExtend ext, IndexMode mode)
    {
        ulong b = rnIs31 ? BaseAddress(cpu, 31) : cpu.XRef(rn);
        ulong address = mode == IndexMode.Post ? b : b + d.Imm;
        ulong value = ExtendLoaded(LoadSized(cpu, address, size), size, ext);
        SetReg(cpu, rt, rtIs31, value);
        // Writeback after the register write: with Rn == Rt the base gets the address (QEMU's choice).
        if (mode != IndexMode.Offset) SetRegOrSp(cpu, rn, rnIs31, b + d.Imm);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreImm(CpuCore cpu, ref DecodedInst d, int rn, int rt, bool rnIs31, int size, IndexMode mode)
    {
        ulong b = rnIs31 ? BaseAddress(cpu, 31) : cpu.XRef(rn);
        ulong address = mode == IndexMode.Post ? b : b + d.Imm;
        StoreSized(cpu, address, size, cpu.X(rt));   // Rt = 31 stores zero
        if (mode != IndexMode.Offset) SetRegOrSp(cpu, rn, rnIs31, b + d.Imm);
    }

    /// <summary>LDTR*: at EL1 the access is permission-checked as if at EL0 (AccessType_UNPRIV); at EL0 it is a normal load.</summary>
    internal static void LoadUnprivileged(CpuCore cpu, ref DecodedInst d, int size, LoadExtend ext)
    {
        ulong address = BaseAddress(cpu, d.Rn) + d.Imm;
        ulong value = ExtendLoaded(cpu.Read(address, size, AccessOptions.Unprivileged), size, ext);
        cpu.SetX(d.Rt, value);
    }

    internal static void StoreUnprivileged(CpuCore cpu, ref DecodedInst d, int size)
    {
        ulong address = BaseAddress(cpu, d.Rn) + d.Imm;
        cpu.Write(address, size, cpu.X(d.Rt), AccessOptions.Unprivileged);
    }

    /// <summary>LDR, LDRB, LDRH, LDRSB, LDRSH, LDRSW (register) (Arm ARM C6.2): Rt = 31 discards the value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void LoadRegisterOffset(CpuCore cpu, ref DecodedInst d, int rn, int rm, uint option, int rt, bool rnIs31, bool rtIs31, int size, LoadExtend ext)
    {
        ulong address = RegisterOffsetAddress(cpu, ref d, rn, rm, option, rnIs31);
        SetReg(cpu, rt, rtIs31, ExtendLoaded(LoadSized(cpu, address, size), size, ext));
    }

    /// <summary>STRB, STRH, STR (register) (Arm ARM C6.2): Rt = 31 stores zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreRegisterOffset(CpuCore cpu, ref DecodedInst d, int rn, int rm, uint option, int rt, bool rnIs31, int size) =>
        StoreSized(cpu, RegisterOffsetAddress(cpu, ref d, rn, rm, option, rnIs31), size, cpu.X(rt));

    // ---- literal ----
    /// <summary>LDR (literal), 32-bit (Arm ARM C6.2).</summary>
    public static void LDR_lit_w(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rt, cpu.ReadU32(cpu.Pc + d.Imm));

    /// <summary>LDR (literal), 64-bit (Arm ARM C6.2).</summary>
    public static void LDR_lit_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rt, cpu.ReadU64(cpu.Pc + d.Imm));

    /// <summary>LDRSW (literal) (Arm ARM C6.2).</summary>
    public static void LDRSW_lit(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rt, (ulong)(long)(int)cpu.ReadU32(cpu.Pc + d.Imm));

    // ---- prefetch: a hint without architectural effect; it never faults (no SP alignment check either) ----
    /// <summary>PRFM (literal) (Arm ARM C6.2): no-op.</summary>
    public static void PRFM_lit(CpuCore cpu, ref DecodedInst d) { }

    /// <summary>PRFM (immediate) (Arm ARM C6.2): no-op.</summary>
    public static void PRFM_uimm(CpuCore cpu, ref DecodedInst d) { }

    /// <summary>PRFUM (Arm ARM C6.2): no-op.</summary>
    public static void PRFUM(CpuCore cpu, ref DecodedInst d) { }

    /// <summary>PRFM (register) (Arm ARM C6.2): no-op.</summary>
    public static void PRFM_reg(CpuCore cpu, ref DecodedInst d) { }
}
