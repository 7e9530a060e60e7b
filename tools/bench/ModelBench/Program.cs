using System.Diagnostics;
using Arm64Vm.Bench;
using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "--quick")
{
    // Without BenchmarkDotNet: the best of many short batches per benchmark (a quick look on a busy machine).
    // --quick NAME runs only that benchmark (for perf stat).
    var b = new CacheModelThroughput();
    b.Setup();
    foreach (var (name, run) in new (string, Action)[]
    {
        ("L1HitRead", () => b.L1HitRead()), ("L1HitWrite", b.L1HitWrite),
        ("L1HitReadWrite", () => b.L1HitReadWrite()), ("L1MissLine", b.L1MissLine),
    })
    {
        if (args.Length > 1 && args[1] != name) continue;
        double best = double.MaxValue;
        for (int batch = 0; batch < 400; batch++)
        {
            var sw = Stopwatch.StartNew();
            for (int k = 0; k < 16; k++) run();
            best = Math.Min(best, sw.Elapsed.TotalNanoseconds / (16.0 * CacheModelThroughput.Accesses));
        }
        Console.WriteLine($"{name,-16} {best,8:F2} ns/op  {1000 / best,8:F1} M ops/s");
    }
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(CacheModelThroughput).Assembly).Run(args);
