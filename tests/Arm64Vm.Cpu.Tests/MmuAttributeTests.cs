using Arm64Vm.Memory;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// The memory attribute rules (specs/memory-attributes.md) checked exhaustively against an independent,
/// table-driven oracle written from the spec's rows, plus the "never weaker than either stage" property.
/// </summary>
public class MmuAttributeTests
{
    /// <summary>Oracle attributes: Dev = -1 for Normal else the Device subtype (0 nGnRnE .. 3 GRE); 'N'/'T'/'B' = NC/WT/WB.</summary>
    private record struct O(int Dev, char In, char Out, int InH, int OutH, int Sh);

    private const int RA = 1, WA = 2, TR = 4;
    private const int NSH = 0, OSH = 2, ISH = 3;

    // MA-MAIR-4: every nibble (0000 only reaches here as an inner nibble: MA-MAIR-5 → NC).
    private static readonly (char C, int H)[] Nibble =
    {
        ('N', 0), ('T', WA | TR), ('T', RA | TR), ('T', RA | WA | TR),
        ('N', 0), ('B', WA | TR), ('B', RA | TR), ('B', RA | WA | TR),
        ('T', 0), ('T', WA), ('T', RA), ('T', RA | WA),
        ('B', 0), ('B', WA), ('B', RA), ('B', RA | WA),
    };

    // MA-SH-1.
    private static readonly int[] ShTable = { NSH, NSH, OSH, ISH };

    // MA-S2-2/3: stage-2 cacheability field.
    private static readonly char[] S2C = { 'N', 'N', 'T', 'B' };

    // MA-CMB-3: the weaker of two cacheabilities.
    private static readonly Dictionary<(char, char), char> Weaker = new()
    {
        [('N', 'N')] = 'N', [('N', 'T')] = 'N', [('N', 'B')] = 'N',
        [('T', 'N')] = 'N', [('T', 'T')] = 'T', [('T', 'B')] = 'T',
        [('B', 'N')] = 'N', [('B', 'T')] = 'T', [('B', 'B')] = 'B',
    };

    // MA-SHC-1.
    private static readonly int[,] ShCombine = new int[4, 4];

    static MmuAttributeTests()
    {
        foreach (int a in new[] { NSH, OSH, ISH })
            foreach (int b in new[] { NSH, OSH, ISH })
                ShCombine[a, b] = a == OSH || b == OSH ? OSH : a == ISH || b == ISH ? ISH : NSH;
    }

    private static O NormalNc => new(-1, 'N', 'N', 0, 0, OSH);
    private static O Dev(int d) => new(d, 'N', 'N', 0, 0, OSH);

    private static O Oracle(in AttributeInputs x)
    {
        O s1;
        if (x.SctlrM && !x.Dc)
        {
            int hi = x.Mair >> 4, lo = x.Mair & 15;
            if (hi == 0) s1 = Dev((lo & 3) != 0 ? 0 : lo >> 2);                                 // MA-MAIR-1/2
            else s1 = new O(-1, Nibble[lo].C, Nibble[hi].C, Nibble[lo].H, Nibble[hi].H, ShTable[x.S1Sh]); // MA-MAIR-3/4/5
            if (!x.Fetch && s1.Dev < 0 && !x.SctlrC) s1 = NormalNc;                              // MA-S1-1
            if (x.Fetch && (s1.Dev >= 0 || !x.SctlrI)) s1 = NormalNc;                            // MA-S1-2
        }
        else if (x.Dc) s1 = new O(-1, 'B', 'B', RA | WA, RA | WA, NSH);                           // MA-OFF-3
        else if (!x.Fetch) s1 = Dev(0);                                                          // MA-OFF-1
        else s1 = x.SctlrI ? new O(-1, 'T', 'T', RA, RA, OSH) : NormalNc;                        // MA-OFF-2

        O r;
        if (!x.Vm && !x.Dc) r = s1;
        else if (!x.Fwb)
        {
            int m = x.S2MemAttr;
            O s2 = (m >> 2) == 0 ? Dev(m & 3)                                                    // MA-S2-1
                : new O(-1, S2C[m & 3], S2C[m >> 2], S2C[m & 3] == 'N' ? 0 : RA | WA, S2C[m >> 2] == 'N' ? 0 : RA | WA, ShTable[x.S2Sh]);
            s2 = Controls(s2, x);
            if (s1.Dev >= 0 && s2.Dev >= 0) r = Dev(Math.Min(s1.Dev, s2.Dev));                  // MA-CMB-1
            else if (s1.Dev >= 0) r = s1;                                                        // MA-CMB-2
            else if (s2.Dev >= 0) r = s2;
            else
            {
                char i = Weaker[(s1.In, s2.In)], o = Weaker[(s1.Out, s2.Out)];                   // MA-CMB-3
                r = new O(-1, i, o, i == 'N' ? 0 : s1.InH, o == 'N' ? 0 : s1.OutH, ShCombine[s1.Sh, ShTable[x.S2Sh]]); // MA-CMB-4
            }
        }
        else
        {
            int m = x.S2MemAttr;
            int sh = ShCombine[s1.Sh, ShTable[x.S2Sh]];
            if ((m & 8) != 0 || m == 4) r = Dev(0);                                              // MA-FWB-2
            else if ((m & 4) == 0) r = Dev(s1.Dev >= 0 ? Math.Min(s1.Dev, m & 3) : m & 3);      // MA-FWB-1
            else if (m == 5) r = s1.Dev >= 0 ? s1 : new O(-1, 'N', 'N', 0, 0, sh);              // MA-FWB-3
            else if (m == 6)                                                                     // MA-FWB-4
                r = new O(-1, 'B', 'B', s1.Dev < 0 && s1.In != 'N' ? s1.InH : RA | WA, s1.Dev < 0 && s1.Out != 'N' ? s1.OutH : RA | WA, sh);
            else r = s1.Dev >= 0 ? s1 : s1 with { Sh = sh };                                     // MA-FWB-5
            r = Controls(r, x);
        }
        if (r.Dev >= 0 || (r.In == 'N' && r.Out == 'N')) r = r with { Sh = OSH };                // MA-SHC-2
        return r;
    }

    private static O Controls(O a, in AttributeInputs x)
    {
        if (x.Fetch) return a.Dev >= 0 || x.Id ? NormalNc : a;                                   // MA-S2-5
        return a.Dev < 0 && x.Cd ? NormalNc : a;                                                 // MA-S2-4
    }

    private static O FromImpl(MemoryAttributes a)
    {
        static char C(Cacheability c) => c switch { Cacheability.WriteBack => 'B', Cacheability.WriteThrough => 'T', _ => 'N' };
        int ih = (a.InnerReadAllocate ? RA : 0) | (a.InnerWriteAllocate ? WA : 0) | (a.InnerTransient ? TR : 0);
        int oh = (a.OuterReadAllocate ? RA : 0) | (a.OuterWriteAllocate ? WA : 0) | (a.OuterTransient ? TR : 0);
        return new O(a.IsDevice ? (int)a.Type : -1, C(a.Inner), C(a.Outer), ih, oh, (int)a.Shareability);
    }

    /// <summary>One byte per MAIR class: Device subtypes, reserved Device, and Normal inner/outer combinations of every nibble class.</summary>
    private static readonly byte[] MairClasses =
    {
        0x00, 0x04, 0x08, 0x0C, 0x01, 0x0E,                   // Device nGnRnE/nGnRE/nGRE/GRE, reserved
        0xFF, 0xEE, 0xCC, 0xAA, 0x88, 0x44, 0x77, 0x33, 0x11, 0x55, 0x22, 0x66, 0x99, 0xBB, 0xDD,
        0x4F, 0xF4, 0xAF, 0xFA, 0x4A, 0xA4, 0x7F, 0x3A, 0x40, 0xF0, 0xA0, 0x47, 0x1C,
    };

    private static IEnumerable<AttributeInputs> Stage1Space()
    {
        for (int mair = 0; mair < 256; mair++)
            for (int sh = 0; sh < 4; sh++)
                for (int bits = 0; bits < 32; bits++)
                    yield return new AttributeInputs
                    {
                        Mair = (byte)mair, S1Sh = sh,
                        SctlrM = (bits & 1) != 0, SctlrC = (bits & 2) != 0, SctlrI = (bits & 4) != 0,
                        Dc = (bits & 8) != 0, Fetch = (bits & 16) != 0,
                    };
    }

    [Fact]
    public void EveryMairByte_WithoutStage2_MatchesTheSpecTables()
    {
        int n = 0;
        foreach (var x in Stage1Space())
        {
            var expected = Oracle(x);
            var actual = FromImpl(AttributeCombiner.Effective(x));
            if (expected != actual) Assert.Fail($"MAIR 0x{x.Mair:X2} SH {x.S1Sh} M{x.SctlrM} C{x.SctlrC} I{x.SctlrI} DC{x.Dc} fetch {x.Fetch}: expected {expected}, got {actual}");
            n++;
        }
        Assert.Equal(256 * 4 * 32, n);
    }

    [Fact]
    public void CrossProduct_MairClass_S2MemAttr_Sh_Fwb_MmuOnOff_Dc_Cd_Id_MatchesTheSpecTables()
    {
        int n = 0;
        foreach (byte mair in MairClasses)
            for (int s1Sh = 0; s1Sh < 4; s1Sh++)
                for (int m = 0; m < 16; m++)
                    for (int s2Sh = 0; s2Sh < 4; s2Sh++)
                        for (int bits = 0; bits < 128; bits++)
                        {
                            bool fetch = (bits & 64) != 0, cacheOn = (bits & 4) != 0;
                            var x = new AttributeInputs
                            {
                                Mair = mair, S1Sh = s1Sh, S2MemAttr = m, S2Sh = s2Sh, Vm = true,
                                Fwb = (bits & 1) != 0, SctlrM = (bits & 2) != 0,
                                SctlrC = fetch || cacheOn, SctlrI = !fetch || cacheOn,
                                Dc = (bits & 8) != 0, Cd = (bits & 16) != 0, Id = (bits & 32) != 0, Fetch = fetch,
                            };
                            var expected = Oracle(x);
                            var actual = FromImpl(AttributeCombiner.Effective(x));
                            if (expected != actual)
                                Assert.Fail($"MAIR 0x{mair:X2} SH1 {s1Sh} MemAttr {m:X} SH2 {s2Sh} bits {bits}: expected {expected}, got {actual}");
                            n++;
                        }
        Assert.Equal(MairClasses.Length * 4 * 16 * 4 * 128, n);
    }

    // Specific rows, spelled out (these also pin the oracle itself).

    [Fact]
    public void MmuOff_DataIsDeviceNGnRnE_EvenOnStage2WriteBack()
    {
        var x = new AttributeInputs { Vm = true, S2MemAttr = 0xF, S2Sh = 3 };
        Assert.Equal(MemoryAttributes.DeviceNGnRnE, AttributeCombiner.Effective(x));
    }

    [Fact]
    public void Fwb110_ForcesWriteBack_OverMmuOffDevice_AndFwb101ForcesNc()
    {
        var x = new AttributeInputs { Vm = true, Fwb = true, S2MemAttr = 0b0110, S2Sh = 3 };
        var a = AttributeCombiner.Effective(x);
        Assert.Equal(MemoryType.Normal, a.Type);
        Assert.Equal(Cacheability.WriteBack, a.Inner);
        Assert.Equal(Shareability.OuterShareable, a.Shareability);   // stage-1 Device contributes OSH (MA-SHC-1)
        x.SctlrM = true; x.SctlrC = true; x.Mair = 0xFF; x.S1Sh = 3; x.S2MemAttr = 0b0101;
        a = AttributeCombiner.Effective(x);
        Assert.Equal("Normal iNC oNC OSH", a.ToString());
    }

    [Fact]
    public void HcrDc_GivesNormalWriteBack_CombinedWithStage2Shareability()
    {
        var x = new AttributeInputs { Dc = true, S2MemAttr = 0xF, S2Sh = 3, SctlrM = true, Mair = 0x00 };
        Assert.Equal("Normal iWB oWB ISH", AttributeCombiner.Effective(x).ToString());
    }

    [Fact]
    public void FetchFromStage1Device_IsNormalNonCacheable()
    {
        var x = new AttributeInputs { SctlrM = true, SctlrI = true, Mair = 0x04, Fetch = true };
        Assert.Equal("Normal iNC oNC OSH", AttributeCombiner.Effective(x).ToString());
    }

    [Fact]
    public void ToMair_RoundTripsEveryDecodedByte()
    {
        for (int b = 0; b < 256; b++)
        {
            var a = AttributeCombiner.Finish(AttributeCombiner.DecodeMair((byte)b, 3));
            var again = AttributeCombiner.Finish(AttributeCombiner.DecodeMair(AttributeCombiner.ToMair(a), 3));
            Assert.Equal(a, again);
        }
        Assert.Equal(0xFF, AttributeCombiner.ToMair(MemoryAttributes.NormalWriteBackInnerShareable));
        Assert.Equal(0x04, AttributeCombiner.ToMair(MemoryAttributes.Device(MemoryType.DeviceNGnRE)));
        Assert.Equal(0x44, AttributeCombiner.ToMair(AttributeCombiner.DecodeMair(0x44, 0)));
    }

    /// <summary>Strength rank per level: WB 0 &lt; WT 1 &lt; NC 2 &lt; Device GRE 3 … nGnRnE 6 (higher = stronger).</summary>
    private static (int Inner, int Outer) Rank(MemoryAttributes a)
    {
        if (a.IsDevice) { int d = 6 - (int)a.Type; return (d, d); }
        static int C(Cacheability c) => c switch { Cacheability.WriteBack => 0, Cacheability.WriteThrough => 1, _ => 2 };
        return (C(a.Inner), C(a.Outer));
    }

    private static int ShRank(Shareability s) => s switch { Shareability.NonShareable => 0, Shareability.InnerShareable => 1, _ => 2 };

    [Fact]
    public void Fwb0_ResultIsNeverWeakerThanEitherStage()
    {
        var gen =
            from mair in Gen.Choose(0, 255)
            from s1Sh in Gen.Choose(0, 3)
            from m in Gen.Choose(0, 15)
            from s2Sh in Gen.Choose(0, 3)
            from bits in Gen.Choose(0, 15)
            select new AttributeInputs
            {
                Mair = (byte)mair, S1Sh = s1Sh, S2MemAttr = m, S2Sh = s2Sh, Vm = true,
                SctlrM = (bits & 1) != 0, SctlrC = (bits & 2) != 0, SctlrI = (bits & 4) != 0, Dc = (bits & 8) != 0,
            };
        Prop.ForAll(gen.ToArbitrary(), x =>
        {
            var r = AttributeCombiner.Effective(x);
            var s1Only = x; s1Only.Vm = false; s1Only.Dc = false;
            var s1 = x.Dc ? AttributeCombiner.Finish(AttributeCombiner.Stage1Disabled(false, x.SctlrI, true)) : AttributeCombiner.Effective(s1Only);
            var s2 = AttributeCombiner.Finish(AttributeCombiner.DecodeStage2(x.S2MemAttr, x.S2Sh));
            var (ri, ro) = Rank(r);
            foreach (var s in new[] { s1, s2 })
            {
                var (si, so) = Rank(s);
                if (ri < si || ro < so || ShRank(r.Shareability) < ShRank(s.Shareability)) return false;
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }
}
