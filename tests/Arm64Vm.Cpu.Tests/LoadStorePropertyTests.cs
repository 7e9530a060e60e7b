using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>Random encodings of the load/store space never escape as host exceptions.</summary>
public class LoadStorePropertyTests
{
    private const ulong D = LdstTest.Data;

    [Fact]
    public void RandomLoadStoreEncodingsAtEl1NeverThrowHostExceptions()
    {
        using var h = new CpuHarness();
        h.System.AddCpu();   // a second PE, so marking a reservation walks the other PEs' TLBs
        // op0 = x1x0 (bit 27 = 1, bit 25 = 0): the loads and stores class, including its SIMD&FP and unallocated parts.
        var words = ArbMap.Default.GeneratorFor<uint>().Select(w => (w & ~(1u << 25)) | (1u << 27));
        var seeds = ArbMap.Default.GeneratorFor<uint>();
        var cases = from w in words from s in seeds select (Word: w, Seed: s);
        Prop.ForAll(Arb.From(cases), t => ExecuteOne(h, t.Word, (int)t.Seed))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
    }

    private static bool ExecuteOne(CpuHarness h, uint word, int seed)
    {
        var rng = new Random(seed);
        var c = h.Cpu;
        for (int r = 0; r < 31; r++) c.SetX(r, PickValue(rng));
        c.SpEl1 = PickValue(rng);
        c.SysRegs.SctlrEl1 = SystemRegisterTable.SctlrRes1 | (ulong)rng.Next(4) << 1 & 2 | (ulong)rng.Next(4) << 3;   // A, SA, SA0
        c.HcrEl2 = 0;
        if (rng.Next(2) != 0) LdstTest.UseNormalMemory(h);
        c.FlushTlb();
        if (rng.Next(3) == 0) c.MarkExclusive(D + (ulong)rng.Next(0x100) * 8, 8);
        else c.ClearExclusive();
        h.Load(CpuHarness.CodeBase, word);
        c.Pc = CpuHarness.CodeBase;
        ulong exceptions = c.ExceptionsTaken;
        c.Run(1);
        // Either the instruction completed, or it took an exception to the EL1h synchronous vector.
        return c.ExceptionsTaken == exceptions ? c.Pc == CpuHarness.CodeBase + 4 : c.Pc == CpuHarness.VectorBase + 0x200;
    }

    private static ulong PickValue(Random rng) => rng.Next(6) switch
    {
        0 => D + (ulong)rng.Next(0x2000),                         // RAM, any alignment
        1 => (D + (ulong)rng.Next(0x2000)) & ~15UL,               // RAM, 16-byte aligned
        2 => D + 0xFF0 + (ulong)rng.Next(32),                     // around a page boundary
        3 => (ulong)rng.NextInt64(),                              // anywhere (mostly address size faults)
        4 => (ulong)rng.Next(-300, 300),                          // small offsets for register-offset forms
        _ => 0x7F_0000_0000UL + (ulong)rng.Next(0x100),           // below the PA limit, nothing mapped
    };
}
