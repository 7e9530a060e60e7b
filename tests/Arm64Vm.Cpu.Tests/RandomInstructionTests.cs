using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>Nothing a guest executes may throw a host exception: every word is an instruction or an architectural exception.</summary>
public class RandomInstructionTests
{
    /// <summary>Full-range 32-bit words (FsCheck's default integer generators stay near zero).</summary>
    public static Gen<uint> AnyWord =>
        from hi in Gen.Choose(0, 0xFFFF)
        from lo in Gen.Choose(0, 0xFFFF)
        select (uint)((hi << 16) | lo);

    [Fact]
    public void RandomWordsAtEl1NeverThrowHostExceptions()
    {
        using var h = new CpuHarness();
        Prop.ForAll(Arb.From(AnyWord), Arb.From(Gen.Choose(0, int.MaxValue)), (word, seed) =>
        {
            // Random register contents so loads and stores go anywhere (RAM, MMIO holes, unmapped space).
            var r = new Random(seed);
            for (int i = 0; i < 31; i++) h.Cpu.SetX(i, (ulong)r.NextInt64() ^ ((ulong)r.Next(4) << 62));
            h.Cpu.SpEl1 = CpuHarness.DataBase + (ulong)r.Next(0x1000);
            h.Cpu.Nzcv = (uint)r.Next(16) << 28;
            h.Cpu.El = 1;
            h.Cpu.SpSel = 1;
            h.Cpu.SysRegs.SctlrEl1 = SystemRegisterTable.SctlrRes1;
            h.Cpu.SysRegs.VbarEl1 = CpuHarness.VectorBase;
            h.Load(CpuHarness.CodeBase, word, CpuHarness.Stop);
            h.Cpu.Pc = CpuHarness.CodeBase;
            h.Cpu.Run(4);   // must not throw
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(20_000));
    }

    [Fact]
    public void ManyRandomWordsInARowNeverThrow()
    {
        using var h = new CpuHarness();
        var r = new Random(12345);
        var words = new uint[4096];
        for (int round = 0; round < 20; round++)
        {
            for (int i = 0; i < words.Length; i++) words[i] = (uint)r.NextInt64(0, 1L << 32);
            h.Load(CpuHarness.CodeBase, words);
            h.Cpu.Pc = CpuHarness.CodeBase;
            h.Cpu.Run(20_000);
        }
    }
}
