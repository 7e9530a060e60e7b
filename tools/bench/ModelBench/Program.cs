using System.Diagnostics;
using Arm64Vm.Bench;
using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "--quick")
{
    // Without BenchmarkDotNet: the best of 3200 short batches per benchmark (a quick look on a busy machine).
    // --quick NAME runs only that benchmark (for perf stat).
    var b = new CacheModelThroughput();
    b.Setup();
    foreach (var (name, run) in new (string, Action)[]
    {
        ("L1HitRead", () => b.L1HitRead()), ("L1HitWrite", b.L1HitWrite),
        ("L1HitReadWrite", () => b.L1HitReadWrite()), ("L1MissLine", b.L1MissLine),
        ("L1MissLine4Cpu", b.L1MissLine4Cpu),
        ("CopyStream", b.CopyStream), ("CopyStreamL2", b.CopyStreamL2), ("L1IFetchHit", () => b.L1IFetchHit()),
    })
    {
        if (args.Length > 1 && args[1] != name) continue;
        // Many short batches: on a loaded host the best one is the one no other process disturbed.
        double best = double.MaxValue;
        for (int batch = 0; batch < 3200; batch++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds / (2.0 * CacheModelThroughput.Accesses));
        }
        Console.WriteLine($"{name,-16} {best,8:F2} ns/op  {1000 / best,8:F1} M ops/s");
    }
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(CacheModelThroughput).Assembly).Run(args);
