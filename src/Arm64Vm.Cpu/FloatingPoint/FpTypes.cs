using System.Runtime.CompilerServices;

namespace Arm64Vm.Cpu.FloatingPoint;

/// <summary>FPRounding (Arm ARM J1 shared/functions/float). Values 0-3 equal the FPCR.RMode encoding.</summary>
public enum FpRounding : byte { TieEven = 0, PosInf = 1, NegInf = 2, Zero = 3, TieAway = 4, Odd = 5 }

/// <summary>FPType as returned by FPUnpack().</summary>
public enum FpType : byte { Zero, Denormal, Nonzero, Infinity, QNaN, SNaN }

/// <summary>FPSR cumulative exception flag bits and FPCR control bits (Arm ARM C5.2.7/C5.2.8).</summary>
public static class FpBits
{
    public const uint IOC = 1u << 0, DZC = 1u << 1, OFC = 1u << 2, UFC = 1u << 3, IXC = 1u << 4, IDC = 1u << 7;
    public const uint AHP = 1u << 26, DN = 1u << 25, FZ = 1u << 24, FZ16 = 1u << 19;

    /// <summary>FPRoundingMode(FPCR).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FpRounding RMode(uint fpcr) => (FpRounding)((fpcr >> 22) & 3);

    /// <summary>Fraction bits F of an N-bit format (half/single/double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FracBits(int n) => n == 64 ? 52 : n == 32 ? 23 : 10;

    /// <summary>Exponent bits E of an N-bit format.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ExpBits(int n) => n == 64 ? 11 : n == 32 ? 8 : 5;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SignBit(int n) => 1UL << (n - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mask(int n) => n == 64 ? ulong.MaxValue : (1UL << n) - 1;
}
