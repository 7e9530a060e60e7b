using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;
using BenchmarkDotNet.Attributes;

namespace Arm64Vm.Bench;

/// <summary>
/// Accesses per second through <see cref="CacheMemorySystem"/> ("--cache-model state", Cortex-A57 hierarchy, one CPU)
/// with Normal WB inner-shareable attributes, as a CPU's TLB slow path issues them. Each invocation performs
/// <see cref="Accesses"/> accesses, so BenchmarkDotNet's time per operation is the time of one access.
/// <list type="bullet">
/// <item>L1 hits: a 16 KiB working set (half the 32 KiB L1D), read, written, or both (target: >= 30 M/s).</item>
/// <item>L1 misses: a 64 KiB working set walked line by line; per operation one read that misses the L1D, fills
/// the line from the L2 and evicts a dirty line, then a write hit that makes the new line dirty (ldst-loop's pattern).</item>
/// <item>Copy stream (informational): copy-loop-mmu's pattern at line granularity (the CPU's line TLB serves the other
/// accesses): per operation a read of the next line of a 1 MiB source and a write of the next line of a 1 MiB
/// destination. The 2 MiB of the copy fill the 2 MiB L2 exactly and the other benchmarks' 80 KiB overfill half of its
/// sets, so under LRU about half the lines miss the L2 on every pass (filled from memory, dirty L2 victims written
/// to memory) and half hit it; every L1 fill evicts a dirty line into the L2. The cursor carries on across invocations.
/// Back-to-back accesses leave the host prefetches of the miss path no time, so this figure does not show what they
/// save a guest.</item>
/// <item>Copy stream, L2 hits (informational, <see cref="CopyStreamL2"/>): the same copy on a model of its own, which
/// holds nothing else, so its 2 MiB fill the L2 exactly and every line hits there, as in copy-loop-mmu (whose code,
/// stack and tables add a few dozen lines): per operation a read that misses the L1D and evicts a clean source line,
/// and a write that misses it and evicts a dirty destination line into the L2. This is the model's own work per
/// iteration of copy-loop-mmu (one line pair), the part of that guest's `state` time that no CPU-side change removes.</item>
/// <item>L1 misses, 4 CPUs (<see cref="L1MissLine4Cpu"/>): L1MissLine's pattern by CPU 0 of a four-CPU cluster whose
/// other three L1Ds are full of other (dirty) lines, so each miss first makes sure no other L1D of the domain holds
/// its line (SHORT-1's snoop test looks each of them up). Presence bits in the L2 as a snoop filter were measured on
/// this case and were slower: three two-way lookups cost less than the filter's L2 lookup and the bit updates on
/// every fill and eviction (see the revert of SNOOP-1..4 in the git log).</item>
/// <item>L1I fetch hits (informational, <see cref="L1IFetchHit"/>): the fetches a CPU makes through the model when it
/// decodes a slot (CpuCore.FetchThroughMemory): words of 192 lines that fill 64 sets of the three-way L1I, in an order
/// drawn at random (fixed seed), so which way hits varies from fetch to fetch as in a kernel's code.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class CacheModelThroughput
{
    public const int Accesses = 4096;
    private const ulong RamBase = 0x4000_0000;
    private static readonly MemoryAttributes Wb = MemoryAttributes.NormalWriteBackInnerShareable;

    private PhysicalMemoryMap _map = null!;
    private CacheMemorySystem _model = null!;
    private readonly ulong[] _l1Addresses = new ulong[Accesses];
    private readonly ulong[] _l2Addresses = new ulong[Accesses];
    private readonly ulong[] _fetchAddresses = new ulong[Accesses];

    [GlobalSetup]
    public void Setup()
    {
        _map = new PhysicalMemoryMap();
        _map.AddRam(RamBase, 16UL << 20);
        _model = new CacheMemorySystem(_map, CacheConfig.CortexA57(1));
        // L1: doublewords spread over 256 lines of a 16 KiB window (stride 72 bytes: a new line almost every access).
        for (int i = 0; i < Accesses; i++) _l1Addresses[i] = RamBase + (ulong)(i * 72 % (16 * 1024)) / 8 * 8;
        // L2: consecutive lines of a 64 KiB window (2 x the L1D, like ldst-loop's buffer): every access is an L1 miss, an L2 hit.
        for (int i = 0; i < Accesses; i++) _l2Addresses[i] = RamBase + 0x10_0000 + (ulong)(i % 1024) * 64;
        // The copy's buffers once through first, so the copy stream starts in its steady state.
        for (ulong n = 0; n < CopyLines; n++) CopyLinePair(_model, n);
        foreach (var pa in _l1Addresses) _model.TryWrite(0, pa, 8, AccessKind.Write, Wb, pa);
        foreach (var pa in _l2Addresses) _model.TryWrite(0, pa, 8, AccessKind.Write, Wb, pa);
        foreach (var pa in _l1Addresses) _model.TryRead(0, pa, 8, AccessKind.Read, Wb, out _);
        // Fetches: 3 lines in each of 64 L1I sets (256 sets of 64 bytes: lines 0x4000 apart share a set), a random word each.
        var random = new Random(12345);
        for (int i = 0; i < Accesses; i++)
            _fetchAddresses[i] = FetchBase + (ulong)random.Next(3) * 0x4000 + (ulong)random.Next(64) * 64 + (ulong)random.Next(16) * 4;
        // A model of its own, so the other benchmarks' cache state is what it was before this one was added.
        _modelFetch = new CacheMemorySystem(_map, CacheConfig.CortexA57(1));
        foreach (var pa in _fetchAddresses) _modelFetch.TryRead(0, pa, 4, AccessKind.Fetch, Wb, out _);
        _model4 = new CacheMemorySystem(_map, CacheConfig.CortexA57(4));
        // CPUs 1-3: 32 KiB each of their own (a full L1D), written so their L1D lines are Dirty and Unique.
        for (int cpu = 1; cpu < 4; cpu++)
            for (ulong off = 0; off < 32 * 1024; off += 64)
                _model4.TryWrite(cpu, RamBase + 0x40_0000 + (ulong)cpu * 0x10_0000 + off, 8, AccessKind.Write, Wb, off);
        foreach (var pa in _l2Addresses) _model4.TryWrite(0, pa, 8, AccessKind.Write, Wb, pa);
        _modelCopy = new CacheMemorySystem(_map, CacheConfig.CortexA57(1));
        for (ulong n = 0; n < CopyLines; n++) CopyLinePair(_modelCopy, n);     // fills the L2 with both buffers
        CheckCopyStreamL2();
    }

    /// <summary>
    /// CopyStreamL2 measures the regime it names: one more pass of the copy misses the L1D twice per line pair, writes one
    /// dirty line back, and never misses the L2.
    /// </summary>
    private void CheckCopyStreamL2()
    {
        var stats = _modelCopy.Statistics;
        var l1Before = stats.ForLevel("L1D");
        long l2MissesBefore = stats.ForLevel("L2").Misses;
        for (ulong n = 0; n < CopyLines; n++) CopyLinePair(_modelCopy, n);
        var l1 = stats.ForLevel("L1D");
        long lines = (long)CopyLines;
        if (l1.Misses - l1Before.Misses != 2 * lines || l1.WriteBacks - l1Before.WriteBacks != lines
            || stats.ForLevel("L2").Misses != l2MissesBefore)
            throw new InvalidOperationException("CopyStreamL2: the copy's steady state is not two L1D misses and one write-back per line pair with no L2 miss");
    }

    private CacheMemorySystem _model4 = null!;

    [Benchmark(OperationsPerInvoke = Accesses)]
    public void L1MissLine4Cpu() => MissLines(_model4);

    /// <summary>Line pair <paramref name="n"/> (modulo the buffer) of the 1 MiB copy: a read of the source line, a write of the destination line.</summary>
    private static void CopyLinePair(CacheMemorySystem model, ulong n)
    {
        ulong off = n % CopyLines * 64;
        model.TryRead(0, CopySrc + off, 8, AccessKind.Read, Wb, out ulong v);
        model.TryWrite(0, CopyDst + off, 8, AccessKind.Write, Wb, v);
    }

    private CacheMemorySystem _modelCopy = null!;
    private ulong _copyLineL2;

    [Benchmark(OperationsPerInvoke = Accesses)]
    public void CopyStreamL2() => _copyLineL2 = CopyFrom(_modelCopy, _copyLineL2);

    /// <summary><see cref="Accesses"/> line pairs of the copy from pair <paramref name="n"/> on; returns the next pair's number.</summary>
    private static ulong CopyFrom(CacheMemorySystem model, ulong n)
    {
        for (int i = 0; i < Accesses; i++) CopyLinePair(model, n++);
        return n;
    }

    [Benchmark(OperationsPerInvoke = Accesses)]
    public ulong L1HitRead() => ReadAll(_model, _l1Addresses, 8, AccessKind.Read);

    /// <summary>Reads <paramref name="size"/> bytes at each of <paramref name="addresses"/> as CPU 0, and sums them.</summary>
    private static ulong ReadAll(CacheMemorySystem model, ulong[] addresses, int size, AccessKind kind)
    {
        ulong sum = 0;
        foreach (var pa in addresses)
        {
            model.TryRead(0, pa, size, kind, Wb, out ulong v);
            sum += v;
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Accesses)]
    public void L1HitWrite()
    {
        foreach (var pa in _l1Addresses) _model.TryWrite(0, pa, 8, AccessKind.Write, Wb, pa);
    }

    [Benchmark(OperationsPerInvoke = Accesses)]
    public ulong L1HitReadWrite()
    {
        ulong sum = 0;
        var a = _l1Addresses;
        for (int i = 0; i < a.Length; i += 2)
        {
            _model.TryRead(0, a[i], 8, AccessKind.Read, Wb, out ulong v);
            _model.TryWrite(0, a[i + 1], 8, AccessKind.Write, Wb, v);
            sum += v;
        }
        return sum;
    }

    private const ulong CopySrc = RamBase + 0x20_0000, CopyDst = RamBase + 0x30_0000, CopyLines = (1UL << 20) / 64;
    private ulong _copyLine;

    [Benchmark(OperationsPerInvoke = Accesses)]
    public void CopyStream() => _copyLine = CopyFrom(_model, _copyLine);

    [Benchmark(OperationsPerInvoke = Accesses)]
    public void L1MissLine() => MissLines(_model);

    private const ulong FetchBase = RamBase + 0x80_0000;
    private CacheMemorySystem _modelFetch = null!;

    [Benchmark(OperationsPerInvoke = Accesses)]
    public ulong L1IFetchHit() => ReadAll(_modelFetch, _fetchAddresses, 4, AccessKind.Fetch);

    /// <summary>CPU 0 reads each of <see cref="_l2Addresses"/> (an L1D miss that hits the L2) and writes it back.</summary>
    private void MissLines(CacheMemorySystem model)
    {
        var a = _l2Addresses;
        for (int i = 0; i < a.Length; i++)
        {
            model.TryRead(0, a[i], 8, AccessKind.Read, Wb, out ulong v);
            model.TryWrite(0, a[i], 8, AccessKind.Write, Wb, v + 1);
        }
    }
}
