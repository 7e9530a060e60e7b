using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Loads and stores of SIMD&amp;FP registers (Arm ARM C4.1.66 with V = 1): LDR/STR (immediate, register, literal),
/// LDUR/STUR, LDP/STP/LDNP/STNP. Every access that may fault is made before any register is written.
/// </summary>
public static partial class A64Exec
{
    /// <summary>size:opc is B/H/S/D (opc = 0x) or Q (size = 00, opc = 1x).</summary>
    public static bool SimdRegSizeValid(uint raw) => ((raw >> 23) & 1) == 0 || ((raw >> 30) & 3) == 0;

    public static bool SimdRegOffValid(uint raw) => SimdRegSizeValid(raw) && ((raw >> 14) & 1) != 0;

    public static bool SimdLitValid(uint raw) => (raw >> 30) != 3;

    public static bool SimdPairValid(uint raw) => (raw >> 30) != 3;

    /// <summary>log2 of the access size in bytes: opc&lt;1&gt;:size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SimdRegScale(int size, int opc) => (opc & 2) << 1 | size;

    /// <summary>Loads 2^scale bytes into V[t] (zeroing the rest) after the access completes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> SimdLoadValue(CpuCore cpu, ulong address, int scale)
    {
        switch (scale)
        {
            case 0: return Vector128.CreateScalar(cpu.ReadU8(address));
            case 1: return Vector128.CreateScalar(cpu.ReadU16(address)).AsByte();
            case 2: return Vector128.CreateScalar(cpu.ReadU32(address)).AsByte();
            case 3: return Vector128.CreateScalar(cpu.ReadU64(address)).AsByte();
            default:
                cpu.CheckVectorAlignment(address, 16, write: false);
                return cpu.VecRead128(address, 16);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SimdStoreValue(CpuCore cpu, ulong address, int scale, Vector128<byte> v)
    {
        switch (scale)
        {
            case 0: cpu.WriteU8(address, v.GetElement(0)); break;
            case 1: cpu.WriteU16(address, v.AsUInt16().GetElement(0)); break;
            case 2: cpu.WriteU32(address, v.AsUInt32().GetElement(0)); break;
            case 3: cpu.WriteU64(address, v.AsUInt64().GetElement(0)); break;
            default:
                cpu.CheckVectorAlignment(address, 16, write: true);
                cpu.VecWrite128(address, v, 16);
                break;
        }
    }

    /// <summary>opc&lt;0&gt; = 1 loads V[t], else stores it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SimdLoadOrStore(CpuCore cpu, int rt, int opc, ulong address, int scale)
    {
        if ((opc & 1) != 0) cpu.Vr[rt] = SimdLoadValue(cpu, address, scale);
        else SimdStoreValue(cpu, address, scale, cpu.Vr[rt]);
    }

    /// <summary>LDR/STR (SIMD&amp;FP, unsigned offset), C7.2.176/C7.2.315.</summary>
    public static void LDST_simd_uoff(CpuCore cpu, int size, int opc, uint imm12, int rn, int rt)
    {
        int scale = SimdRegScale(size, opc);
        SimdLoadOrStore(cpu, rt, opc, BaseAddress(cpu, rn) + ((ulong)imm12 << scale), scale);
    }

    /// <summary>
    /// LDUR/STUR (SIMD&amp;FP, C7.2.195/C7.2.330) and LDR/STR (SIMD&amp;FP, immediate, post- and pre-index,
    /// C7.2.176/C7.2.315): the row passes the index mode, the signed imm9 is predecoded.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void LdStSimdImm9(CpuCore cpu, ref DecodedInst d, int size, int opc, int rn, int rt, IndexMode mode)
    {
        ulong b = BaseAddress(cpu, rn);
        SimdLoadOrStore(cpu, rt, opc, mode == IndexMode.Post ? b : b + d.Imm, SimdRegScale(size, opc));
        if (mode != IndexMode.Offset) cpu.SetXOrSp(rn, b + d.Imm);
    }

    /// <summary>LDR/STR (SIMD&amp;FP, register offset): ExtendReg(m, option, S ? scale : 0), C7.2.178/C7.2.316.</summary>
    public static void LDST_simd_regoff(CpuCore cpu, int size, int opc, int rm, uint option, bool s, int rn, int rt)
    {
        int scale = SimdRegScale(size, opc);
        ulong m = cpu.X(rm);
        ulong offset = option switch
        {
            0b010 => (uint)m,
            0b110 => (ulong)(long)(int)(uint)m,
            _ => m, // 011 LSL/UXTX, 111 SXTX
        };
        if (s) offset <<= scale;
        SimdLoadOrStore(cpu, rt, opc, BaseAddress(cpu, rn) + offset, scale);
    }

    /// <summary>LDR (literal, SIMD&amp;FP): S, D or Q at PC + imm19 * 4 (predecoded), C7.2.177.</summary>
    public static void LDR_lit_simd(CpuCore cpu, ref DecodedInst d, int opc, int rt) =>
        cpu.Vr[rt] = SimdLoadValue(cpu, cpu.Pc + d.Imm, 2 + opc);

    /// <summary>LDP/STP/LDNP/STNP (SIMD&amp;FP): S, D or Q pairs; mode 00 no-allocate, 01 post, 10 offset, 11 pre
    /// (C7.2.171, C7.2.172, C7.2.311, C7.2.312). Both loads complete before either register is written.</summary>
    public static void LDSTP_simd(CpuCore cpu, int opc, uint mode, bool l, uint imm7, int rt2, int rn, int rt)
    {
        int scale = 2 + opc;
        long offset = SignExtend(imm7, 7) << scale;
        ulong baseAddr = BaseAddress(cpu, rn);
        ulong address = mode == 0b01 ? baseAddr : baseAddr + (ulong)offset;
        ulong size = 1UL << scale;
        if (l)
        {
            var v1 = SimdLoadValue(cpu, address, scale);
            var v2 = SimdLoadValue(cpu, address + size, scale);
            cpu.Vr[rt] = v1;
            cpu.Vr[rt2] = v2;
        }
        else
        {
            cpu.PrepareVectorStore(address, 2 << scale);
            SimdStoreValue(cpu, address, scale, cpu.Vr[rt]);
            SimdStoreValue(cpu, address + size, scale, cpu.Vr[rt2]);
        }
        if (mode == 0b01 || mode == 0b11) cpu.SetXOrSp(rn, baseAddr + (ulong)offset);
    }
}
