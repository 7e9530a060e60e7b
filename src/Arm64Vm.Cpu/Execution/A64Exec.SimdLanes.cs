using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Element access on 128-bit vector values (Arm ARM Elem[] getter/setter). Elements are little-endian lanes of
/// 2^log2 bytes; values are returned zero-extended.
/// </summary>
public static class Lanes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Get(ref Vector128<byte> v, int i, int log2)
    {
        ref byte b = ref Unsafe.As<Vector128<byte>, byte>(ref v);
        switch (log2)
        {
            case 0: return Unsafe.Add(ref b, i & 15);
            case 1: return Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref b, (i & 7) << 1));
            case 2: return Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref b, (i & 3) << 2));
            default: return Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, (i & 1) << 3));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Set(ref Vector128<byte> v, int i, int log2, ulong x)
    {
        ref byte b = ref Unsafe.As<Vector128<byte>, byte>(ref v);
        switch (log2)
        {
            case 0: Unsafe.Add(ref b, i & 15) = (byte)x; break;
            case 1: Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, (i & 7) << 1), (ushort)x); break;
            case 2: Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, (i & 3) << 2), (uint)x); break;
            default: Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, (i & 1) << 3), x); break;
        }
    }

    /// <summary>Sign-extends an element of 2^log2 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Sx(ulong x, int log2) => log2 switch
    {
        0 => (sbyte)x,
        1 => (short)x,
        2 => (int)x,
        _ => (long)x,
    };

    /// <summary>Mask of an element of 2^log2 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mask(int log2) => log2 == 3 ? ulong.MaxValue : (1UL << (8 << log2)) - 1;

    /// <summary>Clears bits [127:64] when the operation is 64 bits wide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> Narrow(Vector128<byte> v, bool q) =>
        q ? v : Vector128.CreateScalar(v.AsUInt64().GetElement(0)).AsByte();
}

/// <summary>Up to four vector values, for structure loads and table lookups (no allocation).</summary>
[InlineArray(4)]
public struct Vec4
{
    private Vector128<byte> _e0;
}
