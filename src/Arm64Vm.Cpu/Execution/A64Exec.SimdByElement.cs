using System.Runtime.Intrinsics;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>AdvSIMD (scalar) x indexed element, integer forms (Arm ARM C4.1.71): the indexed element of Vm is
/// broadcast and the three-same / three-different lane operations are reused.</summary>
public static partial class A64Exec
{
    private static Vector128<byte> IndexedElement(CpuCore cpu, ref DecodedInst d)
    {
        int l = Size(ref d);
        uint h = d.Bits(11, 11), lo = d.Bits(21, 21), m = d.Bits(20, 20);
        int index, reg;
        if (l == 1) { index = (int)(h << 2 | lo << 1 | m); reg = (int)d.Bits(19, 16); }
        else { index = (int)(h << 1 | lo); reg = (int)d.Bits(20, 16); }
        var v = cpu.Vr[reg];
        return Broadcast(Lanes.Get(ref v, index, l), l);
    }

    /// <summary>MLA (by element), C7.2.196.</summary>
    public static void MLA_elem(CpuCore cpu, ref DecodedInst d) { Lanes3<OpMla>(cpu, ref d, Size(ref d), IndexedElement(cpu, ref d)); }
    /// <summary>MLS (by element), C7.2.198.</summary>
    public static void MLS_elem(CpuCore cpu, ref DecodedInst d) { Lanes3<OpMls>(cpu, ref d, Size(ref d), IndexedElement(cpu, ref d)); }
    /// <summary>MUL (by element), C7.2.205.</summary>
    public static void MUL_elem(CpuCore cpu, ref DecodedInst d) { Lanes2<OpMul>(cpu, ref d, Size(ref d), IndexedElement(cpu, ref d)); }
    /// <summary>SMLAL/UMLAL (by element).</summary>
    public static void MLAL_elem(CpuCore cpu, ref DecodedInst d) { LongLanes<OpMlaL>(cpu, ref d, false, IndexedElement(cpu, ref d)); }
    /// <summary>SMLSL/UMLSL (by element).</summary>
    public static void MLSL_elem(CpuCore cpu, ref DecodedInst d) { LongLanes<OpMlsL>(cpu, ref d, false, IndexedElement(cpu, ref d)); }
    /// <summary>SMULL/UMULL (by element).</summary>
    public static void MULL_elem(CpuCore cpu, ref DecodedInst d) { LongLanes<OpMulL>(cpu, ref d, false, IndexedElement(cpu, ref d)); }
    /// <summary>SQDMLAL (by element), C7.2.263.</summary>
    public static void SQDMLAL_elem(CpuCore cpu, ref DecodedInst d) { LongLanes<OpSqdmlal>(cpu, ref d, false, IndexedElement(cpu, ref d)); }
    /// <summary>SQDMLSL (by element), C7.2.265.</summary>
    public static void SQDMLSL_elem(CpuCore cpu, ref DecodedInst d) { LongLanes<OpSqdmlsl>(cpu, ref d, false, IndexedElement(cpu, ref d)); }
    /// <summary>SQDMULL (by element), C7.2.269.</summary>
    public static void SQDMULL_elem(CpuCore cpu, ref DecodedInst d) { LongLanes<OpSqdmull>(cpu, ref d, false, IndexedElement(cpu, ref d)); }
    /// <summary>SQDMULH (by element), C7.2.267.</summary>
    public static void SQDMULH_elem(CpuCore cpu, ref DecodedInst d) { Lanes2<OpSqdmulh>(cpu, ref d, Size(ref d), IndexedElement(cpu, ref d)); }
    /// <summary>SQRDMULH (by element), C7.2.275.</summary>
    public static void SQRDMULH_elem(CpuCore cpu, ref DecodedInst d) { Lanes2<OpSqrdmulh>(cpu, ref d, Size(ref d), IndexedElement(cpu, ref d)); }
}
