using static Arm64Vm.Cpu.FloatingPoint.FpBits;

namespace Arm64Vm.Cpu.FloatingPoint;

public static partial class Fp
{
    /// <summary>Total order key of a non-NaN operand after FPUnpack (zeros of both signs compare equal).</summary>
    private static long OrderKey(FpType t, bool sign, ulong op, int n)
    {
        if (t == FpType.Zero) return 0;
        long mag = (long)(op & (SignBit(n) - 1));
        return sign ? -mag : mag;
    }

    /// <summary>FPCompare() (FCMP/FCMPE/FCCMP): NZCV in bits [3:0]; unordered is 0011.</summary>
    public static uint Compare(ulong op1, ulong op2, bool signalNaNs, int n, uint fpcr, ref uint fpsr)
    {
        var t1 = Unpack(op1, n, fpcr, ref fpsr, out bool s1, out _, out _);
        var t2 = Unpack(op2, n, fpcr, ref fpsr, out bool s2, out _, out _);
        if (IsNaN(t1) || IsNaN(t2))
        {
            if (t1 == FpType.SNaN || t2 == FpType.SNaN || signalNaNs) fpsr |= IOC;
            return 0b0011;
        }
        long k1 = OrderKey(t1, s1, op1, n), k2 = OrderKey(t2, s2, op2, n);
        return k1 == k2 ? 0b0110u : k1 < k2 ? 0b1000u : 0b0010u;
    }

    /// <summary>FPCompareEQ(): false for NaNs, IOC only for signalling NaNs.</summary>
    public static bool CompareEQ(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr)
    {
        var t1 = Unpack(op1, n, fpcr, ref fpsr, out bool s1, out _, out _);
        var t2 = Unpack(op2, n, fpcr, ref fpsr, out bool s2, out _, out _);
        if (IsNaN(t1) || IsNaN(t2))
        {
            if (t1 == FpType.SNaN || t2 == FpType.SNaN) fpsr |= IOC;
            return false;
        }
        return OrderKey(t1, s1, op1, n) == OrderKey(t2, s2, op2, n);
    }

    /// <summary>FPCompareGE() / FPCompareGT(): false for NaNs, IOC for any NaN.</summary>
    public static bool CompareGE(ulong op1, ulong op2, bool strict, int n, uint fpcr, ref uint fpsr)
    {
        var t1 = Unpack(op1, n, fpcr, ref fpsr, out bool s1, out _, out _);
        var t2 = Unpack(op2, n, fpcr, ref fpsr, out bool s2, out _, out _);
        if (IsNaN(t1) || IsNaN(t2)) { fpsr |= IOC; return false; }
        long k1 = OrderKey(t1, s1, op1, n), k2 = OrderKey(t2, s2, op2, n);
        return strict ? k1 > k2 : k1 >= k2;
    }

    /// <summary>FPMax() / FPMin() (Arm ARM J1): NaNs propagate; max(+0,-0) = +0, min(+0,-0) = -0.</summary>
    public static ulong MaxMin(ulong op1, ulong op2, bool max, int n, uint fpcr, ref uint fpsr)
    {
        var t1 = Unpack(op1, n, fpcr, ref fpsr, out bool s1, out _, out _);
        var t2 = Unpack(op2, n, fpcr, ref fpsr, out bool s2, out _, out _);
        if (ProcessNaNs(t1, t2, op1, op2, n, fpcr, ref fpsr, out ulong r)) return r;
        long k1 = OrderKey(t1, s1, op1, n), k2 = OrderKey(t2, s2, op2, n);
        bool first = max ? k1 > k2 : k1 < k2;
        var t = first ? t1 : t2;
        ulong op = first ? op1 : op2;
        if (t == FpType.Zero)
        {
            bool sign = max ? (s1 && s2) : (s1 || s2);
            return Zero(sign, n);
        }
        // FPRound of a representable value is exact; flushed inputs already became zeros above.
        return op;
    }

    /// <summary>FPMaxNum() / FPMinNum(): a single quiet NaN is treated as -inf (max) / +inf (min).</summary>
    public static ulong MaxMinNum(ulong op1, ulong op2, bool max, int n, uint fpcr, ref uint fpsr)
    {
        var t1 = Unpack(op1, n, fpcr, ref fpsr, out _, out _, out _);
        var t2 = Unpack(op2, n, fpcr, ref fpsr, out _, out _, out _);
        if (t1 == FpType.QNaN && t2 != FpType.QNaN) op1 = Infinity(max, n);
        else if (t1 != FpType.QNaN && t2 == FpType.QNaN) op2 = Infinity(max, n);
        return MaxMin(op1, op2, max, n, fpcr, ref fpsr);
    }
}
