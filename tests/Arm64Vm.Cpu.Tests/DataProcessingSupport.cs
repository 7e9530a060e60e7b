using Arm64Vm.Cpu.Decoding;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>Helpers shared by the data-processing tests.</summary>
internal static class Dp
{
    public const uint N = 0x8000_0000, Z = 0x4000_0000, C = 0x2000_0000, V = 0x1000_0000;

    /// <summary>A value from the sentinel set that register-preservation checks start from.</summary>
    public const ulong Poison = 0xDEAD_BEEF_CAFE_F00D;

    /// <summary>
    /// Runs one instruction through the whole interpreter (fetch, decode, dispatch) in a fresh machine after
    /// <paramref name="setup"/>, and checks that it ended at the program's final BRK.
    /// </summary>
    public static CpuHarness Run(uint word, Action<CpuCore>? setup = null) => RunProgram(setup, word);

    public static CpuHarness RunProgram(Action<CpuCore>? setup, params uint[] words)
    {
        var h = new CpuHarness();
        h.Cpu.SetX(0, Poison);
        setup?.Invoke(h.Cpu);
        h.Run(words);
        Assert.True(h.StoppedCleanly, $"program did not reach its final BRK (ESR_EL1 = 0x{h.Cpu.SysRegs.EsrEl1:X})");
        return h;
    }

    /// <summary>Decodes and executes one word directly on <paramref name="cpu"/> (for property tests).</summary>
    public static void Exec(CpuCore cpu, uint word)
    {
        var d = A64Decoder.Decode(word);
        Assert.NotEqual(A64Op.Unallocated, d.Op);
        cpu.NextPc = cpu.Pc + 4;
        A64Dispatch.Execute(cpu, ref d);
    }

    /// <summary>Full-range 64-bit values, biased towards boundaries (0, 1, all-ones, INT_MIN/MAX, 32-bit edges).</summary>
    public static Gen<ulong> Value64 => Gen.OneOf(
        ArbMap.Default.GeneratorFor<ulong>(),
        Gen.Elements(0UL, 1UL, ~0UL, 0x7FFF_FFFF_FFFF_FFFFUL, 0x8000_0000_0000_0000UL, 0xFFFF_FFFFUL, 0x7FFF_FFFFUL,
                     0x8000_0000UL, 0x1_0000_0000UL, 0xFFFF_FFFF_8000_0000UL));

    public static Arbitrary<(ulong, ulong)> Pairs => Gen.Zip(Value64, Value64).ToArbitrary();

    /// <summary>Runs a property for 500 cases and throws (failing the test) on a counterexample.</summary>
    public static void Property<T>(Arbitrary<T> arb, Func<T, bool> property) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(arb, property));

    /// <summary>
    /// Reference ConditionHolds written from the Arm ARM condition table (C1.2.4), independently of A64Exec.
    /// </summary>
    public static bool CondRef(uint cond, uint nzcv)
    {
        bool n = (nzcv & N) != 0, z = (nzcv & Z) != 0, c = (nzcv & C) != 0, v = (nzcv & V) != 0;
        return cond switch
        {
            0 => z,
            1 => !z,
            2 => c,
            3 => !c,
            4 => n,
            5 => !n,
            6 => v,
            7 => !v,
            8 => c && !z,
            9 => !c || z,
            10 => n == v,
            11 => n != v,
            12 => !z && n == v,
            13 => z || n != v,
            _ => true,
        };
    }

    /// <summary>AddWithCarry from the ASL, literally: unsigned and signed sums in 128 bits.</summary>
    public static (ulong Result, uint Nzcv) AddWithCarryRef(ulong x, ulong y, bool carry, int bits)
    {
        ulong mask = bits == 64 ? ~0UL : (1UL << bits) - 1;
        x &= mask; y &= mask;
        UInt128 usum = (UInt128)x + y + (carry ? 1u : 0u);
        Int128 ssum = (Int128)SignedOf(x, bits) + SignedOf(y, bits) + (carry ? 1 : 0);
        ulong result = (ulong)usum & mask;
        uint nzcv = 0;
        if (((result >> (bits - 1)) & 1) != 0) nzcv |= N;
        if (result == 0) nzcv |= Z;
        if ((UInt128)result != usum) nzcv |= C;
        if ((Int128)SignedOf(result, bits) != ssum) nzcv |= V;
        return (result, nzcv);
    }

    public static long SignedOf(ulong v, int bits) => bits == 64 ? (long)v : (long)(v << (64 - bits)) >> (64 - bits);
}
