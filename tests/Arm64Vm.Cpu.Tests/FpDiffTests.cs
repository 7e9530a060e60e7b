using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Arm64Vm.Cpu.Decoding;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// Differential test of the scalar FP and AdvSIMD FP rows (specs/a64/fp_scalar.decode, simd_fp.decode) against
/// QEMU 7.2 (-cpu cortex-a57). tools/fp-difftest/gen.py instantiated every row with random fields, random FPCR
/// (RMode, FZ, DN, AHP) and NZCV, and V0-V3/X0-X1 inputs drawn from special-value sets (signed zeros, infinities,
/// quiet and signalling NaNs with payloads, extreme subnormals and normals, rounding ties, integer boundaries);
/// QEMU ran each word once and stored V0-V3, X0, X1, FPSR, NZCV and whether an exception was taken. Here each
/// case's word runs once on the emulator from the same state and every one of those values must agree.
/// The same harness replays the AES/SHA1/SHA256 rows (simd_crypto.decode) recorded under QEMU -cpu max.
/// </summary>
public class FpDiffTests
{
    private const int RecIn = 96, RecOut = 112;

    private static byte[] ReadGz(string name)
    {
        // FP_DIFFTEST_DIR points at a freshly generated set (tools/fp-difftest/run.sh) instead of the checked-in one.
        string dir = Environment.GetEnvironmentVariable("FP_DIFFTEST_DIR") ?? Path.Combine(AppContext.BaseDirectory, "Data");
        if (!File.Exists(Path.Combine(dir, name))) dir = Path.Combine(AppContext.BaseDirectory, "Data");
        using var f = File.OpenRead(Path.Combine(dir, name));
        using var gz = new GZipStream(f, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    private static bool IsFpRow(DecodeRow r) => r.File.StartsWith("fp_scalar", StringComparison.Ordinal) || r.File.StartsWith("simd_fp", StringComparison.Ordinal);
    private static bool IsCryptoRow(DecodeRow r) => r.File.StartsWith("simd_crypto", StringComparison.Ordinal);

    /// <summary>The row a word was generated from (its fixed bits), whether or not a validator accepts it.</summary>
    private static string RowName(uint word, Func<DecodeRow, bool> family)
    {
        foreach (var r in A64Table.Rows)
            if (r.Matches(word) && family(r)) return r.Name;
        return "?";
    }

    [Fact]
    public void ScalarAndVectorFloatingPointMatchQemu() =>
        Replay("fp_difftest", 20_000, new CpuFeatures { FpSimd = true }, IsFpRow);

    [Fact]
    public void AesSha1Sha256MatchQemu() =>
        Replay("crypto_difftest", 2_000, new CpuFeatures { FpSimd = true, Aes = true, Pmull = true, Sha1 = true, Sha256 = true }, IsCryptoRow);

    private static void Replay(string prefix, int minCases, CpuFeatures features, Func<DecodeRow, bool> family)
    {
        byte[] cases = ReadGz(prefix + ".cases.gz");
        byte[] expected = ReadGz(prefix + ".expected.gz");
        int count = cases.Length / RecIn;
        Assert.Equal(count * RecOut, expected.Length);
        Assert.True(count >= minCases, $"only {count} cases");

        using var h = new CpuHarness(features);
        var cpu = h.Cpu;
        cpu.SysRegs.CpacrEl1 = 3UL << 20;
        // All the words one after the other, so the decoded pages are built once.
        var words = new uint[count];
        for (int i = 0; i < count; i++) words[i] = BinaryPrimitives.ReadUInt32LittleEndian(cases.AsSpan(i * RecIn));
        h.Load(CpuHarness.CodeBase, words);

        var rows = new SortedDictionary<string, (int Total, int Failed)>();
        var failures = new StringBuilder();
        var actual = new byte[RecOut];
        int failed = 0;
        for (int i = 0; i < count; i++)
        {
            var rec = cases.AsSpan(i * RecIn, RecIn);
            ulong pc = CpuHarness.CodeBase + 4UL * (ulong)i;
            cpu.El = 1;
            cpu.SpSel = 1;
            cpu.Fpcr = BinaryPrimitives.ReadUInt32LittleEndian(rec[4..]);
            cpu.Nzcv = BinaryPrimitives.ReadUInt32LittleEndian(rec[8..]);
            cpu.Fpsr = 0;
            for (int v = 0; v < 4; v++)
                cpu.SetQ(v, BinaryPrimitives.ReadUInt64LittleEndian(rec[(16 + 16 * v)..]), BinaryPrimitives.ReadUInt64LittleEndian(rec[(24 + 16 * v)..]));
            cpu.SetX(0, BinaryPrimitives.ReadUInt64LittleEndian(rec[80..]));
            cpu.SetX(1, BinaryPrimitives.ReadUInt64LittleEndian(rec[88..]));
            ulong exceptions = cpu.ExceptionsTaken;
            cpu.Pc = pc;
            cpu.Run(1);
            bool trapped = cpu.ExceptionsTaken != exceptions;
            Assert.True(trapped || cpu.Pc == pc + 4, $"case {i}: PC 0x{cpu.Pc:X} after one instruction");

            var a = actual.AsSpan();
            for (int v = 0; v < 4; v++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(a[(16 * v)..], cpu.GetD(v));
                BinaryPrimitives.WriteUInt64LittleEndian(a[(8 + 16 * v)..], cpu.GetDHigh(v));
            }
            BinaryPrimitives.WriteUInt64LittleEndian(a[64..], cpu.X(0));
            BinaryPrimitives.WriteUInt64LittleEndian(a[72..], cpu.X(1));
            BinaryPrimitives.WriteUInt64LittleEndian(a[80..], cpu.Fpsr);
            BinaryPrimitives.WriteUInt64LittleEndian(a[88..], cpu.Nzcv);
            BinaryPrimitives.WriteUInt64LittleEndian(a[96..], trapped ? 1UL : 0UL);
            BinaryPrimitives.WriteUInt64LittleEndian(a[104..], 0);

            // The recorded V0-V3/X0/X1 are stored XORed with the inputs (unchanged registers compress to zeros).
            var exp = new byte[RecOut];
            expected.AsSpan(i * RecOut, RecOut).CopyTo(exp);
            for (int j = 0; j < 80; j++) exp[j] ^= rec[16 + j];

            string row = RowName(words[i], family);
            var (total, bad) = rows.GetValueOrDefault(row);
            bool same = a.SequenceEqual(exp);
            rows[row] = (total + 1, bad + (same ? 0 : 1));
            if (same) continue;
            failed++;
            if (failed <= 40)
                failures.AppendLine($"case {i} {row} 0x{words[i]:X8} fpcr 0x{cpu.Fpcr:X8}: in {Convert.ToHexString(rec[16..96])}\n" +
                                    $"   expected {Convert.ToHexString(exp)}\n   got      {Convert.ToHexString(actual)}");
        }
        Assert.True(failed == 0,
            $"{failed}/{count} cases differ; rows: {string.Join(", ", rows.Where(kv => kv.Value.Failed > 0).Select(kv => $"{kv.Key}={kv.Value.Failed}/{kv.Value.Total}"))}\n{failures}");
        // Every row of the family was exercised.
        Assert.Equal(A64Table.Rows.Count(family), rows.Count);
    }
}
