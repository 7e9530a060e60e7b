using System.Runtime.CompilerServices;
using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

/// <summary>Everything that decides the effective memory attributes of one EL1&amp;0 access (inputs of <see cref="AttributeCombiner.Effective"/>).</summary>
public struct AttributeInputs
{
    /// <summary>Instruction fetch (else data access or table walk).</summary>
    public bool Fetch;
    /// <summary>SCTLR_EL1.M, SCTLR_EL1.C, SCTLR_EL1.I.</summary>
    public bool SctlrM, SctlrC, SctlrI;
    /// <summary>MAIR_EL1 attribute byte selected by the stage-1 descriptor's AttrIndx, and the descriptor's SH[1:0].</summary>
    public byte Mair;
    public int S1Sh;
    /// <summary>HCR_EL2.VM, DC, FWB, CD, ID.</summary>
    public bool Vm, Dc, Fwb, Cd, Id;
    /// <summary>Stage-2 descriptor MemAttr[3:0] and SH[1:0].</summary>
    public int S2MemAttr;
    public int S2Sh;
}

/// <summary>
/// Memory attribute rules of specs/memory-attributes.md: MAIR decoding, stage-1-off defaults, SCTLR_EL1.C/I,
/// stage-1 + stage-2 combining with and without FWB, HCR_EL2.CD/ID and shareability. Pure functions; every rule
/// cites its row id (MA-…). Intermediate values keep the descriptor's raw shareability; <see cref="Finish"/>
/// applies the effective-shareability rule at the end.
/// </summary>
public static class AttributeCombiner
{
    private const int RA = 1, WA = 2, TR = 4;

    /// <summary>The whole pipeline: stage 1 (or its disabled defaults), then stage 2, then shareability.</summary>
    public static MemoryAttributes Effective(in AttributeInputs x)
    {
        bool s1On = x.SctlrM && !x.Dc;                                            // MA-OFF-3: DC disables stage 1
        MemoryAttributes s1 = s1On
            ? Stage1Output(DecodeMair(x.Mair, x.S1Sh), x.Fetch, x.Fetch ? x.SctlrI : x.SctlrC)
            : Stage1Disabled(x.Fetch, x.SctlrI, x.Dc);
        if (!x.Vm && !x.Dc) return Finish(s1);                                    // MA-OFF-3: DC enables stage 2
        return Finish(WithStage2(s1, x.S2MemAttr, x.S2Sh, x.Fwb, x.Fetch, x.Cd, x.Id));
    }

    /// <summary>MAIR_ELx attribute byte plus descriptor SH → stage-1 attributes (MA-MAIR-1..5, MA-SH-1).</summary>
    public static MemoryAttributes DecodeMair(byte attr, int sh)
    {
        Shareability s = DecodeSh(sh);
        if ((attr & 0xF0) == 0)
        {
            if ((attr & 3) != 0) return Device(MemoryType.DeviceNGnRnE);          // MA-MAIR-2
            return Device((MemoryType)((attr >> 2) & 3));                          // MA-MAIR-1
        }
        var (oc, oh) = DecodeNibble(attr >> 4);                                    // MA-MAIR-3
        var (ic, ih) = (attr & 0xF) == 0 ? (Cacheability.NonCacheable, 0) : DecodeNibble(attr & 0xF); // MA-MAIR-5
        return Normal(ic, ih, oc, oh, s);
    }

    /// <summary>One MAIR cacheability nibble (MA-MAIR-4).</summary>
    private static (Cacheability, int) DecodeNibble(int n)
    {
        int hints = ((n >> 1) & 1) * RA | (n & 1) * WA;
        return (n >> 2) switch
        {
            0 => (Cacheability.WriteThrough, hints | TR),
            1 => (n & 3) == 0 ? (Cacheability.NonCacheable, 0) : (Cacheability.WriteBack, hints | TR),
            2 => (Cacheability.WriteThrough, hints),
            _ => (Cacheability.WriteBack, hints),
        };
    }

    /// <summary>SH[1:0] (MA-SH-1): 00 NSH, 10 OSH, 11 ISH, reserved 01 → NSH.</summary>
    public static Shareability DecodeSh(int sh) => (sh & 3) switch
    {
        2 => Shareability.OuterShareable,
        3 => Shareability.InnerShareable,
        _ => Shareability.NonShareable,
    };

    /// <summary>Stage-1 output with the regime's cache enables (MA-S1-1 for data, MA-S1-2 for fetches).</summary>
    public static MemoryAttributes Stage1Output(MemoryAttributes decoded, bool fetch, bool cacheEnabled)
    {
        if (fetch)
        {
            if (decoded.IsDevice || !cacheEnabled) return NormalNc();             // MA-S1-2
            return decoded;
        }
        if (!decoded.IsDevice && !cacheEnabled) return NormalNc();                // MA-S1-1
        return decoded;
    }

    /// <summary>Stage 1 disabled (MA-OFF-1..3).</summary>
    public static MemoryAttributes Stage1Disabled(bool fetch, bool sctlrI, bool hcrDc)
    {
        if (hcrDc) return Normal(Cacheability.WriteBack, RA | WA, Cacheability.WriteBack, RA | WA, Shareability.NonShareable); // MA-OFF-3
        if (!fetch) return Device(MemoryType.DeviceNGnRnE);                       // MA-OFF-1
        return sctlrI                                                             // MA-OFF-2
            ? Normal(Cacheability.WriteThrough, RA, Cacheability.WriteThrough, RA, Shareability.OuterShareable)
            : NormalNc();
    }

    /// <summary>Stage-2 descriptor attributes with FWB = 0 (MA-S2-1..3, MA-SH-1).</summary>
    public static MemoryAttributes DecodeStage2(int memAttr, int sh)
    {
        if ((memAttr & 0xC) == 0) return Device((MemoryType)(memAttr & 3));       // MA-S2-1
        static Cacheability C(int v) => v switch { 2 => Cacheability.WriteThrough, 3 => Cacheability.WriteBack, _ => Cacheability.NonCacheable }; // MA-S2-2, MA-S2-3
        Cacheability o = C((memAttr >> 2) & 3), i = C(memAttr & 3);
        return Normal(i, i == Cacheability.NonCacheable ? 0 : RA | WA, o, o == Cacheability.NonCacheable ? 0 : RA | WA, DecodeSh(sh));
    }

    /// <summary>Applies stage 2 to stage-1 attributes (MA-CMB-*, MA-FWB-*, MA-S2-4/5, MA-SHC-1).</summary>
    public static MemoryAttributes WithStage2(MemoryAttributes s1, int s2MemAttr, int s2Sh, bool fwb, bool fetch, bool cd, bool id)
    {
        MemoryAttributes r;
        if (!fwb)
        {
            MemoryAttributes s2 = ApplyStage2Controls(DecodeStage2(s2MemAttr, s2Sh), fetch, cd, id);
            r = CombineNoFwb(s1, s2);
        }
        else
        {
            r = ApplyStage2Controls(CombineFwb(s1, s2MemAttr, s2Sh), fetch, cd, id);
        }
        return r;
    }

    /// <summary>HCR_EL2.CD for data and walks, HCR_EL2.ID and stage-2 Device for fetches (MA-S2-4, MA-S2-5).</summary>
    private static MemoryAttributes ApplyStage2Controls(MemoryAttributes a, bool fetch, bool cd, bool id)
    {
        if (fetch) return a.IsDevice || id ? NormalNc() : a;                       // MA-S2-5
        return !a.IsDevice && cd ? NormalNc() : a;                                 // MA-S2-4
    }

    /// <summary>FWB = 0 combining (MA-CMB-1..4, MA-SHC-1).</summary>
    private static MemoryAttributes CombineNoFwb(MemoryAttributes s1, MemoryAttributes s2)
    {
        if (s1.IsDevice && s2.IsDevice) return Device(Stricter(s1.Type, s2.Type));  // MA-CMB-1
        if (s1.IsDevice) return s1;                                                 // MA-CMB-2
        if (s2.IsDevice) return s2;                                                 // MA-CMB-2
        Shareability sh = CombineSh(s1.Shareability, s2.Shareability);              // MA-SHC-1
        Cacheability i = Min(s1.Inner, s2.Inner), o = Min(s1.Outer, s2.Outer);      // MA-CMB-3
        return Normal(i, InnerHints(s1), o, OuterHints(s1), sh);                    // MA-CMB-4
    }

    /// <summary>FWB = 1 (MA-FWB-1..5, MA-SHC-1).</summary>
    private static MemoryAttributes CombineFwb(MemoryAttributes s1, int memAttr, int s2Sh)
    {
        if ((memAttr & 8) != 0 || (memAttr & 7) == 4) return Device(MemoryType.DeviceNGnRnE);   // MA-FWB-2
        if ((memAttr & 4) == 0)                                                                 // MA-FWB-1
        {
            var t = (MemoryType)(memAttr & 3);
            return Device(s1.IsDevice ? Stricter(s1.Type, t) : t);
        }
        Shareability sh = CombineSh(s1.Shareability, DecodeSh(s2Sh));                             // MA-SHC-1
        switch (memAttr & 7)
        {
            case 5:                                                                             // MA-FWB-3
                return s1.IsDevice ? s1 : Normal(Cacheability.NonCacheable, 0, Cacheability.NonCacheable, 0, sh);
            case 6:                                                                             // MA-FWB-4
                int ih = !s1.IsDevice && s1.Inner != Cacheability.NonCacheable ? InnerHints(s1) : RA | WA;
                int oh = !s1.IsDevice && s1.Outer != Cacheability.NonCacheable ? OuterHints(s1) : RA | WA;
                return Normal(Cacheability.WriteBack, ih, Cacheability.WriteBack, oh, sh);
            default:                                                                            // MA-FWB-5
                return s1.IsDevice ? s1 : WithShareability(s1, sh);
        }
    }

    /// <summary>Effective shareability (MA-SHC-2): Device and Normal iNC+oNC are Outer Shareable.</summary>
    public static MemoryAttributes Finish(MemoryAttributes a)
    {
        if (a.IsDevice || (a.Inner == Cacheability.NonCacheable && a.Outer == Cacheability.NonCacheable))
            return WithShareability(a, Shareability.OuterShareable);
        return a;
    }

    /// <summary>
    /// Attributes of a translation table walk from TCR/VTCR IRGN, ORGN, SH (MA-WALK-1, MA-WALK-2): 00 NC,
    /// 01 WB RA WA, 10 WT RA, 11 WB RA. <paramref name="nonCacheable"/>: SCTLR_EL1.C = 0 (stage 1) or HCR_EL2.CD = 1 (stage 2).
    /// </summary>
    public static MemoryAttributes WalkAttributes(int irgn, int orgn, int sh, bool nonCacheable)
    {
        if (nonCacheable) return NormalNc();
        static (Cacheability, int) G(int v) => (v & 3) switch
        {
            0 => (Cacheability.NonCacheable, 0),
            1 => (Cacheability.WriteBack, RA | WA),
            2 => (Cacheability.WriteThrough, RA),
            _ => (Cacheability.WriteBack, RA),
        };
        var (ic, ih) = G(irgn);
        var (oc, oh) = G(orgn);
        return Finish(Normal(ic, ih, oc, oh, DecodeSh(sh)));
    }

    /// <summary>The MAIR-format byte of attributes, as PAR_EL1.ATTR reports them (MA-PAR-1).</summary>
    public static byte ToMair(MemoryAttributes a)
    {
        if (a.IsDevice) return (byte)((int)a.Type << 2);
        static int N(Cacheability c, bool ra, bool wa, bool t)
        {
            if (c == Cacheability.NonCacheable) return 0b0100;
            int rw = (ra ? 2 : 0) | (wa ? 1 : 0);
            int b = c == Cacheability.WriteBack ? (t ? 0b0100 : 0b1100) : (t ? 0b0000 : 0b1000);
            if (t && rw == 0) rw = 2; // a transient encoding needs an allocation hint; never produced by decode
            return b | rw;
        }
        return (byte)(N(a.Outer, a.OuterReadAllocate, a.OuterWriteAllocate, a.OuterTransient) << 4
                      | N(a.Inner, a.InnerReadAllocate, a.InnerWriteAllocate, a.InnerTransient));
    }

    // ---- Packing helpers (no shareability forcing; MemoryAttributes layout) ----

    private static MemoryType Stricter(MemoryType a, MemoryType b) => a < b ? a : b;
    private static Cacheability Min(Cacheability a, Cacheability b) => a < b ? a : b;

    private static Shareability CombineSh(Shareability a, Shareability b)
    {
        if (a == Shareability.OuterShareable || b == Shareability.OuterShareable) return Shareability.OuterShareable;
        if (a == Shareability.InnerShareable || b == Shareability.InnerShareable) return Shareability.InnerShareable;
        return Shareability.NonShareable;
    }

    private static int InnerHints(MemoryAttributes a) =>
        (a.InnerReadAllocate ? RA : 0) | (a.InnerWriteAllocate ? WA : 0) | (a.InnerTransient ? TR : 0);

    private static int OuterHints(MemoryAttributes a) =>
        (a.OuterReadAllocate ? RA : 0) | (a.OuterWriteAllocate ? WA : 0) | (a.OuterTransient ? TR : 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static MemoryAttributes Device(MemoryType t) => new((ushort)((int)t | ((int)Shareability.OuterShareable << 7)));

    private static MemoryAttributes NormalNc() =>
        Normal(Cacheability.NonCacheable, 0, Cacheability.NonCacheable, 0, Shareability.OuterShareable);

    private static MemoryAttributes Normal(Cacheability inner, int ih, Cacheability outer, int oh, Shareability sh)
    {
        int b = (int)MemoryType.Normal | ((int)inner << 3) | ((int)outer << 5) | ((int)sh << 7);
        if (inner != Cacheability.NonCacheable)
            b |= ((ih & RA) != 0 ? 1 << 9 : 0) | ((ih & WA) != 0 ? 1 << 10 : 0) | ((ih & TR) != 0 ? 1 << 13 : 0);
        if (outer != Cacheability.NonCacheable)
            b |= ((oh & RA) != 0 ? 1 << 11 : 0) | ((oh & WA) != 0 ? 1 << 12 : 0) | ((oh & TR) != 0 ? 1 << 14 : 0);
        return new((ushort)b);
    }

    private static MemoryAttributes WithShareability(MemoryAttributes a, Shareability sh) =>
        new((ushort)((a.Bits & ~(3 << 7)) | ((int)sh << 7)));
}
