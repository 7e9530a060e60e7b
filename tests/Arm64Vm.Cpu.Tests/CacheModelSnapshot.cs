using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;
using FsCheck;
using FsCheck.Fluent;

namespace Arm64Vm.Cpu.Tests;

/// <summary>What the exactness properties of the CPU's shortcuts into the cache model compare, and their value generator.</summary>
public static class CacheModelSnapshot
{
    /// <summary>
    /// Everything observable of the model as one string: per cache the tags, each line's LRU stamp, state and
    /// uniqueness, and the data; the statistics; and RAM from <paramref name="at"/> for <paramref name="bytes"/> bytes.
    /// </summary>
    public static string Of(CacheMemorySystem model, Ram ram, ulong at, int bytes)
    {
        var parts = new List<string>();
        foreach (var c in model.AllCaches)
        {
            parts.Add(c.Name + ":" + string.Join(",", c.Tags));
            parts.Add(string.Join(",", c.Lines.Select(l => $"{l.Stamp}/{l.State}/{l.Unique}")));
            parts.Add(Convert.ToHexString(c.Data));
        }
        parts.Add(string.Join(",", model.Statistics.ToDictionary().Select(kv => $"{kv.Key}={kv.Value}")));
        parts.Add(Convert.ToHexString(ram.Span(at, bytes)));
        return string.Join("\n", parts);
    }

    /// <summary>Full-range 64-bit values (FsCheck's default ints stay within +-100).</summary>
    public static readonly Gen<ulong> Word =
        from hi in Gen.Choose(int.MinValue, int.MaxValue)
        from lo in Gen.Choose(int.MinValue, int.MaxValue)
        select ((ulong)(uint)hi << 32) | (uint)lo;
}
