using System.Globalization;
using System.IO.Compression;
using System.Text;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// Differential test against QEMU (qemu-system-aarch64 7.2, -cpu cortex-a57): every row of the simd_int_*.decode
/// files instantiated with random fields (about 5000 words, UNDEFINED ones included) on inputs drawn from lane
/// boundary values. The image, its case list and QEMU's output were produced offline by
/// tools/simd-difftest/gen.py (see its README); per case the program stores the destination register, X2-X5,
/// FPSR (QC) and an "exception taken" marker.
/// </summary>
public class SimdDiffTests
{
    private static byte[] ReadGz(string name)
    {
        // SIMD_DIFFTEST_DIR points at a freshly generated set (tools/simd-difftest/run.sh) instead of the checked-in one.
        string dir = Environment.GetEnvironmentVariable("SIMD_DIFFTEST_DIR") ?? Path.Combine(AppContext.BaseDirectory, "Data");
        using var f = File.OpenRead(Path.Combine(dir, name));
        using var gz = new GZipStream(f, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    [Fact]
    public void AdvSimdIntegerMatchesQemu()
    {
        byte[] image = ReadGz("simd_difftest.bin.gz");
        byte[] expected = ReadGz("simd_difftest.expected.gz");
        var meta = new Dictionary<string, ulong>();
        var cases = new List<(ulong Pc, uint Word, string Name)>();
        foreach (var line in Encoding.ASCII.GetString(ReadGz("simd_difftest.meta.gz")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var t = line.Split(' ');
            if (t[0] == "case") cases.Add((Hex(t[2]), (uint)Hex(t[3]), t[4]));
            else meta[t[0]] = t[1].StartsWith("0x") ? Hex(t[1]) : ulong.Parse(t[1], CultureInfo.InvariantCulture);
        }
        Assert.Equal((int)meta["cases"], cases.Count);
        Assert.Equal(cases.Count * 64, expected.Length);

        using var h = new CpuHarness(new CpuFeatures { FpSimd = true, Pmull = true });
        var cpu = h.Cpu;
        for (int i = 0; i < image.Length; i += 4)
            h.Ram.WriteRaw(meta["base"] + (ulong)i, 4, BitConverter.ToUInt32(image, i));
        h.Ram.NoteWrite(meta["base"], image.Length);
        cpu.SysRegs.CpacrEl1 = 3UL << 20;
        cpu.SysRegs.VbarEl1 = meta["vectors"];
        cpu.SetX(20, meta["pool"]);
        cpu.SetX(21, meta["out"]);
        cpu.SetX(7, 0);
        cpu.SetQ(19, 4, 0);
        cpu.SetQ(20, 1, 0);
        cpu.SetQ(21, 0, 0);
        cpu.SetQ(22, meta["pool"], 0);
        cpu.Pc = meta["body"];
        for (int guard = 0; guard < 100 && cpu.Pc != meta["done"]; guard++) cpu.Run(100_000);
        Assert.Equal(meta["done"], cpu.Pc);

        var failures = new StringBuilder();
        var failedRows = new SortedDictionary<string, int>();
        int failed = 0;
        for (int i = 0; i < cases.Count; i++)
        {
            var exp = expected.AsSpan(i * 64, 64);
            var act = h.Ram.Span(meta["out"] + (ulong)(i * 64), 64);
            if (exp.SequenceEqual(act)) continue;
            failed++;
            failedRows[cases[i].Name] = failedRows.GetValueOrDefault(cases[i].Name) + 1;
            if (failed <= 40)
                failures.AppendLine($"case {i} {cases[i].Name} 0x{cases[i].Word:X8}: expected {Convert.ToHexString(exp)} got {Convert.ToHexString(act)}");
        }
        Assert.True(failed == 0, $"{failed}/{cases.Count} cases differ; rows: {string.Join(", ", failedRows.Select(kv => $"{kv.Key}={kv.Value}"))}\n{failures}");
    }

    private static ulong Hex(string s) => ulong.Parse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
