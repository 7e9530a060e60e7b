using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;

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

    /// <summary>RBIT, C6.2 RBIT.</summary>
    public static void RBIT(CpuCore cpu, ref DecodedInst d)
    {
        ulong r = ReverseBitsInBytes(BinaryPrimitives.ReverseEndianness(cpu.X(d.Rn)));
        if (d.Sf) cpu.SetX(d.Rd, r);
        else cpu.SetW(d.Rd, (uint)(r >> 32));
    }

    /// <summary>REV16, C6.2 REV16: swaps the bytes of each halfword.</summary>
    public static void REV16(CpuCore cpu, ref DecodedInst d)
    {
        ulong v = cpu.X(d.Rn);
        ulong r = ((v >> 8) & 0x00FF_00FF_00FF_00FFUL) | ((v & 0x00FF_00FF_00FF_00FFUL) << 8);
        if (d.Sf) cpu.SetX(d.Rd, r);
        else cpu.SetW(d.Rd, (uint)r);
    }

    /// <summary>REV32, C6.2 REV32: reverses the bytes of each word of a 64-bit register.</summary>
    public static void REV32(CpuCore cpu, ref DecodedInst d) =>
        cpu.SetX(d.Rd, BitOperations.RotateRight(BinaryPrimitives.ReverseEndianness(cpu.X(d.Rn)), 32));

    /// <summary>REV, 32-bit, C6.2 REV.</summary>
    public static void REV_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, BinaryPrimitives.ReverseEndianness(cpu.W(d.Rn)));

    /// <summary>REV, 64-bit (REV64 alias).</summary>
    public static void REV_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, BinaryPrimitives.ReverseEndianness(cpu.X(d.Rn)));

    /// <summary>CLZ, C6.2 CLZ.</summary>
    public static void CLZ(CpuCore cpu, ref DecodedInst d)
    {
        if (d.Sf) cpu.SetX(d.Rd, (ulong)BitOperations.LeadingZeroCount(cpu.X(d.Rn)));
        else cpu.SetW(d.Rd, (uint)BitOperations.LeadingZeroCount(cpu.W(d.Rn)));
    }

    /// <summary>
    /// CLS, C6.2 CLS: CountLeadingZeroBits(x&lt;N-1:1&gt; EOR x&lt;N-2:0&gt;) over N-1 bits. Shifting the EOR into bits
    /// [N-1:1] and setting bit 0 gives the same count with an N-bit CLZ.
    /// </summary>
    public static void CLS(CpuCore cpu, ref DecodedInst d)
    {
        if (d.Sf) { ulong x = cpu.X(d.Rn); cpu.SetX(d.Rd, (ulong)BitOperations.LeadingZeroCount((x ^ (x << 1)) | 1)); }
        else { uint x = cpu.W(d.Rn); cpu.SetW(d.Rd, (uint)BitOperations.LeadingZeroCount((x ^ (x << 1)) | 1)); }
    }

    // ---- 2 source ----

    /// <summary>UDIV, C6.2 UDIV: division by zero gives 0.</summary>
    public static void UDIV(CpuCore cpu, ref DecodedInst d)
    {
        if (d.Sf) { ulong m = cpu.X(d.Rm); cpu.SetX(d.Rd, m == 0 ? 0 : cpu.X(d.Rn) / m); }
        else { uint m = cpu.W(d.Rm); cpu.SetW(d.Rd, m == 0 ? 0 : cpu.W(d.Rn) / m); }
    }

    /// <summary>SDIV, C6.2 SDIV: division by zero gives 0, INT_MIN / -1 gives INT_MIN (RoundTowardsZero, truncated).</summary>
    public static void SDIV(CpuCore cpu, ref DecodedInst d)
    {
        if (d.Sf)
        {
            long n = (long)cpu.X(d.Rn), m = (long)cpu.X(d.Rm);
            cpu.SetX(d.Rd, m == 0 ? 0 : m == -1 ? (ulong)(0 - n) : (ulong)(n / m));
        }
        else
        {
            int n = (int)cpu.W(d.Rn), m = (int)cpu.W(d.Rm);
            cpu.SetW(d.Rd, m == 0 ? 0 : m == -1 ? (uint)(0 - n) : (uint)(n / m));
        }
    }

    // Variable shifts: the amount is Rm modulo the datasize, which is exactly what C# shift operators do.

    /// <summary>LSLV, C6.2 LSLV.</summary>
    public static void LSLV(CpuCore cpu, ref DecodedInst d)
    {
        int s = (int)cpu.X(d.Rm);
        if (d.Sf) cpu.SetX(d.Rd, cpu.X(d.Rn) << s);
        else cpu.SetW(d.Rd, cpu.W(d.Rn) << s);
    }

    /// <summary>LSRV, C6.2 LSRV.</summary>
    public static void LSRV(CpuCore cpu, ref DecodedInst d)
    {
        int s = (int)cpu.X(d.Rm);
        if (d.Sf) cpu.SetX(d.Rd, cpu.X(d.Rn) >> s);
        else cpu.SetW(d.Rd, cpu.W(d.Rn) >> s);
    }

    /// <summary>ASRV, C6.2 ASRV.</summary>
    public static void ASRV(CpuCore cpu, ref DecodedInst d)
    {
        int s = (int)cpu.X(d.Rm);
        if (d.Sf) cpu.SetX(d.Rd, (ulong)((long)cpu.X(d.Rn) >> s));
        else cpu.SetW(d.Rd, (uint)((int)cpu.W(d.Rn) >> s));
    }

    /// <summary>RORV, C6.2 RORV.</summary>
    public static void RORV(CpuCore cpu, ref DecodedInst d)
    {
        int s = (int)cpu.X(d.Rm);
        if (d.Sf) cpu.SetX(d.Rd, BitOperations.RotateRight(cpu.X(d.Rn), s));
        else cpu.SetW(d.Rd, BitOperations.RotateRight(cpu.W(d.Rn), s));
    }
}
