using Arm64Vm.Cpu.Decoding;
using Gee.External.Capstone.Arm64;
using Xunit;
using Xunit.Abstractions;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// Our decoder's "allocated vs unallocated" verdict and instruction class against Capstone's, over 200,000 random
/// words. Every disagreement must fall into one of the known categories documented in
/// specs/capstone-disagreements.md; anything else fails the test.
/// </summary>
public class CapstoneAgreementTests
{
    private readonly ITestOutputHelper _out;
    public CapstoneAgreementTests(ITestOutputHelper output) => _out = output;

    private static bool IsFpSimdClass(string cls) => cls.StartsWith("fp", StringComparison.Ordinal) || cls.StartsWith("simd", StringComparison.Ordinal) || cls.StartsWith("ldst.simd", StringComparison.Ordinal);

    private static bool IsSimdRegisterOperand(string operand) =>
        operand.Length > 1 && (operand[0] == '{' || ("bhsdqv".Contains(operand[0]) && char.IsDigit(operand[1])));

    /// <summary>Known category of a disagreement, or null (a real disagreement).</summary>
    internal static string? Classify(uint w, DecodeRow? ours, string? capMnemonic)
    {
        uint rt = w & 31, rn = (w >> 5) & 31, rt2 = (w >> 10) & 31;
        if (ours != null)
        {
            // CD1: Capstone's engine predates FEAT_LSE (v8.1 atomics, CAS, CASP) which we implement.
            if (ours.Class is "ldst.atomic" or "ldst.cas" or "ldst.casp") return "CD1 LSE unknown to Capstone";
            // CD2: register overlaps that the Arm ARM makes CONSTRAINED UNPREDICTABLE; we execute them as QEMU does.
            if (ours.Class.StartsWith("ldst", StringComparison.Ordinal) && (rn == rt || rn == rt2 || rt == rt2)) return "CD2 constrained-unpredictable overlap";
            // CD3: AdvSIMD copy (INS/DUP...) with non-zero bits in the parts of imm4/imm5 the Arm ARM marks "x".
            if (ours.Class == "simd.copy") return "CD3 copy ignored index bits";
            return null;
        }
        if (capMnemonic == null) return null;
        // CD4: should-be-one fields (Rs, Rt2) not all ones in LDAR/STLR-family encodings: we reject them as QEMU does.
        if (capMnemonic.StartsWith("ldar", StringComparison.Ordinal) || capMnemonic.StartsWith("stlr", StringComparison.Ordinal) || capMnemonic.StartsWith("ldapr", StringComparison.Ordinal))
            return "CD4 should-be-one fields";
        // CD5: Capstone prints op0=0b00 system encodings outside hints/barriers/PSTATE as generic MSR/MRS; they are unallocated.
        if ((capMnemonic == "msr" || capMnemonic == "mrs") && ((w >> 19) & 3) == 0) return "CD5 op0=00 system space";
        return null;
    }

    [Fact]
    public void AllocatedVerdictAndClassAgreeWithCapstoneOnRandomWords()
    {
        using var cs = Gee.External.Capstone.CapstoneDisassembler.CreateArm64Disassembler(Arm64DisassembleMode.LittleEndian);
        cs.EnableInstructionDetails = true;
        var rng = new Random(20261123);
        var buf = new byte[4];
        var categories = new Dictionary<string, int>();
        var unexplained = new List<string>();
        int agreeValid = 0, agreeInvalid = 0;
        for (int i = 0; i < 200_000; i++)
        {
            uint w = (uint)rng.NextInt64(0, 1L << 32);
            BitConverter.TryWriteBytes(buf, w);
            var ins = cs.Disassemble(buf, 0);
            var row = A64Decoder.FindRow(w);
            bool capValid = ins.Length > 0;
            if (capValid == (row != null))
            {
                if (!capValid) { agreeInvalid++; continue; }
                agreeValid++;
                // Class: FP/SIMD rows are exactly the words Capstone puts in its FP or NEON (or crypto) groups.
                // Capstone does not group SIMD&FP loads/stores, so for those the first operand decides: a SIMD&FP
                // register (b/h/s/d/q/v or a {list}).
                var d = ins[0].Details;
                bool capFp = row!.Class.StartsWith("ldst", StringComparison.Ordinal)
                    ? IsSimdRegisterOperand(ins[0].Operand)
                    : d.BelongsToGroup(Arm64InstructionGroupId.ARM64_GRP_FPARMV8) || d.BelongsToGroup(Arm64InstructionGroupId.ARM64_GRP_NEON) || d.BelongsToGroup(Arm64InstructionGroupId.ARM64_GRP_CRYPTO);
                if (capFp != IsFpSimdClass(row!.Class))
                {
                    string cat = $"class: ours {row.Class}, capstone {(capFp ? "fp/simd" : "integer")}";
                    categories[cat] = categories.GetValueOrDefault(cat) + 1;
                    if (unexplained.Count < 20) unexplained.Add($"{w:X8} {row.Name} vs {ins[0].Mnemonic} {ins[0].Operand}");
                }
                continue;
            }
            string? known = Classify(w, row, capValid ? ins[0].Mnemonic : null);
            if (known != null) { categories[known] = categories.GetValueOrDefault(known) + 1; continue; }
            if (unexplained.Count < 20)
                unexplained.Add(row != null ? $"{w:X8} ours {row.Name} ({row.Class}), Capstone invalid" : $"{w:X8} ours unallocated, Capstone {ins[0].Mnemonic} {ins[0].Operand}");
        }
        _out.WriteLine($"agree: {agreeValid} allocated, {agreeInvalid} unallocated");
        foreach (var (k, v) in categories.OrderBy(kv => kv.Key)) _out.WriteLine($"{v,6} {k}");
        Assert.True(unexplained.Count == 0, "unexplained disagreements:\n" + string.Join("\n", unexplained));
    }
}
