using Arm64Vm.Memory.Caches;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Arm64Vm.Memory.Tests.PropertyHelpers;

namespace Arm64Vm.Memory.Tests;

/// <summary>
/// The model's host-side shortcuts (<see cref="CacheMemorySystem.HostShortcuts"/>: the hit path's L1D lookup not
/// repeated on a miss, per-set way prediction on the miss path) change nothing observable: the same program on the
/// same configuration with them on and off gives the same value for every access and leaves the same tags, states,
/// LRU stamps, back-pointers, data, memory, statistics, per-page cached-line counts and line-TLB entries (the
/// fixture's CPU accesses take the lines offered to them).
/// 1,000 cases over every kind of op, agent and attribute alias and the full configuration space.
/// </summary>
public class HostShortcutPropertyTests
{
    [Fact]
    public void ShortcutsOnAndOffGiveTheSameResultsAndState()
    {
        foreach (var (idc, dic) in new[] { (false, false), (true, false), (false, true), (true, true) })
            MustHoldEverywhere(ModelFixture.Configs(idc, dic, anyNcHitPolicy: true), OpGen.Anything(), (on, p) =>
            {
                using var off = new ModelFixture(on.Model.Caches);
                off.Model.HostShortcuts = false;
                for (int i = 0; i < p.Ops.Length; i++)
                    if (OpRunner.Execute(on, p.Ops[i], i) != OpRunner.Execute(off, p.Ops[i], i)) return false;
                return Fingerprint(on) == Fingerprint(off);
            });
    }

    /// <summary>
    /// SHORT-1: the two-level miss path (an L1D miss of a CPU whose path is L1D + L2, no other holder in the domain)
    /// against the general path, on the traffic it is built for: one or two CPUs streaming reads and writes over 64
    /// lines (4 x the L2 below), so L1D misses fill from the L2 or from memory and evict dirty lines into the L2, the
    /// L2 evicts dirty lines to memory (back-invalidating the L1Ds when inclusive), and the CPUs' lines meet.
    /// Every value, then every tag, state, stamp, back-pointer, data byte, memory byte and statistic must match.
    /// </summary>
    [Fact]
    public void SHORT1_TwoLevelMissPathGivesTheGeneralPathsStates()
    {
        var wb = MemoryAttributes.NormalWriteBackInnerShareable;
        int seed = 1;
        foreach (int cpus in new[] { 1, 2 })
            foreach (var incl in new[] { InclusionPolicy.Inclusive, InclusionPolicy.NonInclusive })
                foreach (var repl in new[] { ReplacementPolicy.Lru, ReplacementPolicy.PseudoRandom })
                    foreach (int l1Ways in new[] { 1, 2, 4 })
                    {
                        var config = new CacheConfig
                        {
                            Clusters = 1,
                            CpusPerCluster = cpus,
                            L1I = new CacheGeometry(256, 2, repl),
                            L1D = new CacheGeometry(256, l1Ways, repl),
                            L2 = new CacheGeometry(1024, 4, repl),
                            L2Inclusion = incl,
                            SystemCache = null,
                            Seed = (ulong)seed,
                        };
                        using var on = new ModelFixture(config);
                        using var off = new ModelFixture(config);
                        off.Model.HostShortcuts = false;
                        var rng = new Random(seed++);
                        for (int n = 0; n < 4000; n++)
                        {
                            int cpu = rng.Next(cpus);
                            // Mostly a stream (line n / 3), sometimes anywhere: both hit, miss and evict.
                            int lineNo = rng.Next(4) == 0 ? rng.Next(64) : n / 3 % 64;
                            ulong pa = ModelFixture.RamBase + (ulong)lineNo * 64 + (ulong)rng.Next(8) * 8;
                            if (rng.Next(2) == 0)
                            {
                                Assert.True(on.Model.TryWrite(cpu, pa, 8, AccessKind.Write, wb, (ulong)n));
                                Assert.True(off.Model.TryWrite(cpu, pa, 8, AccessKind.Write, wb, (ulong)n));
                            }
                            else
                            {
                                Assert.True(on.Model.TryRead(cpu, pa, 8, AccessKind.Read, wb, out ulong a));
                                Assert.True(off.Model.TryRead(cpu, pa, 8, AccessKind.Read, wb, out ulong b));
                                Assert.Equal(b, a);
                            }
                        }
                        Assert.Equal(Fingerprint(off), Fingerprint(on));
                        // The traffic took the paths SHORT-1 covers: L2 hits and misses, dirty L1 and L2 evictions.
                        var l1 = on.Model.DataCacheOf(0, 1)!;
                        var l2 = on.Model.DataCacheOf(0, 2)!;
                        Assert.True(l1.Stats.WriteBacks > 100 && l2.Stats.Hits > 100 && l2.Stats.Misses > 100 && l2.Stats.WriteBacks > 100,
                            $"{l1.Stats.WriteBacks} {l2.Stats.Hits} {l2.Stats.Misses} {l2.Stats.WriteBacks}");
                    }
    }

    /// <summary>Everything observable of a fixture's model, as one string.</summary>
    internal static string Fingerprint(ModelFixture f)
    {
        var m = f.Model;
        var parts = new List<string>();
        foreach (var c in m.AllCaches)
        {
            parts.Add(c.Name);
            parts.Add(string.Join(",", c.Tags));
            parts.Add(string.Join(",", c.Lines.Select(l => $"{l.Stamp}/{l.State}/{l.Unique}/{l.ParentIndex}")));
            parts.Add(Convert.ToHexString(c.Data));
            parts.Add($"{c.ValidCount} {c.Stats.Hits} {c.Stats.Misses} {c.Stats.Evictions} {c.Stats.WriteBacks}");
        }
        parts.Add(string.Join(",", m.Statistics.ToDictionary().Select(kv => $"{kv.Key}={kv.Value}")));
        parts.Add(Convert.ToHexString(f.Ram.Span(ModelFixture.RamBase, Ram.PageSize)));
        parts.Add(f.Ram.CachedLines(ModelFixture.RamBase).ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (int cpu = 0; cpu < m.Caches.CpuCount; cpu++)
        {
            parts.Add(m.LineTlbOf(cpu)!.Describe());
        }
        return string.Join("\n", parts);
    }
}
