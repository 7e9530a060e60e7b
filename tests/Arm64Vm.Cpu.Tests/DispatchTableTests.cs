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

    /// <summary>
    /// CPU-RUN-3, CPU-SPEC-2: a decoded slot of any row carries the handler and block-end kind of its op, and its operand
    /// bytes hold the row's fields of at most 8 bits, in the row's order (the first eight), as the word has them.
    /// </summary>
    [Fact]
    public void DecodedSlotsCarryTheirHandlerKindAndOperandBytes()
    {
        var rng = new Random(12);
        int checkedFields = 0;
        foreach (var row in A64Table.Rows.Where(r => r.Op != A64Op.Unallocated))
        {
            for (int i = 0; i < 4; i++)
            {
                if (SampleWord(row, rng) is not uint word) continue;
                var d = A64Decoder.Decode(word);
                Assert.Equal(row.Op, A64Table.BaseOf(d.Op));
                Assert.Equal(A64Dispatch.HandlerOf(d.Op), d.Handler);
                Assert.NotEqual(0, d.Handler);
                Assert.Equal(BlockEnds.KindOf(d.Op), d.Kind);
                int k = 0;
                foreach (var f in row.Fields.Where(f => f.Width <= 8).Take(8))
                {
                    Assert.True(f.Extract(word) == System.Runtime.CompilerServices.Unsafe.Add(ref d.F0, k), $"{row}: field {f.Name} in byte {k} of {word:X8}");
                    k++;
                    checkedFields++;
                }
            }
        }
        Assert.True(checkedFields > 1000, $"only {checkedFields} fields checked");
        var unallocated = A64Decoder.Decode(0);
        Assert.Equal(A64Op.Unallocated, unallocated.Op);
        Assert.Equal(A64Dispatch.HandlerOf(A64Op.Unallocated), unallocated.Handler);
        Assert.Equal(BlockEnds.Ends, unallocated.Kind);
    }

    [Fact]
    public void BranchExceptionAndSystemRowsEndBlocksAndNoOthers()
    {
        Assert.True(A64Table.EndsBlock(A64Op.NotDecoded));
        Assert.True(A64Table.EndsBlock(A64Op.Unallocated));
        foreach (var row in A64Table.Rows.Where(r => r.Op != A64Op.Unallocated))
        {
            bool branchClass = row.Class.StartsWith("br.", StringComparison.Ordinal) && row.Op != A64Op.HINT_nop;   // CPU-RUN-6
            Assert.True(branchClass == A64Table.EndsBlock(row.Op), $"{row}: class {row.Class}, EndsBlock {A64Table.EndsBlock(row.Op)}");
            Assert.Equal(row.EndsBlock, A64Table.EndsBlock(row.Op));
        }
        Assert.True(A64Table.EndsBlock(A64Op.B_cond));
        Assert.True(A64Table.EndsBlock(A64Op.MRS));
        // CPU-RUN-6: every hint word decodes to HINT_nop (pure, no block end) but WFE, WFI, SEV and SEVL (HINT).
        for (uint imm7 = 0; imm7 < 128; imm7++)
        {
            uint word = 0xD503201Fu | imm7 << 5;
            bool acts = imm7 is >= 2 and <= 5;
            Assert.Equal(acts ? A64Op.HINT : A64Op.HINT_nop, A64Decoder.DecodeOp(word));
            Assert.Equal(acts ? BlockEnds.Ends : BlockEnds.Pure, A64Decoder.Decode(word).Kind);
        }
        Assert.False(A64Table.EndsBlock(A64Op.ADD_imm_x));
        Assert.False(A64Table.EndsBlock(A64Op.LDR_x_uimm));
    }

    /// <summary>
    /// CPU-RUN-2: the rows the run loop chains through are exactly the direct branches (B, BL, B.cond, CBZ/CBNZ,
    /// TBZ/TBNZ) and their variants. Run on sampled words from every PSTATE they can see, each one ends at PC + 4 or at
    /// PC + its predecoded offset, takes no exception and changes nothing but X30 (BL), PC and NextPc.
    /// </summary>
    [Fact]
    public void ChainRowsAreTheDirectBranchesAndOnlyBranch()
    {
        var names = A64Table.Rows.Where(r => r.Chains).Select(r => r.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "B", "BL", "B_cond", "CBNZ", "CBZ", "TBNZ", "TBZ" }, names);
        for (int op = 0; op < A64Table.OpCount; op++)
        {
            var o = (A64Op)op;
            Assert.Equal(A64Table.Chains(A64Table.BaseOf(o)), A64Table.Chains(o));
            if (A64Table.Chains(o)) Assert.True(A64Table.EndsBlock(o), $"{o} chains but does not end a block");
            Assert.Equal(A64Table.IsPure(A64Table.BaseOf(o)), A64Table.IsPure(o));
            Assert.Equal(o == A64Op.NotDecoded ? BlockEnds.NotDecoded : A64Table.Chains(o) ? BlockEnds.Chain : A64Table.EndsBlock(o) ? BlockEnds.Ends :
                A64Table.IsPure(o) ? BlockEnds.Pure : BlockEnds.Straight, BlockEnds.KindOf(o));
        }
        var rng = new Random(2026);
        using var h = new CpuHarness();
        int ran = 0;
        foreach (var row in A64Table.Rows.Where(r => r.Chains))
        {
            for (int i = 0; i < 64; i++)
            {
                if (SampleWord(row, rng) is not uint word) continue;
                ulong pc = CpuHarness.CodeBase + 0x4000;
                for (int r = 0; r < 31; r++) h.Cpu.SetX(r, (ulong)rng.NextInt64() ^ (ulong)rng.Next() << 40);
                h.Cpu.Nzcv = (uint)rng.Next(16) << 28;
                var before = Enumerable.Range(0, 31).Select(h.Cpu.X).ToArray();
                ulong taken = h.Cpu.ExceptionsTaken;
                h.Load(pc, word);
                h.Cpu.Pc = pc;
                h.Cpu.Run(1);
                ran++;
                ulong target = pc + A64Decoder.Decode(word).Imm;
                Assert.Equal(taken, h.Cpu.ExceptionsTaken);
                Assert.True(h.Cpu.Pc == pc + 4 || h.Cpu.Pc == target, $"{row} 0x{word:X8}: PC 0x{h.Cpu.Pc:X}");
                for (int r = 0; r < 31; r++)
                    Assert.Equal(row.Name == "BL" && r == 30 ? pc + 4 : before[r], h.Cpu.X(r));
                Assert.True(h.Cpu.El == 1 && h.Cpu.Daif == 0x3C0 && h.Cpu.SpSel == 1);
            }
        }
        Assert.True(ran > 300, $"only {ran} words ran");
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

    /// <summary>
    /// Decode-time specialisations (<c>spec=field:value</c>): a word whose field has the value decodes to the
    /// variant op (the first matching spec), any other word of the row to the row op; a variant belongs to its row
    /// (RowOf, BaseOf) and ends a block exactly when the row does.
    /// </summary>
    [Fact]
    public void SpecialisedWordsDecodeToTheirVariantOp()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "specs", "a64");
        var errors = new List<DecodeTableError>();
        int groups = 0;
        var specs = Directory.GetFiles(dir, "*.decode").OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .SelectMany(f => DecodeTableParser.Parse(Path.GetFileName(f), File.ReadAllText(f), errors, ref groups))
            .Where(r => r.Specs.Count > 0).ToList();
        Assert.Empty(errors);
        Assert.True(specs.Count >= 40, $"only {specs.Count} rows with specialisations");
        var rng = new Random(31);
        int variantsSeen = 0;
        foreach (var spec in specs)
        {
            var row = A64Table.Rows.Single(r => r.Name == spec.Name);
            for (int i = 0; i < 32; i++)
            {
                if (SampleWord(row, rng) is not uint word) continue;
                int forced = i % (spec.Specs.Count + 1);       // 0: no spec field at its value; k: spec k-1 forced
                foreach (var s in spec.Specs)
                {
                    var f = spec.Fields.Single(x => x.Name == s.Key);
                    uint mask = (uint)(((1UL << f.Width) - 1) << f.Lsb);
                    if (((word & mask) >> f.Lsb) == s.Value) word ^= 1u << f.Lsb;   // away from the value
                }
                if (forced > 0)
                {
                    var s = spec.Specs[forced - 1];
                    var f = spec.Fields.Single(x => x.Name == s.Key);
                    word = (word & ~(uint)(((1UL << f.Width) - 1) << f.Lsb)) | (s.Value << f.Lsb);
                }
                // The first spec whose field has its value (several specs may name one field: shift:0..3, cond:0/1).
                int expected = spec.Specs.FindIndex(s => spec.Fields.Single(x => x.Name == s.Key).Extract(word) == s.Value);
                if (A64Decoder.FindRow(word) != row) continue;
                var op = A64Decoder.Decode(word).Op;
                string expectedName = expected < 0 ? row.Name : row.Name + "__" + spec.Specs[expected].Key + "_" + spec.Specs[expected].Value;
                Assert.True(op.ToString() == expectedName, $"{row} 0x{word:X8}: decoded {op}, expected {expectedName}");
                Assert.Equal(row.Op, A64Table.BaseOf(op));
                Assert.Same(row, A64Decoder.RowOf(op));
                Assert.Equal(A64Table.EndsBlock(row.Op), A64Table.EndsBlock(op));
                if (expected >= 0) variantsSeen++;
            }
        }
        Assert.True(variantsSeen > 100, $"only {variantsSeen} specialised words");
    }
}
