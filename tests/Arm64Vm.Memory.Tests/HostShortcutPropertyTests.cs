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
/// LRU stamps, back-pointers, data, memory, statistics, per-page cached-line counts and line-TLB offers.
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
            var lt = m.LineTlbOf(cpu)!;
            parts.Add($"{lt.Offered} {lt.ReadVa} {lt.WriteVa}");
        }
        return string.Join("\n", parts);
    }
}
