using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Arm64Vm.Cpu.Execution;

/// <summary>AdvSIMD (scalar) x indexed element, integer forms (Arm ARM C4.1.71): the indexed element of Vm is
/// broadcast and the three-same / three-different lane loops are reused. The rows bind the fields by name
/// (size, L, M, Rm&lt;3:0&gt;, H) and name the lane operation (T); scalar rows pass scalar=true.</summary>
public static partial class A64Exec
{
    /// <summary>Vm[index] broadcast: size 01 indexes H:L:M of V(Rm&lt;3:0&gt;), size 10 indexes H:L of V(M:Rm&lt;3:0&gt;).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> IndexedElement(CpuCore cpu, int size, bool l, bool m, int rm, bool h)
    {
        int index, reg;
        if (size == 1) { index = (h ? 4 : 0) | (l ? 2 : 0) | (m ? 1 : 0); reg = rm; }
        else { index = (h ? 2 : 0) | (l ? 1 : 0); reg = (m ? 16 : 0) | rm; }
        var v = cpu.Vr[reg];
        return Broadcast(Lanes.Get(ref v, index, size), size);
    }

    /// <summary>MUL, SQDMULH, SQRDMULH (by element), C7.2.205/C7.2.267/C7.2.275.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ElemLanes2<T>(CpuCore cpu, int rd, int rn, int rm, int size, bool l, bool m, bool h, bool q = false, bool scalar = false) where T : ILaneOp2 =>
        LaneLoop<LaneOp2<T>>(cpu, rd, rn, IndexedElement(cpu, size, l, m, rm, h), size, ElemCount(q, scalar, size));

    /// <summary>MLA, MLS (by element), C7.2.196/C7.2.198.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ElemLanes3<T>(CpuCore cpu, int rd, int rn, int rm, int size, bool l, bool m, bool h, bool q) where T : ILaneOp3 =>
        LaneLoop<T>(cpu, rd, rn, IndexedElement(cpu, size, l, m, rm, h), size, ElemCount(q, false, size));

    /// <summary>SMLAL/UMLAL, SMLSL/UMLSL, SMULL/UMULL, SQDMLAL, SQDMLSL, SQDMULL (by element), C7.2.263/C7.2.265/C7.2.269.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ElemLong<T>(CpuCore cpu, int rd, int rn, int rm, int size, bool l, bool m, bool h, bool q = false, bool u = false, bool scalar = false) where T : ILaneOp3 =>
        LongLoop<T>(cpu, rd, rn, IndexedElement(cpu, size, l, m, rm, h), size, false, q, u, scalar);
}
