using Arm64Vm.Cpu.Decoding;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// The generated dispatch (specs/a64/README.md): the per-op block-ending flags and the FP access check that rows
/// marked <c>fp</c> get from their generated wrapper.
/// </summary>
public class DispatchTableTests
{
    /// <summary>A word of <paramref name="row"/> with random field bits that decodes to the row, or null.</summary>
    private static uint? SampleWord(DecodeRow row, Random rng)
    {
        for (int i = 0; i < 64; i++)
        {
            uint word = row.Value | ((uint)rng.NextInt64(0, 1L << 32) & ~row.Mask);
            if (A64Decoder.FindRow(word) == row) return word;
        }
        return null;
    }

    [Fact]
    public void BranchExceptionAndSystemRowsEndBlocksAndNoOthers()
    {
        Assert.True(A64Table.EndsBlock(A64Op.NotDecoded));
        Assert.True(A64Table.EndsBlock(A64Op.Unallocated));
        foreach (var row in A64Table.Rows.Where(r => r.Op != A64Op.Unallocated))
        {
            bool branchClass = row.Class.StartsWith("br.", StringComparison.Ordinal);
            Assert.True(branchClass == A64Table.EndsBlock(row.Op), $"{row}: class {row.Class}, EndsBlock {A64Table.EndsBlock(row.Op)}");
            Assert.Equal(row.EndsBlock, A64Table.EndsBlock(row.Op));
        }
        Assert.True(A64Table.EndsBlock(A64Op.B_cond));
        Assert.True(A64Table.EndsBlock(A64Op.MRS));
        Assert.False(A64Table.EndsBlock(A64Op.ADD_imm_x));
        Assert.False(A64Table.EndsBlock(A64Op.LDR_x_uimm));
    }

    /// <summary>
    /// Every row that does not end a block, run on sampled words: it either takes an exception (the vector's BRK
    /// stops the run, ELR = the instruction) or falls through to PC + 4 with PSTATE.EL, DAIF and SP selection
    /// unchanged — what lets the run loop execute such rows back to back.
    /// </summary>
    [Fact]
    public void RowsThatDoNotEndBlocksFallThroughOrTrap()
    {
        var rng = new Random(20261202);
        var problems = new List<string>();
        int ran = 0;
        using var h = new CpuHarness();
        foreach (var row in A64Table.Rows.Where(r => r.Op != A64Op.Unallocated && !A64Table.EndsBlock(r.Op)))
        {
            for (int i = 0; i < 4; i++)
            {
                if (SampleWord(row, rng) is not uint word) continue;
                h.Cpu.SysRegs.CpacrEl1 = 3UL << 20;
                for (int r = 0; r < 31; r++) h.Cpu.SetX(r, CpuHarness.DataBase + 0x1000);
                h.Cpu.SpEl1 = CpuHarness.DataBase + 0x2000;
                ulong taken = h.Cpu.ExceptionsTaken;
                h.Load(CpuHarness.CodeBase, word, CpuHarness.Stop);
                h.Cpu.Pc = CpuHarness.CodeBase;
                h.Cpu.Run(1);
                ran++;
                if (h.Cpu.ExceptionsTaken != taken)
                {
                    if (h.Cpu.SysRegs.ElrEl1 != CpuHarness.CodeBase) problems.Add($"{row} 0x{word:X8}: exception with ELR 0x{h.Cpu.SysRegs.ElrEl1:X}");
                    h.Cpu.Reset();
                    h.Cpu.SysRegs.VbarEl1 = CpuHarness.VectorBase;
                    continue;
                }
                if (h.Cpu.Pc != CpuHarness.CodeBase + 4 || h.Cpu.El != 1 || h.Cpu.Daif != 0x3C0 || h.Cpu.SpSel != 1)
                    problems.Add($"{row} 0x{word:X8}: PC 0x{h.Cpu.Pc:X}, EL {h.Cpu.El}, DAIF 0x{h.Cpu.Daif:X}, SPSel {h.Cpu.SpSel}");
            }
        }
        Assert.True(ran > 1000, $"only {ran} words ran");
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
    }

    /// <summary>
    /// Every row marked <c>fp</c> traps with EC 0x07 at the instruction when CPACR_EL1.FPEN = 00, leaving the
    /// registers it would write untouched: the generated wrapper checks before the handler runs.
    /// </summary>
    [Fact]
    public void EveryFpRowTrapsWhenFpenIsOff()
    {
        var rng = new Random(7);
        int checkedRows = 0;
        using var h = new CpuHarness();
        foreach (var row in A64Table.Rows.Where(r => r.Fp))
        {
            if (SampleWord(row, rng) is not uint word) continue;
            h.Cpu.Reset();
            h.Cpu.SysRegs.VbarEl1 = CpuHarness.VectorBase;
            h.Cpu.SysRegs.CpacrEl1 = 0;
            for (int r = 0; r < 31; r++) h.Cpu.SetX(r, 0x1111UL * (ulong)r);
            for (int v = 0; v < 32; v++) h.Cpu.SetQ(v, 0x2222UL * (ulong)v, 7);
            h.Load(CpuHarness.CodeBase, word);
            h.Cpu.Pc = CpuHarness.CodeBase;
            h.Cpu.Run(1);
            Assert.True(h.Cpu.SysRegs.EsrEl1 >> 26 == 0x07, $"{row} 0x{word:X8}: EC 0x{h.Cpu.SysRegs.EsrEl1 >> 26:X2}");
            Assert.Equal(CpuHarness.CodeBase, h.Cpu.SysRegs.ElrEl1);
            for (int r = 0; r < 31; r++) Assert.Equal(0x1111UL * (ulong)r, h.Cpu.X(r));
            for (int v = 0; v < 32; v++) Assert.Equal(0x2222UL * (ulong)v, h.Cpu.GetD(v));
            checkedRows++;
        }
        int fpRows = A64Table.Rows.Count(r => r.Fp);
        Assert.True(fpRows > 350 && checkedRows >= fpRows * 9 / 10, $"only {checkedRows} of {fpRows} fp rows sampled");
    }
}
