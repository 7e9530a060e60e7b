using System.Reflection;
using Arm64Vm.Cpu.Decoding;
using Arm64Vm.Cpu.Execution;
using Gee.External.Capstone;
using Gee.External.Capstone.Arm64;
using Xunit;
using Xunit.Abstractions;

namespace Arm64Vm.Cpu.Tests;

/// <summary>The decode table is the single source of truth: check its rows against the decoder and each other.</summary>
public class DecodeTableTests
{
    private readonly ITestOutputHelper _out;
    public DecodeTableTests(ITestOutputHelper output) => _out = output;

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

    /// <summary>CPU-DEC-3: the rows the generator stores as data read back as the spec files say, every property.</summary>
    [Fact]
    public void SpecFilesMatchTheCompiledTable()
    {
        var rows = ParseSpecFiles();
        Assert.Equal(rows.Count, A64Table.Rows.Length);
        for (int i = 0; i < rows.Count; i++)
        {
            var s = rows[i];
            var r = A64Table.Rows[i];
            Assert.Equal(s.Name, r.Name);
            Assert.Equal(s.Name == "UNALLOCATED" ? A64Op.Unallocated : Enum.Parse<A64Op>(s.Name), r.Op);
            Assert.Equal((s.Class, s.File, s.Line, s.Mask, s.Value, s.Group), (r.Class, r.File, r.Line, r.Mask, r.Value, r.Group));
            Assert.Equal(s.Fields.Select(f => (f.Name, f.Lsb, f.Width)), r.Fields.Select(f => (f.Name, f.Lsb, f.Width)));
            Assert.Equal((s.Validator != null, s.Fp, s.EndsBlock, s.Chains, s.Fuses, s.Pure), (r.HasValidator, r.Fp, r.EndsBlock, r.Chains, r.Fuses, r.Pure));
        }
    }

    [Fact]
    public void EveryRowDecodesToItself()
    {
        // For each row, the word made of its fixed bits (fields zero, then fields all-ones) decodes to that row,
        // unless an earlier row of its priority group claims it or the row's own validator rejects that word.
        var validators = Validators();
        foreach (var row in A64Table.Rows.Where(r => r.Op != A64Op.Unallocated))
        {
            foreach (uint fill in new[] { 0u, ~0u, 0x5555_5555u, 0xAAAA_AAAAu })
            {
                uint word = row.Value | (fill & ~row.Mask);
                var found = A64Decoder.FindRow(word);
                if (found == row) continue;
                bool rejected = row.HasValidator && !validators[row.Name](word);
                Assert.True(Shadowed(row, word) || rejected, $"{row} does not decode word 0x{word:X8} to itself (got {found?.ToString() ?? "unallocated"})");
            }
        }
    }

    /// <summary>Whether an earlier row of <paramref name="row"/>'s priority group claims the word.</summary>
    private static bool Shadowed(DecodeRow row, uint word) =>
        A64Table.Rows.TakeWhile(r => r != row).Any(r => r.Group >= 0 && r.Group == row.Group && r.Matches(word) &&
            (!r.HasValidator || A64Hooks.Validate(r.Op, word)));

    /// <summary>
    /// Each validated row's validator, found by the name its .decode row gives (<c>valid=V</c> names
    /// <c>bool A64Exec.V(...)</c>, specs/a64/README.md) and called with the word (<c>uint raw</c>) or with the row's
    /// fields bound by name, extracted here from the parsed .decode row — not through the generated hooks, so a row
    /// wired to the wrong validator, or a field bound to the wrong parameter, shows up.
    /// </summary>
    private static Dictionary<string, Func<uint, bool>> Validators()
    {
        var result = new Dictionary<string, Func<uint, bool>>();
        foreach (var spec in ParseSpecFiles().Where(r => r.Validator != null))
        {
            var method = typeof(A64Exec).GetMethod(spec.Validator!, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);
            Assert.True(method != null && method.ReturnType == typeof(bool), $"{spec.File}:{spec.Line}: valid={spec.Validator} is not a bool A64Exec.{spec.Validator}(...)");
            var ps = method!.GetParameters();
            if (ps.Length == 1 && ps[0].Name == "raw" && ps[0].ParameterType == typeof(uint))
            {
                result[spec.Name] = method.CreateDelegate<Func<uint, bool>>();
                continue;
            }
            var fields = ps.Select(p => spec.Fields.Find(f => string.Equals(f.Name, p.Name, StringComparison.OrdinalIgnoreCase))).ToArray();
            Assert.True(fields.All(f => f != null), $"{spec.File}:{spec.Line}: a parameter of A64Exec.{spec.Validator} names no field of row {spec.Name}");
            result[spec.Name] = word => (bool)method.Invoke(null, ps.Select((p, i) =>
            {
                uint v = fields[i]!.Extract(word);
                return p.ParameterType == typeof(bool) ? (object)(v != 0) : p.ParameterType == typeof(int) ? (int)v : (object)v;
            }).ToArray())!;
        }
        Assert.Equal(A64Table.Rows.Count(r => r.HasValidator), result.Count);
        return result;
    }

    /// <summary>
    /// Every row with a validator: words sampled from its pattern (its fixed bits, random fields) decode to the row
    /// exactly when its validator accepts them (or an earlier row of its priority group claims them), the generated
    /// hook calls the validator the .decode row names, and Capstone agrees with the verdict — a word the validator
    /// rejects and nothing else claims is one Capstone rejects, a word it accepts one Capstone decodes — outside the
    /// known disagreements of specs/capstone-disagreements.md.
    /// </summary>
    [Fact]
    public void EveryValidatorDecidesItsRowAndAgreesWithCapstone()
    {
        using var cs = CapstoneDisassembler.CreateArm64Disassembler(Arm64DisassembleMode.LittleEndian);
        var validators = Validators();
        var rng = new Random(20261201);
        var problems = new List<string>();
        int sampled = 0, accepted = 0, rejected = 0, known = 0;
        foreach (var row in A64Table.Rows.Where(r => r.HasValidator))
        {
            var validate = validators[row.Name];
            for (int i = 0; i < 260; i++)
            {
                uint fill = i switch { 0 => 0u, 1 => ~0u, 2 => 0x5555_5555u, 3 => 0xAAAA_AAAAu, _ => (uint)rng.NextInt64(0, 1L << 32) };
                uint word = row.Value | (fill & ~row.Mask);
                sampled++;
                bool verdict = validate(word);
                if (verdict != A64Hooks.Validate(row.Op, word))
                    problems.Add($"{row}: the generated hook and valid={row.Name}'s validator differ on 0x{word:X8}");
                var found = A64Decoder.FindRow(word);
                if (Shadowed(row, word)) continue;
                if (verdict) accepted++; else rejected++;
                if (verdict != (found == row))
                {
                    problems.Add($"{row}: validator says {(verdict ? "valid" : "invalid")} for 0x{word:X8}, decoder gives {found?.ToString() ?? "unallocated"}");
                    continue;
                }
                if (found != null && found != row) continue;     // rejected here, claimed by a later row: its own check
                var ins = cs.Disassemble(BitConverter.GetBytes(word), 0);
                bool capValid = ins.Length > 0;
                if (capValid == verdict) continue;
                string? category = CapstoneAgreementTests.Classify(word, found, capValid ? ins[0].Mnemonic : null);
                if (category != null) { known++; continue; }
                problems.Add(verdict
                    ? $"{row}: validator accepts 0x{word:X8}, Capstone rejects it"
                    : $"{row}: validator rejects 0x{word:X8}, Capstone decodes {ins[0].Mnemonic} {ins[0].Operand}");
            }
        }
        _out.WriteLine($"{validators.Count} validated rows, {sampled} words sampled: {accepted} accepted, {rejected} rejected by their validator, {known} in a known Capstone disagreement category");
        foreach (var p in problems.Take(60)) _out.WriteLine(p);
        Assert.True(problems.Count == 0, $"{problems.Count} validator disagreements:\n" + string.Join("\n", problems.Take(20)));
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
