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
    private static int SimdRegScale(uint raw) => (int)(((raw >> 21) & 4) | (raw >> 30));

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SimdLoadOrStore(CpuCore cpu, ref DecodedInst d, ulong address, int scale)
    {
        if ((d.Raw & (1u << 22)) != 0) cpu.Vr[d.Rt] = SimdLoadValue(cpu, address, scale);
        else SimdStoreValue(cpu, address, scale, cpu.Vr[d.Rt]);
    }

    /// <summary>LDR/STR (SIMD&amp;FP, unsigned offset), C7.2.176/C7.2.315.</summary>
    public static void LDST_simd_uoff(CpuCore cpu, ref DecodedInst d)
    {
        int scale = SimdRegScale(d.Raw);
        ulong address = BaseAddress(cpu, d.Rn) + ((ulong)d.Bits(21, 10) << scale);
        SimdLoadOrStore(cpu, ref d, address, scale);
    }

    /// <summary>LDUR/STUR (SIMD&amp;FP), C7.2.195/C7.2.330.</summary>
    public static void LDST_simd_unscaled(CpuCore cpu, ref DecodedInst d)
    {
        ulong address = BaseAddress(cpu, d.Rn) + (ulong)SignExtend(d.Bits(20, 12), 9);
        SimdLoadOrStore(cpu, ref d, address, SimdRegScale(d.Raw));
    }

    /// <summary>LDR/STR (SIMD&amp;FP, immediate, post-index), C7.2.176/C7.2.315.</summary>
    public static void LDST_simd_post(CpuCore cpu, ref DecodedInst d)
    {
        ulong address = BaseAddress(cpu, d.Rn);
        SimdLoadOrStore(cpu, ref d, address, SimdRegScale(d.Raw));
        cpu.SetXOrSp(d.Rn, address + (ulong)SignExtend(d.Bits(20, 12), 9));
    }

    /// <summary>LDR/STR (SIMD&amp;FP, immediate, pre-index), C7.2.176/C7.2.315.</summary>
    public static void LDST_simd_pre(CpuCore cpu, ref DecodedInst d)
    {
        ulong address = BaseAddress(cpu, d.Rn) + (ulong)SignExtend(d.Bits(20, 12), 9);
        SimdLoadOrStore(cpu, ref d, address, SimdRegScale(d.Raw));
        cpu.SetXOrSp(d.Rn, address);
    }

    /// <summary>LDR/STR (SIMD&amp;FP, register offset): ExtendReg(m, option, S ? scale : 0), C7.2.178/C7.2.316.</summary>
    public static void LDST_simd_regoff(CpuCore cpu, ref DecodedInst d)
    {
        int scale = SimdRegScale(d.Raw);
        uint option = d.Bits(15, 13);
        ulong m = cpu.X(d.Rm);
        ulong offset = option switch
        {
            0b010 => (uint)m,
            0b110 => (ulong)(long)(int)(uint)m,
            _ => m, // 011 LSL/UXTX, 111 SXTX
        };
        if (d.Bit(12)) offset <<= scale;
        SimdLoadOrStore(cpu, ref d, BaseAddress(cpu, d.Rn) + offset, scale);
    }

    /// <summary>LDR (literal, SIMD&amp;FP): S, D or Q at PC + imm19 * 4, C7.2.177.</summary>
    public static void LDR_lit_simd(CpuCore cpu, ref DecodedInst d)
    {
        int scale = 2 + (int)(d.Raw >> 30);
        ulong address = cpu.Pc + (ulong)(SignExtend(d.Bits(23, 5), 19) << 2);
        cpu.Vr[d.Rt] = SimdLoadValue(cpu, address, scale);
    }

    /// <summary>LDP/STP/LDNP/STNP (SIMD&amp;FP): S, D or Q pairs; mode 00 no-allocate, 01 post, 10 offset, 11 pre
    /// (C7.2.171, C7.2.172, C7.2.311, C7.2.312). Both loads complete before either register is written.</summary>
    public static void LDSTP_simd(CpuCore cpu, ref DecodedInst d)
    {
        int scale = 2 + (int)(d.Raw >> 30);
        uint mode = d.Bits(24, 23);
        long offset = SignExtend(d.Bits(21, 15), 7) << scale;
        ulong baseAddr = BaseAddress(cpu, d.Rn);
        ulong address = mode == 0b01 ? baseAddr : baseAddr + (ulong)offset;
        ulong size = 1UL << scale;
        if (d.Bit(22))
        {
            var v1 = SimdLoadValue(cpu, address, scale);
            var v2 = SimdLoadValue(cpu, address + size, scale);
            cpu.Vr[d.Rt] = v1;
            cpu.Vr[d.Rt2] = v2;
        }
        else
        {
            cpu.PrepareVectorStore(address, 2 << scale);
            SimdStoreValue(cpu, address, scale, cpu.Vr[d.Rt]);
            SimdStoreValue(cpu, address + size, scale, cpu.Vr[d.Rt2]);
        }
        if (mode == 0b01 || mode == 0b11) cpu.SetXOrSp(d.Rn, baseAddr + (ulong)offset);
    }
}
