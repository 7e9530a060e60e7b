using System.Text.RegularExpressions;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

public static partial class ScenarioBinder
{
    private static IReadOnlyList<Check> BindChecks(YNode body, BindContext ctx)
    {
        var r = ctx.R;
        var map = r.Mapping(body, "expect", ScenarioKeys.Expect.ToArray());
        if (map.Entries.All(e => e.Key.Value is "id" or "when")) throw NodeReader.Error(body, "expect needs at least one expectation");
        var checks = new List<Check>();
        foreach (var (keyNode, value) in map.Entries.Where(e => e.Key.Value is not ("id" or "when")).Select(e => (e.Key, e.Value)))
        {
            string key = keyNode.Value;
            var loc = keyNode.Location;
            switch (key)
            {
                case "console-contains":
                case "console-not-contains":
                    foreach (var item in r.ListOrOne(value, key))
                        checks.Add(new ConsoleCheck(key, item.Location, r.NonEmptyText(item, key), key == "console-contains"));
                    break;
                case "console-matches":
                    foreach (var item in r.ListOrOne(value, key))
                    {
                        string pattern = r.NonEmptyText(item, key);
                        Regex regex;
                        try { regex = new Regex(pattern, RegexOptions.Multiline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2)); }
                        catch (ArgumentException e) { throw NodeReader.Error(item, $"console-matches: bad regular expression: {e.Message}"); }
                        checks.Add(new ConsoleMatchCheck(key, item.Location, regex));
                    }
                    break;
                case "memory":
                    foreach (var item in value.Kind == YNodeKind.Sequence ? value.Items : new[] { value })
                        checks.AddRange(BindMemoryCheck(item, ctx));
                    break;
                case "registers":
                {
                    var m = r.Mapping(value, "registers", ScenarioKeys.RegisterCheck);
                    int vcpu = m.Get("vcpu") is { } v ? ctx.Vcpu(v, "registers.vcpu") : 0;
                    var (x, pc) = Registers(m, r, "registers");
                    if (x.Count == 0 && pc == null) throw NodeReader.Error(value, "registers needs at least one of x0-x30 or pc");
                    foreach (var (reg, val) in x) checks.Add(new RegisterCheck(key, loc, vcpu, reg, val));
                    if (pc is { } p) checks.Add(new RegisterCheck(key, loc, vcpu, -1, p));
                    break;
                }
                case "disk":
                    foreach (var item in value.Kind == YNodeKind.Sequence ? value.Items : new[] { value })
                        checks.Add(BindDiskCheck(item, ctx));
                    break;
                case "exit-status":
                    checks.Add(new ExitStatusCheck(key, loc, (int)r.SignedNumber(value, "exit-status")));
                    break;
                case "migrated-copy-equals-source":
                    checks.Add(new MigrationCheck(key, loc, r.Bool(value, key)));
                    break;
                default:                                                  // "instructions" and every host counter
                    checks.Add(BindRange(key, value, r, loc));
                    break;
            }
        }
        return checks;
    }

    private static CounterCheck BindRange(string key, YNode value, NodeReader r, SourceLocation loc)
    {
        if (value.Kind == YNodeKind.Scalar) return new CounterCheck(key, loc, null, null, r.SignedNumber(value, key));
        var m = r.Mapping(value, key, ScenarioKeys.Range);
        long? min = m.Get("min") is { } mn ? r.SignedNumber(mn, $"{key}.min") : null;
        long? max = m.Get("max") is { } mx ? r.SignedNumber(mx, $"{key}.max") : null;
        long? eq = m.Get("equals") is { } e ? r.SignedNumber(e, $"{key}.equals") : null;
        if (min == null && max == null && eq == null) throw NodeReader.Error(value, $"{key} needs min, max or equals");
        return new CounterCheck(key, loc, min, max, eq);
    }

    private static IEnumerable<Check> BindMemoryCheck(YNode item, BindContext ctx)
    {
        var r = ctx.R;
        var m = r.Mapping(item, "memory", ScenarioKeys.MemoryCheck);
        ulong? at = m.Get("at") is { } a ? r.Number(a, "memory.at") : null;
        var view = m.Get("view") is { } v && r.Word(v, "memory.view", ScenarioKeys.MemoryViews) == "poc" ? MemoryView.Poc : MemoryView.Host;
        ulong? size = m.Get("size") is { } s ? r.Size(s, "memory.size", 1) : null;
        var results = new List<Check>();
        if (m.Get("equals-image") is { } img)
        {
            if (m.Get("equals") != null) throw NodeReader.Error(m, "memory takes 'equals-image' or 'equals', not both");
            var image = ctx.LoadImage(img, "memory.equals-image", at);
            string name = r.Text(img, "memory.equals-image");
            foreach (var run in Runs(image))
            {
                var data = size is { } n && n < (ulong)run.Data.Length ? run.Data[..(int)n] : run.Data;
                results.Add(new MemoryCheck("memory", img.Location, run.At, data, name, view));
            }
            return results;
        }
        var eq = m.Get("equals") ?? throw NodeReader.Error(m, "memory needs 'equals-image' or 'equals'");
        if (!Scalars.TryParseHexBytes(r.Text(eq, "memory.equals"), out var bytes))
            throw NodeReader.Error(eq, "memory.equals must be hex bytes, e.g. \"de ad be ef\"");
        var atNode = r.Required(m, "at", "memory with equals");
        if (size is { } sz && sz != (ulong)bytes.Length)
            throw NodeReader.Error(m.Get("size")!, $"memory.size is {sz} but equals gives {bytes.Length} bytes");
        ctx.CheckRam(atNode, at!.Value, (ulong)bytes.Length, "memory");
        results.Add(new MemoryCheck("memory", eq.Location, at.Value, bytes, $"\"{r.Text(eq, "memory.equals")}\"", view));
        return results;
    }

    /// <summary>Names an expectation may use as a counter: every host counter and "instructions".</summary>
    public static IReadOnlyCollection<string> CounterNames { get; } = HostCounters.Names.Append("instructions").ToArray();
}
