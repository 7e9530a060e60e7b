using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// AdvSIMD (scalar) shift by immediate and AdvSIMD modified immediate (Arm ARM C4.1.71). The element size is
/// the highest set bit of immh; right shifts are 2*esize - immh:immb (1..esize), left shifts immh:immb - esize.
/// </summary>
public static partial class A64Exec
{
    public static bool VShiftQ(uint immh, bool q) => immh != 0 && ((immh & 8) == 0 || q);
    public static bool VShiftNarrow(uint immh) => immh != 0 && (immh & 8) == 0;
    public static bool SShiftAny(uint immh) => immh != 0;
    public static bool SShiftNarrow(uint immh) => immh != 0;
    /// <summary>The scalar shifts that exist only for 64-bit elements: immh = 1xxx.</summary>
    public static bool SShiftD(uint immh) => (immh & 8) != 0;
    public static bool FmovVecImmValid(bool op, bool q) => !op || q;
    public static bool ModImmValid(uint cmode) => cmode != 0xF;

    /// <summary>log2 of the element size in bytes: the highest set bit of immh.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ShiftLog2(uint immh) => 31 - BitOperations.LeadingZeroCount(immh);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RightShift(uint immh, uint immb, int l) => (16 << l) - (int)(immh << 3 | immb);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LeftShift(uint immh, uint immb, int l) => (int)(immh << 3 | immb) - (8 << l);

    /// <summary>SSHR/USHR/SRSHR/URSHR/SSRA/USRA/SRSRA/URSRA (C7.2.297 etc.).</summary>
    internal static void ShiftRightImm(CpuCore cpu, int rd, int rn, uint immh, uint immb, bool u, bool round, bool accumulate, bool q = false, bool scalar = false)
    {
        int l = ShiftLog2(immh);
        int shift = RightShift(immh, immb, l);
        int n = ElemCount(q, scalar, l);
        var a = cpu.Vr[rn];
        var c = cpu.Vr[rd];
        Vector128<byte> r = default;
        for (int i = 0; i < n; i++)
        {
            ulong x = (ulong)ShiftRound(Ext(Lanes.Get(ref a, i, l), l, u), -shift, round);
            if (accumulate) x += Lanes.Get(ref c, i, l);
            Lanes.Set(ref r, i, l, x);
        }
        cpu.Vr[rd] = r;
    }


    /// <summary>SHL/SLI (C7.2.239/C7.2.250) and SRI (C7.2.289): shift and insert keeps the bits the shifted value
    /// does not cover.</summary>
    internal static void ShiftInsert(CpuCore cpu, int rd, int rn, uint immh, uint immb, bool left, bool insert, bool q = false, bool scalar = false)
    {
        int l = ShiftLog2(immh);
        int shift = left ? LeftShift(immh, immb, l) : RightShift(immh, immb, l);
        ulong emask = Lanes.Mask(l);
        ulong mask = left ? (emask << shift) & emask : (shift >= (8 << l) ? 0 : emask >> shift);
        int n = ElemCount(q, scalar, l);
        var a = cpu.Vr[rn];
        var c = cpu.Vr[rd];
        Vector128<byte> r = default;
        for (int i = 0; i < n; i++)
        {
            ulong x = Lanes.Get(ref a, i, l);
            ulong shifted = left ? x << shift : (shift >= 64 ? 0 : x >> shift);
            ulong v = insert ? (Lanes.Get(ref c, i, l) & ~mask) | (shifted & mask) : shifted;
            Lanes.Set(ref r, i, l, v);
        }
        cpu.Vr[rd] = r;
    }


    /// <summary>SQSHL/UQSHL (U selects) and SQSHLU (the row passes u=1, srcSigned=1) (immediate), C7.2.278 etc.:
    /// saturating left shift.</summary>
    internal static void SatShiftLeftImm(CpuCore cpu, int rd, int rn, uint immh, uint immb, bool u, bool srcSigned = false, bool q = false, bool scalar = false)
    {
        int l = ShiftLog2(immh);
        int shift = LeftShift(immh, immb, l);
        int n = ElemCount(q, scalar, l);
        bool srcUnsigned = u && !srcSigned;
        var a = cpu.Vr[rn];
        Vector128<byte> r = default;
        bool sat = false;
        for (int i = 0; i < n; i++)
            Lanes.Set(ref r, i, l, Sat(Ext(Lanes.Get(ref a, i, l), l, srcUnsigned) << shift, l, u, ref sat));
        cpu.Vr[rd] = r;
        SetQc(cpu, sat);
    }

    /// <summary>
    /// Shift right narrow, the source elements 2*esize: SHRN/RSHRN truncate (saturate=0); SQSHRN/UQSHRN and
    /// SQRSHRN/UQRSHRN saturate to signed or unsigned by U; SQSHRUN/SQRSHRUN (the row passes u=1, srcSigned=1)
    /// saturate a signed source to unsigned.
    /// </summary>
    internal static void ShiftRightNarrow(CpuCore cpu, int rd, int rn, uint immh, uint immb, bool round, bool saturate, bool u = false, bool srcSigned = false, bool q = false, bool scalar = false)
    {
        int l = ShiftLog2(immh);
        int shift = RightShift(immh, immb, l);
        int n = scalar ? 1 : 8 >> l;
        bool srcUnsigned = !saturate || (u && !srcSigned);
        var a = cpu.Vr[rn];
        Vector128<byte> r = default;
        bool sat = false;
        for (int i = 0; i < n; i++)
        {
            Int128 x = ShiftRound(Ext(Lanes.Get(ref a, i, l + 1), l + 1, srcUnsigned), -shift, round);
            ulong y = !saturate ? (ulong)x : u ? SatU(x, l, ref sat) : SatS(x, l, ref sat);
            Lanes.Set(ref r, i, l, y);
        }
        WriteNarrow(cpu, rd, q, scalar, r.AsUInt64().GetElement(0));
        SetQc(cpu, sat);
    }

    /// <summary>SSHLL/USHLL (SXTL/UXTL when the shift is 0), C7.2.296/C7.2.365.</summary>
    public static void SHLL_imm(CpuCore cpu, int rd, int rn, uint immh, uint immb, bool u, bool q)
    {
        int l = ShiftLog2(immh);
        int shift = LeftShift(immh, immb, l);
        int n = 8 >> l;
        int off = q ? n : 0;
        var a = cpu.Vr[rn];
        Vector128<byte> r = default;
        for (int i = 0; i < n; i++) Lanes.Set(ref r, i, l + 1, ExtElem(Lanes.Get(ref a, i + off, l), l, u) << shift);
        cpu.Vr[rd] = r;
    }

    // ---- Modified immediate: imm8 = a:b:c:d:e:f:g:h, split over the abc and defgh fields ----

    /// <summary>AdvSIMDExpandImm() (Arm ARM J1) for cmode != 1111.</summary>
    internal static ulong AdvSimdExpandImm(bool op, uint cmode, ulong imm8)
    {
        switch (cmode >> 1)
        {
            case 0: return imm8 * 0x0000_0001_0000_0001UL;
            case 1: return (imm8 << 8) * 0x0000_0001_0000_0001UL;
            case 2: return (imm8 << 16) * 0x0000_0001_0000_0001UL;
            case 3: return (imm8 << 24) * 0x0000_0001_0000_0001UL;
            case 4: return imm8 * 0x0001_0001_0001_0001UL;
            case 5: return (imm8 << 8) * 0x0001_0001_0001_0001UL;
            case 6:
                return (cmode & 1) == 0 ? ((imm8 << 8) | 0xFF) * 0x0000_0001_0000_0001UL
                                        : ((imm8 << 16) | 0xFFFF) * 0x0000_0001_0000_0001UL;
            default:
                if (!op) return imm8 * 0x0101_0101_0101_0101UL;
                ulong r = 0;
                for (int i = 0; i < 8; i++) if (((imm8 >> i) & 1) != 0) r |= 0xFFUL << (8 * i);
                return r;
        }
    }

    /// <summary>MOVI/MVNI/ORR (vector, immediate)/BIC (vector, immediate), C7.2.204/C7.2.207/C7.2.212/C7.2.22.</summary>
    public static void SIMD_MODIMM(CpuCore cpu, int rd, bool q, bool op, uint abc, uint cmode, uint defgh)
    {
        ulong imm64 = AdvSimdExpandImm(op, cmode, abc << 5 | defgh);
        var imm = Vector128.Create(imm64, imm64).AsByte();
        Vector128<byte> r;
        if ((cmode & 1) != 0 && cmode < 0b1100)
            r = op ? Vector128.AndNot(cpu.Vr[rd], imm) : cpu.Vr[rd] | imm;       // BIC / ORR
        else
            r = op && cmode != 0b1110 ? ~imm : imm;                              // MVNI / MOVI
        cpu.Vr[rd] = Lanes.Narrow(r, q);
    }

    /// <summary>FMOV (vector, immediate), C7.2.123: VFPExpandImm of imm8 replicated (single; double when op = 1).</summary>
    public static void FMOV_vec_imm(CpuCore cpu, int rd, bool q, bool op, uint abc, uint defgh)
    {
        ulong imm8 = abc << 5 | defgh;
        ulong sign = imm8 >> 7, b6 = (imm8 >> 6) & 1, low6 = imm8 & 0x3F;
        ulong imm64;
        if (op)
            imm64 = sign << 63 | (b6 ^ 1) << 62 | (b6 != 0 ? 0xFFUL << 54 : 0) | low6 << 48;
        else
        {
            ulong s = sign << 31 | (b6 ^ 1) << 30 | (b6 != 0 ? 0x1FUL << 25 : 0) | low6 << 19;
            imm64 = s | s << 32;
        }
        cpu.Vr[rd] = Lanes.Narrow(Vector128.Create(imm64, imm64).AsByte(), q);
    }
}
