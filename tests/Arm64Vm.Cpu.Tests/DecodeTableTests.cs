using Arm64Vm.Cpu.Decoding;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>The decode table is the single source of truth: check its rows against the decoder and each other.</summary>
public class DecodeTableTests
{
    private static List<DecodeRowSpec> ParseSpecFiles()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "specs", "a64");
        var errors = new List<DecodeTableError>();
        var rows = new List<DecodeRowSpec>();
        int groups = 0;
        foreach (var f in Directory.GetFiles(dir, "*.decode").OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal))
            rows.AddRange(DecodeTableParser.Parse(Path.GetFileName(f), File.ReadAllText(f), errors, ref groups));
        Assert.Empty(errors);
        return rows;
    }

    [Fact]
    public void SpecFilesMatchTheCompiledTable()
    {
        var rows = ParseSpecFiles();
        Assert.Equal(rows.Count, A64Table.Rows.Length);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i].Name, A64Table.Rows[i].Name);
            Assert.Equal(rows[i].Mask, A64Table.Rows[i].Mask);
            Assert.Equal(rows[i].Value, A64Table.Rows[i].Value);
        }
    }

    [Fact]
    public void EveryRowDecodesToItself()
    {
        // For each row, the word made of its fixed bits (fields zero, then fields all-ones) decodes to that row,
        // unless an earlier row of its priority group claims it or its validator rejects it.
        foreach (var row in A64Table.Rows.Where(r => r.Op != A64Op.Unallocated))
        {
            foreach (uint fill in new[] { 0u, ~0u, 0x5555_5555u, 0xAAAA_AAAAu })
            {
                uint word = row.Value | (fill & ~row.Mask);
                var found = A64Decoder.FindRow(word);
                if (found == row) continue;
                bool shadowed = A64Table.Rows.TakeWhile(r => r != row).Any(r => r.Group >= 0 && r.Group == row.Group && r.Matches(word));
                bool rejected = row.HasValidator;
                Assert.True(shadowed || rejected, $"{row} does not decode word 0x{word:X8} to itself (got {found?.ToString() ?? "unallocated"})");
            }
        }
    }

    [Fact]
    public void RowsOverlapOnlyInsidePriorityGroups()
    {
        var rows = A64Table.Rows;
        for (int i = 0; i < rows.Length; i++)
            for (int j = i + 1; j < rows.Length; j++)
            {
                bool overlap = ((rows[i].Value ^ rows[j].Value) & rows[i].Mask & rows[j].Mask) == 0;
                if (overlap) Assert.True(rows[i].Group >= 0 && rows[i].Group == rows[j].Group, $"{rows[i]} overlaps {rows[j]}");
            }
    }

    [Fact]
    public void FieldsLieInsideDontCareBits()
    {
        foreach (var row in A64Table.Rows)
            foreach (var f in row.Fields)
            {
                uint fieldMask = (uint)(((1UL << f.Width) - 1) << f.Lsb);
                Assert.True((row.Mask & fieldMask) == 0, $"{row}: field {f.Name} overlaps fixed bits");
            }
    }
}
