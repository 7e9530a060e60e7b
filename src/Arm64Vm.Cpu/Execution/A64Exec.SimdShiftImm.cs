using System.Numerics;
using System.Runtime.Intrinsics;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// AdvSIMD (scalar) shift by immediate and AdvSIMD modified immediate (Arm ARM C4.1.71). The element size is
/// the highest set bit of immh; right shifts are 2*esize - immh:immb (1..esize), left shifts immh:immb - esize.
/// </summary>
public static partial class A64Exec
{
    private static uint Immh(uint raw) => (raw >> 19) & 0xF;

    public static bool VShiftQ(uint raw) { uint h = Immh(raw); return h != 0 && ((h & 8) == 0 || ((raw >> 30) & 1) != 0); }
    public static bool VShiftNarrow(uint raw) { uint h = Immh(raw); return h != 0 && (h & 8) == 0; }
    public static bool SShiftAny(uint raw) => Immh(raw) != 0;
    public static bool SShiftNarrow(uint raw) => Immh(raw) != 0;
    public static bool FmovVecImmValid(uint raw) => ((raw >> 29) & 1) == 0 || ((raw >> 30) & 1) != 0;
    public static bool ModImmValid(uint raw) => ((raw >> 12) & 0xF) != 0xF;

    private static int ShiftLog2(ref DecodedInst d) => 31 - BitOperations.LeadingZeroCount(Immh(d.Raw));
    private static int RightShift(ref DecodedInst d, int l) => (16 << l) - (int)d.Bits(22, 16);
    private static int LeftShift(ref DecodedInst d, int l) => (int)d.Bits(22, 16) - (8 << l);

    /// <summary>SSHR/USHR/SRSHR/URSHR/SSRA/USRA/SRSRA/URSRA (C7.2.297 etc.).</summary>
    internal static void ShiftRightImm(CpuCore cpu, ref DecodedInst d, bool round, bool accumulate)
    {
        int l = ShiftLog2(ref d);
        int shift = RightShift(ref d, l);
        bool unsigned = d.Bit(29);
        int n = ElemCount(ref d, l);
        var a = cpu.Vr[d.Rn];
        var c = cpu.Vr[d.Rd];
        Vector128<byte> r = default;
        for (int i = 0; i < n; i++)
        {
            ulong x = (ulong)ShiftRound(Ext(Lanes.Get(ref a, i, l), l, unsigned), -shift, round);
            if (accumulate) x += Lanes.Get(ref c, i, l);
            Lanes.Set(ref r, i, l, x);
        }
        cpu.Vr[d.Rd] = r;
    }


    /// <summary>SHL/SLI (C7.2.239/C7.2.250) and SRI (C7.2.289): shift and insert keeps the bits the shifted value
    /// does not cover.</summary>
    internal static void ShiftInsert(CpuCore cpu, ref DecodedInst d, bool left, bool insert)
    {
        int l = ShiftLog2(ref d);
        int shift = left ? LeftShift(ref d, l) : RightShift(ref d, l);
        ulong emask = Lanes.Mask(l);
        ulong mask = left ? (emask << shift) & emask : (shift >= (8 << l) ? 0 : emask >> shift);
        int n = ElemCount(ref d, l);
        var a = cpu.Vr[d.Rn];
        var c = cpu.Vr[d.Rd];
        Vector128<byte> r = default;
        for (int i = 0; i < n; i++)
        {
            ulong x = Lanes.Get(ref a, i, l);
            ulong shifted = left ? x << shift : (shift >= 64 ? 0 : x >> shift);
            ulong v = insert ? (Lanes.Get(ref c, i, l) & ~mask) | (shifted & mask) : shifted;
            Lanes.Set(ref r, i, l, v);
        }
        cpu.Vr[d.Rd] = r;
    }


    /// <summary>SQSHL/UQSHL/SQSHLU (immediate), C7.2.278 etc.: saturating left shift.</summary>
    internal static void SatShiftLeftImm(CpuCore cpu, ref DecodedInst d, bool srcUnsigned, bool dstUnsigned)
    {
        int l = ShiftLog2(ref d);
        int shift = LeftShift(ref d, l);
        int n = ElemCount(ref d, l);
        var a = cpu.Vr[d.Rn];
        Vector128<byte> r = default;
        bool sat = false;
        for (int i = 0; i < n; i++)
            Lanes.Set(ref r, i, l, Sat(Ext(Lanes.Get(ref a, i, l), l, srcUnsigned) << shift, l, dstUnsigned, ref sat));
        cpu.Vr[d.Rd] = r;
        SetQc(cpu, sat);
    }

    public static void QSHL_imm(CpuCore cpu, ref DecodedInst d) => SatShiftLeftImm(cpu, ref d, d.Bit(29), d.Bit(29));

    /// <summary>Shift right narrow: kind 0 truncate (SHRN/RSHRN), 1 signed sat, 2 unsigned sat, 3 signed to unsigned
    /// (SQSHRUN/SQRSHRUN); the source elements are 2*esize.</summary>
    internal static void ShiftRightNarrow(CpuCore cpu, ref DecodedInst d, bool round, int kind)
    {
        int l = ShiftLog2(ref d);
        int shift = RightShift(ref d, l);
        int n = IsScalar(ref d) ? 1 : 8 >> l;
        bool srcUnsigned = kind == 0 || kind == 2;
        var a = cpu.Vr[d.Rn];
        Vector128<byte> r = default;
        bool sat = false;
        for (int i = 0; i < n; i++)
        {
            Int128 x = ShiftRound(Ext(Lanes.Get(ref a, i, l + 1), l + 1, srcUnsigned), -shift, round);
            ulong y = kind switch
            {
                0 => (ulong)x,
                1 => SatS(x, l, ref sat),
                _ => SatU(x, l, ref sat),
            };
            Lanes.Set(ref r, i, l, y);
        }
        WriteNarrow(cpu, ref d, r.AsUInt64().GetElement(0));
        SetQc(cpu, sat);
    }

    public static void QSHRN(CpuCore cpu, ref DecodedInst d) => ShiftRightNarrow(cpu, ref d, false, d.Bit(29) ? 2 : 1);
    public static void QRSHRN(CpuCore cpu, ref DecodedInst d) => ShiftRightNarrow(cpu, ref d, true, d.Bit(29) ? 2 : 1);

    /// <summary>SSHLL/USHLL (SXTL/UXTL when the shift is 0), C7.2.296/C7.2.365.</summary>
    public static void SHLL_imm(CpuCore cpu, ref DecodedInst d)
    {
        int l = ShiftLog2(ref d);
        int shift = LeftShift(ref d, l);
        bool unsigned = d.Bit(29);
        int n = 8 >> l;
        int off = d.Bit(30) ? n : 0;
        var a = cpu.Vr[d.Rn];
        Vector128<byte> r = default;
        for (int i = 0; i < n; i++) Lanes.Set(ref r, i, l + 1, ExtElem(Lanes.Get(ref a, i + off, l), l, unsigned) << shift);
        cpu.Vr[d.Rd] = r;
    }

    // ---- Modified immediate ----
    private static uint ModImm8(uint raw) => ((raw >> 11) & 0xE0) | ((raw >> 5) & 0x1F);

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
    public static void SIMD_MODIMM(CpuCore cpu, ref DecodedInst d)
    {
        bool op = d.Bit(29);
        uint cmode = d.Bits(15, 12);
        ulong imm64 = AdvSimdExpandImm(op, cmode, ModImm8(d.Raw));
        var imm = Vector128.Create(imm64, imm64).AsByte();
        Vector128<byte> r;
        if ((cmode & 1) != 0 && cmode < 0b1100)
            r = op ? Vector128.AndNot(cpu.Vr[d.Rd], imm) : cpu.Vr[d.Rd] | imm;   // BIC / ORR
        else
            r = op && cmode != 0b1110 ? ~imm : imm;                              // MVNI / MOVI
        cpu.Vr[d.Rd] = Lanes.Narrow(r, d.Bit(30));
    }

    /// <summary>FMOV (vector, immediate), C7.2.123: VFPExpandImm of imm8 replicated (single; double when op = 1).</summary>
    public static void FMOV_vec_imm(CpuCore cpu, ref DecodedInst d)
    {
        ulong imm8 = ModImm8(d.Raw);
        ulong sign = imm8 >> 7, b6 = (imm8 >> 6) & 1, low6 = imm8 & 0x3F;
        ulong imm64;
        if (d.Bit(29))
            imm64 = sign << 63 | (b6 ^ 1) << 62 | (b6 != 0 ? 0xFFUL << 54 : 0) | low6 << 48;
        else
        {
            ulong s = sign << 31 | (b6 ^ 1) << 30 | (b6 != 0 ? 0x1FUL << 25 : 0) | low6 << 19;
            imm64 = s | s << 32;
        }
        cpu.Vr[d.Rd] = Lanes.Narrow(Vector128.Create(imm64, imm64).AsByte(), d.Bit(30));
    }
}
