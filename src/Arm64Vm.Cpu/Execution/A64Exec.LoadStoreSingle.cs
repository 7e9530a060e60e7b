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
    private static void LoadImm(CpuCore cpu, ref DecodedInst d, int size, LoadExtend ext, IndexMode mode)
    {
        int n = d.Rn;
        ulong b = BaseAddress(cpu, n);
        ulong address = mode == IndexMode.Post ? b : b + d.Imm;
        ulong value = ExtendLoaded(LoadSized(cpu, address, size), size, ext);
        cpu.SetX(d.Rt, value);
        // Writeback after the register write: with Rn == Rt the base gets the address (QEMU's choice).
        if (mode != IndexMode.Offset) cpu.SetXOrSp(n, b + d.Imm);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreImm(CpuCore cpu, ref DecodedInst d, int size, IndexMode mode)
    {
        int n = d.Rn;
        ulong b = BaseAddress(cpu, n);
        ulong address = mode == IndexMode.Post ? b : b + d.Imm;
        StoreSized(cpu, address, size, cpu.X(d.Rt));   // Rt = 31 stores zero
        if (mode != IndexMode.Offset) cpu.SetXOrSp(n, b + d.Imm);
    }

    /// <summary>LDTR*: at EL1 the access is permission-checked as if at EL0 (AccessType_UNPRIV); at EL0 it is a normal load.</summary>
    private static void LoadUnprivileged(CpuCore cpu, ref DecodedInst d, int size, LoadExtend ext)
    {
        ulong address = BaseAddress(cpu, d.Rn) + d.Imm;
        ulong value = ExtendLoaded(cpu.Read(address, size, AccessOptions.Unprivileged), size, ext);
        cpu.SetX(d.Rt, value);
    }

    private static void StoreUnprivileged(CpuCore cpu, ref DecodedInst d, int size)
    {
        ulong address = BaseAddress(cpu, d.Rn) + d.Imm;
        cpu.Write(address, size, cpu.X(d.Rt), AccessOptions.Unprivileged);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadRegisterOffset(CpuCore cpu, ref DecodedInst d, int size, LoadExtend ext)
    {
        ulong address = RegisterOffsetAddress(cpu, ref d);
        cpu.SetX(d.Rt, ExtendLoaded(LoadSized(cpu, address, size), size, ext));
    }

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

    // ---- immediate, unsigned offset ----
    /// <summary>STRB (immediate, unsigned offset) (Arm ARM C6.2).</summary>
    public static void STRB_uimm(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 1, IndexMode.Offset);

    /// <summary>LDRB (immediate, unsigned offset) (Arm ARM C6.2).</summary>
    public static void LDRB_uimm(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 1, LoadExtend.Zero, IndexMode.Offset);

    /// <summary>LDRSB (immediate, unsigned offset) (Arm ARM C6.2).</summary>
    public static void LDRSB_x_uimm(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 1, LoadExtend.SignX, IndexMode.Offset);

    /// <summary>LDRSB (immediate, unsigned offset) (Arm ARM C6.2).</summary>
    public static void LDRSB_w_uimm(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 1, LoadExtend.SignW, IndexMode.Offset);

    /// <summary>STRH (immediate, unsigned offset) (Arm ARM C6.2).</summary>
    public static void STRH_uimm(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 2, IndexMode.Offset);

    /// <summary>LDRH (immediate, unsigned offset) (Arm ARM C6.2).</summary>
    public static void LDRH_uimm(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 2, LoadExtend.Zero, IndexMode.Offset);

    /// <summary>LDRSH (immediate, unsigned offset) (Arm ARM C6.2).</summary>
    public static void LDRSH_x_uimm(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 2, LoadExtend.SignX, IndexMode.Offset);

    /// <summary>LDRSH (immediate, unsigned offset) (Arm ARM C6.2).</summary>
    public static void LDRSH_w_uimm(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 2, LoadExtend.SignW, IndexMode.Offset);

    /// <summary>STR (immediate, unsigned offset) (Arm ARM C6.2).</summary>
    public static void STR_w_uimm(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 4, IndexMode.Offset);

    /// <summary>LDR (immediate, unsigned offset) (Arm ARM C6.2).</summary>
    public static void LDR_w_uimm(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 4, LoadExtend.Zero, IndexMode.Offset);

    /// <summary>LDRSW (immediate, unsigned offset) (Arm ARM C6.2).</summary>
    public static void LDRSW_uimm(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 4, LoadExtend.SignX, IndexMode.Offset);

    /// <summary>STR (immediate, unsigned offset) (Arm ARM C6.2).</summary>
    public static void STR_x_uimm(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 8, IndexMode.Offset);

    /// <summary>LDR (immediate, unsigned offset) (Arm ARM C6.2).</summary>
    public static void LDR_x_uimm(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 8, LoadExtend.Zero, IndexMode.Offset);

    // ---- immediate, pre-index ----
    /// <summary>STRB (immediate, pre-index) (Arm ARM C6.2).</summary>
    public static void STRB_pre(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 1, IndexMode.Pre);

    /// <summary>LDRB (immediate, pre-index) (Arm ARM C6.2).</summary>
    public static void LDRB_pre(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 1, LoadExtend.Zero, IndexMode.Pre);

    /// <summary>LDRSB (immediate, pre-index) (Arm ARM C6.2).</summary>
    public static void LDRSB_x_pre(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 1, LoadExtend.SignX, IndexMode.Pre);

    /// <summary>LDRSB (immediate, pre-index) (Arm ARM C6.2).</summary>
    public static void LDRSB_w_pre(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 1, LoadExtend.SignW, IndexMode.Pre);

    /// <summary>STRH (immediate, pre-index) (Arm ARM C6.2).</summary>
    public static void STRH_pre(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 2, IndexMode.Pre);

    /// <summary>LDRH (immediate, pre-index) (Arm ARM C6.2).</summary>
    public static void LDRH_pre(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 2, LoadExtend.Zero, IndexMode.Pre);

    /// <summary>LDRSH (immediate, pre-index) (Arm ARM C6.2).</summary>
    public static void LDRSH_x_pre(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 2, LoadExtend.SignX, IndexMode.Pre);

    /// <summary>LDRSH (immediate, pre-index) (Arm ARM C6.2).</summary>
    public static void LDRSH_w_pre(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 2, LoadExtend.SignW, IndexMode.Pre);

    /// <summary>STR (immediate, pre-index) (Arm ARM C6.2).</summary>
    public static void STR_w_pre(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 4, IndexMode.Pre);

    /// <summary>LDR (immediate, pre-index) (Arm ARM C6.2).</summary>
    public static void LDR_w_pre(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 4, LoadExtend.Zero, IndexMode.Pre);

    /// <summary>LDRSW (immediate, pre-index) (Arm ARM C6.2).</summary>
    public static void LDRSW_pre(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 4, LoadExtend.SignX, IndexMode.Pre);

    /// <summary>STR (immediate, pre-index) (Arm ARM C6.2).</summary>
    public static void STR_x_pre(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 8, IndexMode.Pre);

    /// <summary>LDR (immediate, pre-index) (Arm ARM C6.2).</summary>
    public static void LDR_x_pre(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 8, LoadExtend.Zero, IndexMode.Pre);

    // ---- immediate, post-index ----
    /// <summary>STRB (immediate, post-index) (Arm ARM C6.2).</summary>
    public static void STRB_post(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 1, IndexMode.Post);

    /// <summary>LDRB (immediate, post-index) (Arm ARM C6.2).</summary>
    public static void LDRB_post(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 1, LoadExtend.Zero, IndexMode.Post);

    /// <summary>LDRSB (immediate, post-index) (Arm ARM C6.2).</summary>
    public static void LDRSB_x_post(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 1, LoadExtend.SignX, IndexMode.Post);

    /// <summary>LDRSB (immediate, post-index) (Arm ARM C6.2).</summary>
    public static void LDRSB_w_post(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 1, LoadExtend.SignW, IndexMode.Post);

    /// <summary>STRH (immediate, post-index) (Arm ARM C6.2).</summary>
    public static void STRH_post(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 2, IndexMode.Post);

    /// <summary>LDRH (immediate, post-index) (Arm ARM C6.2).</summary>
    public static void LDRH_post(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 2, LoadExtend.Zero, IndexMode.Post);

    /// <summary>LDRSH (immediate, post-index) (Arm ARM C6.2).</summary>
    public static void LDRSH_x_post(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 2, LoadExtend.SignX, IndexMode.Post);

    /// <summary>LDRSH (immediate, post-index) (Arm ARM C6.2).</summary>
    public static void LDRSH_w_post(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 2, LoadExtend.SignW, IndexMode.Post);

    /// <summary>STR (immediate, post-index) (Arm ARM C6.2).</summary>
    public static void STR_w_post(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 4, IndexMode.Post);

    /// <summary>LDR (immediate, post-index) (Arm ARM C6.2).</summary>
    public static void LDR_w_post(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 4, LoadExtend.Zero, IndexMode.Post);

    /// <summary>LDRSW (immediate, post-index) (Arm ARM C6.2).</summary>
    public static void LDRSW_post(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 4, LoadExtend.SignX, IndexMode.Post);

    /// <summary>STR (immediate, post-index) (Arm ARM C6.2).</summary>
    public static void STR_x_post(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 8, IndexMode.Post);

    /// <summary>LDR (immediate, post-index) (Arm ARM C6.2).</summary>
    public static void LDR_x_post(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 8, LoadExtend.Zero, IndexMode.Post);

    // ---- unscaled immediate ----
    /// <summary>STURB (unscaled offset) (Arm ARM C6.2).</summary>
    public static void STURB(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 1, IndexMode.Offset);

    /// <summary>LDURB (unscaled offset) (Arm ARM C6.2).</summary>
    public static void LDURB(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 1, LoadExtend.Zero, IndexMode.Offset);

    /// <summary>LDURSB (unscaled offset) (Arm ARM C6.2).</summary>
    public static void LDURSB_x(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 1, LoadExtend.SignX, IndexMode.Offset);

    /// <summary>LDURSB (unscaled offset) (Arm ARM C6.2).</summary>
    public static void LDURSB_w(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 1, LoadExtend.SignW, IndexMode.Offset);

    /// <summary>STURH (unscaled offset) (Arm ARM C6.2).</summary>
    public static void STURH(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 2, IndexMode.Offset);

    /// <summary>LDURH (unscaled offset) (Arm ARM C6.2).</summary>
    public static void LDURH(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 2, LoadExtend.Zero, IndexMode.Offset);

    /// <summary>LDURSH (unscaled offset) (Arm ARM C6.2).</summary>
    public static void LDURSH_x(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 2, LoadExtend.SignX, IndexMode.Offset);

    /// <summary>LDURSH (unscaled offset) (Arm ARM C6.2).</summary>
    public static void LDURSH_w(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 2, LoadExtend.SignW, IndexMode.Offset);

    /// <summary>STUR (unscaled offset) (Arm ARM C6.2).</summary>
    public static void STUR_w(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 4, IndexMode.Offset);

    /// <summary>LDUR (unscaled offset) (Arm ARM C6.2).</summary>
    public static void LDUR_w(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 4, LoadExtend.Zero, IndexMode.Offset);

    /// <summary>LDURSW (unscaled offset) (Arm ARM C6.2).</summary>
    public static void LDURSW(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 4, LoadExtend.SignX, IndexMode.Offset);

    /// <summary>STUR (unscaled offset) (Arm ARM C6.2).</summary>
    public static void STUR_x(CpuCore cpu, ref DecodedInst d) => StoreImm(cpu, ref d, 8, IndexMode.Offset);

    /// <summary>LDUR (unscaled offset) (Arm ARM C6.2).</summary>
    public static void LDUR_x(CpuCore cpu, ref DecodedInst d) => LoadImm(cpu, ref d, 8, LoadExtend.Zero, IndexMode.Offset);

    // ---- unprivileged ----
    /// <summary>STTRB (unprivileged) (Arm ARM C6.2).</summary>
    public static void STTRB(CpuCore cpu, ref DecodedInst d) => StoreUnprivileged(cpu, ref d, 1);

    /// <summary>LDTRB (unprivileged) (Arm ARM C6.2).</summary>
    public static void LDTRB(CpuCore cpu, ref DecodedInst d) => LoadUnprivileged(cpu, ref d, 1, LoadExtend.Zero);

    /// <summary>LDTRSB (unprivileged) (Arm ARM C6.2).</summary>
    public static void LDTRSB_x(CpuCore cpu, ref DecodedInst d) => LoadUnprivileged(cpu, ref d, 1, LoadExtend.SignX);

    /// <summary>LDTRSB (unprivileged) (Arm ARM C6.2).</summary>
    public static void LDTRSB_w(CpuCore cpu, ref DecodedInst d) => LoadUnprivileged(cpu, ref d, 1, LoadExtend.SignW);

    /// <summary>STTRH (unprivileged) (Arm ARM C6.2).</summary>
    public static void STTRH(CpuCore cpu, ref DecodedInst d) => StoreUnprivileged(cpu, ref d, 2);

    /// <summary>LDTRH (unprivileged) (Arm ARM C6.2).</summary>
    public static void LDTRH(CpuCore cpu, ref DecodedInst d) => LoadUnprivileged(cpu, ref d, 2, LoadExtend.Zero);

    /// <summary>LDTRSH (unprivileged) (Arm ARM C6.2).</summary>
    public static void LDTRSH_x(CpuCore cpu, ref DecodedInst d) => LoadUnprivileged(cpu, ref d, 2, LoadExtend.SignX);

    /// <summary>LDTRSH (unprivileged) (Arm ARM C6.2).</summary>
    public static void LDTRSH_w(CpuCore cpu, ref DecodedInst d) => LoadUnprivileged(cpu, ref d, 2, LoadExtend.SignW);

    /// <summary>STTR (unprivileged) (Arm ARM C6.2).</summary>
    public static void STTR_w(CpuCore cpu, ref DecodedInst d) => StoreUnprivileged(cpu, ref d, 4);

    /// <summary>LDTR (unprivileged) (Arm ARM C6.2).</summary>
    public static void LDTR_w(CpuCore cpu, ref DecodedInst d) => LoadUnprivileged(cpu, ref d, 4, LoadExtend.Zero);

    /// <summary>LDTRSW (unprivileged) (Arm ARM C6.2).</summary>
    public static void LDTRSW(CpuCore cpu, ref DecodedInst d) => LoadUnprivileged(cpu, ref d, 4, LoadExtend.SignX);

    /// <summary>STTR (unprivileged) (Arm ARM C6.2).</summary>
    public static void STTR_x(CpuCore cpu, ref DecodedInst d) => StoreUnprivileged(cpu, ref d, 8);

    /// <summary>LDTR (unprivileged) (Arm ARM C6.2).</summary>
    public static void LDTR_x(CpuCore cpu, ref DecodedInst d) => LoadUnprivileged(cpu, ref d, 8, LoadExtend.Zero);

    // ---- register offset ----
    /// <summary>STRB (register) (Arm ARM C6.2).</summary>
    public static void STRB_reg(CpuCore cpu, ref DecodedInst d) => StoreSized(cpu, RegisterOffsetAddress(cpu, ref d), 1, cpu.X(d.Rt));

    /// <summary>LDRB (register) (Arm ARM C6.2).</summary>
    public static void LDRB_reg(CpuCore cpu, ref DecodedInst d) => LoadRegisterOffset(cpu, ref d, 1, LoadExtend.Zero);

    /// <summary>LDRSB (register) (Arm ARM C6.2).</summary>
    public static void LDRSB_x_reg(CpuCore cpu, ref DecodedInst d) => LoadRegisterOffset(cpu, ref d, 1, LoadExtend.SignX);

    /// <summary>LDRSB (register) (Arm ARM C6.2).</summary>
    public static void LDRSB_w_reg(CpuCore cpu, ref DecodedInst d) => LoadRegisterOffset(cpu, ref d, 1, LoadExtend.SignW);

    /// <summary>STRH (register) (Arm ARM C6.2).</summary>
    public static void STRH_reg(CpuCore cpu, ref DecodedInst d) => StoreSized(cpu, RegisterOffsetAddress(cpu, ref d), 2, cpu.X(d.Rt));

    /// <summary>LDRH (register) (Arm ARM C6.2).</summary>
    public static void LDRH_reg(CpuCore cpu, ref DecodedInst d) => LoadRegisterOffset(cpu, ref d, 2, LoadExtend.Zero);

    /// <summary>LDRSH (register) (Arm ARM C6.2).</summary>
    public static void LDRSH_x_reg(CpuCore cpu, ref DecodedInst d) => LoadRegisterOffset(cpu, ref d, 2, LoadExtend.SignX);

    /// <summary>LDRSH (register) (Arm ARM C6.2).</summary>
    public static void LDRSH_w_reg(CpuCore cpu, ref DecodedInst d) => LoadRegisterOffset(cpu, ref d, 2, LoadExtend.SignW);

    /// <summary>STR (register) (Arm ARM C6.2).</summary>
    public static void STR_w_reg(CpuCore cpu, ref DecodedInst d) => StoreSized(cpu, RegisterOffsetAddress(cpu, ref d), 4, cpu.X(d.Rt));

    /// <summary>LDR (register) (Arm ARM C6.2).</summary>
    public static void LDR_w_reg(CpuCore cpu, ref DecodedInst d) => LoadRegisterOffset(cpu, ref d, 4, LoadExtend.Zero);

    /// <summary>LDRSW (register) (Arm ARM C6.2).</summary>
    public static void LDRSW_reg(CpuCore cpu, ref DecodedInst d) => LoadRegisterOffset(cpu, ref d, 4, LoadExtend.SignX);

    /// <summary>STR (register) (Arm ARM C6.2).</summary>
    public static void STR_x_reg(CpuCore cpu, ref DecodedInst d) => StoreSized(cpu, RegisterOffsetAddress(cpu, ref d), 8, cpu.X(d.Rt));

    /// <summary>LDR (register) (Arm ARM C6.2).</summary>
    public static void LDR_x_reg(CpuCore cpu, ref DecodedInst d) => LoadRegisterOffset(cpu, ref d, 8, LoadExtend.Zero);

}
