using System.Diagnostics;
using System.Text;

namespace Arm64Vm.Tools.DiffTest;

/// <summary>
/// difftest generate [--out DIR] [--seed N] [--blobs N] [--per-blob N] [--cpu cortex-a57|max] [--prefix P]
///     Generates blobs (harness + random sequences), runs each under qemu-system-aarch64 -M virt and writes
///     DIR/P-NNN.bin and DIR/P-NNN.txt (QEMU's UART output), and appends to DIR/manifest.txt.
/// difftest compare [--dir DIR] --arm64vm PATH
///     Runs every recorded blob under arm64vm and prints the sequences whose output differs.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0) { Console.Error.WriteLine("usage: difftest generate|compare [options]"); return 2; }
        var opts = new Dictionary<string, string>();
        for (int i = 1; i + 1 < args.Length; i += 2) opts[args[i].TrimStart('-')] = args[i + 1];
        string root = FindRepoRoot();
        string Opt(string k, string d) => opts.TryGetValue(k, out var v) ? v : d;
        return args[0] switch
        {
            "generate" => Generate(root, Opt("out", Path.Combine(root, "tests/golden/difftest")), int.Parse(Opt("seed", "1")),
                int.Parse(Opt("blobs", "1")), int.Parse(Opt("per-blob", "100")), Opt("cpu", "cortex-a57"), Opt("prefix", "a57")),
            "stats" => Stats(Opt("dir", Path.Combine(root, "tests/golden/difftest"))),
            "compare" => Compare(Opt("dir", Path.Combine(root, "tests/golden/difftest")), Opt("arm64vm", "arm64vm")),
            _ => 2,
        };
    }

    private static string FindRepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "Arm64Vm.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static int Generate(string root, string outDir, int seed, int blobs, int perBlob, string cpu, string prefix)
    {
        Directory.CreateDirectory(outDir);
        var harness = Blob.BuildHarness(root);
        ulong seqDone = Blob.SeqDone(harness);
        bool v81 = cpu != "cortex-a57";
        var gen = new SequenceGenerator(seed, v81);
        Console.Error.WriteLine($"difftest: {gen.ClassSummary}; cpu {cpu}");
        var rng = new Random(seed ^ 0x5eed);
        var manifest = new StringBuilder();
        for (int b = 0; b < blobs; b++)
        {
            string name = $"{prefix}-{b:D3}";
            ulong seedBase = (ulong)rng.NextInt64() << 8;
            // Addresses: header (16) + offsets (4 per sequence) follow the harness.
            long pos = harness.Length + 16 + 4L * perBlob;
            var seqs = new List<uint[]>();
            for (int i = 0; i < perBlob; i++)
            {
                var s = gen.Generate(Blob.AddressOf(pos), seqDone, 4 + rng.Next(13));
                seqs.Add(s);
                pos += 4L * s.Length;
            }
            var image = Blob.Build(harness, seedBase, seqs);
            string bin = Path.Combine(outDir, name + ".bin");
            File.WriteAllBytes(bin, image);
            var sw = Stopwatch.StartNew();
            string output = RunQemu(bin, cpu);
            File.WriteAllText(Path.Combine(outDir, name + ".txt"), output);
            int lines = output.Split('\n').Count(l => l.StartsWith('S'));
            int exc = output.Split('\n').Count(l => l.Contains(" E="));
            bool done = output.EndsWith("DONE\n", StringComparison.Ordinal);
            Console.Error.WriteLine($"{name}: {lines} sequences, {exc} ended by an exception, {(done ? "complete" : "INCOMPLETE")}, {sw.ElapsedMilliseconds} ms");
            manifest.Append($"{name} {cpu} {perBlob}\n");
        }
        File.AppendAllText(Path.Combine(outDir, "manifest.txt"), manifest.ToString());
        return 0;
    }

    public static string RunQemu(string bin, string cpu)
    {
        string tmp = Path.GetTempFileName();
        try
        {
            var psi = new ProcessStartInfo("timeout", $"120 qemu-system-aarch64 -M virt -cpu {cpu} -m 128M -display none -monitor none -serial file:{tmp} -semihosting -kernel {bin}")
            { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return File.ReadAllText(tmp);
        }
        finally { File.Delete(tmp); }
    }

    /// <summary>Decodes every sequence word of the recorded blobs and prints instruction counts per class and row.</summary>
    private static int Stats(string dir)
    {
        var perClass = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var perRow = new Dictionary<string, int>();
        int words = 0, seqs = 0;
        foreach (var bin in Directory.GetFiles(dir, "*.bin").Order(StringComparer.Ordinal))
        {
            var image = File.ReadAllBytes(bin);
            int tab = -1;
            for (int i = 0; i + 8 <= image.Length; i += 16)
                if (System.Text.Encoding.ASCII.GetString(image, i + 8, 8) == "DIFFTEST") { tab = i + 16; break; }
            if (tab < 0) continue;
            int count = BitConverter.ToInt32(image, tab);
            seqs += count;
            for (int off = tab + 16 + 4 * count; off + 4 <= image.Length; off += 4)
            {
                uint w = BitConverter.ToUInt32(image, off);
                var row = Arm64Vm.Cpu.Decoding.A64Decoder.FindRow(w);
                string cls = row?.Class ?? "unallocated";
                words++;
                perClass[cls] = perClass.GetValueOrDefault(cls) + 1;
                if (row != null) perRow[row.Name] = perRow.GetValueOrDefault(row.Name) + 1;
            }
        }
        Console.WriteLine($"{seqs} sequences, {words} instruction words, {perRow.Count} distinct decode rows");
        foreach (var (c, n) in perClass) Console.WriteLine($"  {c,-20} {n}");
        var total = Arm64Vm.Cpu.Decoding.A64Table.Rows.Where(r => r.Class.StartsWith("dp_", StringComparison.Ordinal)
            || (r.Class.StartsWith("ldst.", StringComparison.Ordinal) && (r.Mask & (1u << 26)) != 0 && (r.Value & (1u << 26)) == 0)
            || (r.Class.StartsWith("br.", StringComparison.Ordinal) && !r.Class.StartsWith("br.exc", StringComparison.Ordinal) && !r.Class.StartsWith("br.sys", StringComparison.Ordinal)))
            .Select(r => r.Name).Where(n => n != "UNALLOCATED" && !perRow.ContainsKey(n)).ToList();
        Console.WriteLine($"integer rows never generated: {(total.Count == 0 ? "none" : string.Join(' ', total))}");
        return 0;
    }

    private static int Compare(string dir, string arm64vm)
    {
        int total = 0, agree = 0;
        foreach (var txt in Directory.GetFiles(dir, "*.txt").Where(f => !f.EndsWith("manifest.txt")).Order(StringComparer.Ordinal))
        {
            string bin = Path.ChangeExtension(txt, ".bin");
            var expected = File.ReadAllText(txt).Split('\n');
            var psi = new ProcessStartInfo(arm64vm, $"run {bin} --max-instructions 200000000") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            string ours = p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            var got = ours.Split('\n');
            var gotByKey = got.Where(l => l.StartsWith('S') && l.Length >= 5).GroupBy(l => l[..5]).ToDictionary(g => g.Key, g => g.First());
            foreach (var e in expected.Where(l => l.StartsWith('S') && l.Length >= 5))
            {
                total++;
                if (gotByKey.TryGetValue(e[..5], out var g) && g == e) agree++;
                else Console.WriteLine($"{Path.GetFileName(bin)} {e[..5]}\n  qemu: {e}\n  ours: {(g ?? "(missing)")}");
            }
        }
        Console.WriteLine($"difftest: {agree}/{total} sequences agree");
        return agree == total ? 0 : 1;
    }
}
