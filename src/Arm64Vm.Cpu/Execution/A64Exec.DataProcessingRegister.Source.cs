using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Arm64Vm.Cpu.Execution;

/// <summary>Data-processing (1 source) and (2 source) except CRC32, Arm ARM C4.1.67.</summary>
public static partial class A64Exec
{
    // ---- 1 source ----

    /// <summary>Reverses the bits of each byte (the byte order is unchanged).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReverseBitsInBytes(ulong v)
    {
        v = ((v >> 1) & 0x5555_5555_5555_5555UL) | ((v & 0x5555_5555_5555_5555UL) << 1);
        v = ((v >> 2) & 0x3333_3333_3333_3333UL) | ((v & 0x3333_3333_3333_3333UL) << 2);
        return ((v >> 4) & 0x0F0F_0F0F_0F0F_0F0FUL) | ((v & 0x0F0F_0F0F_0F0F_0F0FUL) << 4);
    }

    /// <summary>
    /// RBIT, REV16, REV32, REV, CLZ, CLS, C6.2. CLS counts CountLeadingZeroBits(x&lt;N-1:1&gt; EOR x&lt;N-2:0&gt;) over
    /// N-1 bits: shifting the EOR into bits [N-1:1] and setting bit 0 gives the same count with an N-bit CLZ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void OneSource(CpuCore cpu, int rd, int rn, bool sf, OneSourceOp op)
    {
        ulong x = sf ? cpu.X(rn) : cpu.W(rn);
        int n = sf ? 64 : 32;
        ulong r = op switch
        {
            OneSourceOp.Rbit => ReverseBitsInBytes(BinaryPrimitives.ReverseEndianness(x)) >> (64 - n),
            OneSourceOp.Rev16 => ((x >> 8) & 0x00FF_00FF_00FF_00FFUL) | ((x & 0x00FF_00FF_00FF_00FFUL) << 8),
            OneSourceOp.Rev32 => BitOperations.RotateRight(BinaryPrimitives.ReverseEndianness(x), 32),
            OneSourceOp.Rev => BinaryPrimitives.ReverseEndianness(x) >> (64 - n),
            OneSourceOp.Clz => (ulong)(BitOperations.LeadingZeroCount(x) - (64 - n)),
            _ => (ulong)(BitOperations.LeadingZeroCount(((x ^ (x << 1)) << (64 - n)) | (1UL << (64 - n)))),
        };
        cpu.SetX(rd, sf ? r : (uint)r);
    }

    // ---- 2 source ----

    /// <summary>
    /// UDIV, SDIV (division by zero gives 0, INT_MIN / -1 gives INT_MIN), LSLV, LSRV, ASRV, RORV, C6.2: the shift
    /// amount is Rm modulo the datasize, which is exactly what the C# shift operators do.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TwoSource(CpuCore cpu, int rd, int rn, int rm, bool sf, TwoSourceOp op)
    {
        // 32-bit operands zero-extended (sign-extended for SDIV and ASRV): the 64-bit operation truncated is the
        // 32-bit one, INT_MIN / -1 included.
        ulong n = sf ? cpu.X(rn) : cpu.W(rn), m = sf ? cpu.X(rm) : cpu.W(rm);
        long sn = sf ? (long)n : (int)n, sm = sf ? (long)m : (int)m;
        int s = (int)m & (sf ? 63 : 31);
        ulong r = op switch
        {
            TwoSourceOp.Udiv => m == 0 ? 0 : n / m,
            TwoSourceOp.Sdiv => sm == 0 ? 0 : sm == -1 ? 0 - n : (ulong)(sn / sm),
            TwoSourceOp.Lsl => n << s,
            TwoSourceOp.Lsr => n >> s,
            TwoSourceOp.Asr => (ulong)(sn >> s),
            _ => sf ? BitOperations.RotateRight(n, s) : BitOperations.RotateRight((uint)n, s),
        };
        cpu.SetX(rd, sf ? r : (uint)r);
    }
}

/// <summary>The data-processing (1 source) operations.</summary>
internal enum OneSourceOp : byte { Rbit, Rev16, Rev32, Rev, Clz, Cls }

/// <summary>The data-processing (2 source) operations other than CRC32.</summary>
internal enum TwoSourceOp : byte { Udiv, Sdiv, Lsl, Lsr, Asr, Ror }
