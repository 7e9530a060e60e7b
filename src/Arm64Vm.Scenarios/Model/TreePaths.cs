using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

/// <summary>
/// Dotted paths into a scenario tree ("host.policy", "machine.features.fwb", "steps.0.run.max-instructions",
/// "params.working-set"): looking a value up and building a new tree with values replaced (matrix, sweep, --set).
/// </summary>
public static class TreePaths
{
    /// <summary>Top-level sections a path may start with (name, summary, matrix, expected and sweep are not settable).</summary>
    public static readonly string[] Settable = { "machine", "host", "guest", "steps", "params" };

    /// <summary>Defaults of leaves a file may omit, so <c>expected</c> rows can name them anyway.</summary>
    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>
    {
        ["host.policy"] = "kvm",
        ["machine.cpus"] = "1",
        ["machine.memory"] = "128MiB",
        ["machine.cache-model"] = "state",
        ["machine.seed"] = "1",
        ["machine.hugepages"] = "false",
        ["machine.features.fwb"] = "false",
        ["machine.features.dic"] = "false",
        ["machine.features.idc"] = "false",
    };

    public static string[] Split(string path) => path.Split('.');

    /// <summary>Throws (at <paramref name="where"/>) when a path cannot name a setting.</summary>
    public static void CheckSyntax(string path, SourceLocation where)
    {
        var parts = Split(path);
        if (parts.Any(p => p.Length == 0)) throw new ScenarioException(where, $"'{path}' is not a dotted path (example: host.policy)");
        if (!Settable.Contains(parts[0]))
            throw new ScenarioException(where, $"'{path}' does not start with one of {string.Join(", ", Settable)}");
        if (parts.Length < 2) throw new ScenarioException(where, $"'{path}' names a whole section; name a value inside it (example: host.policy)");
    }

    public static YNode? Lookup(YNode root, string path)
    {
        YNode? node = root;
        foreach (var part in Split(path))
        {
            if (node == null) return null;
            node = node.Kind switch
            {
                YNodeKind.Mapping => node.Get(part),
                YNodeKind.Sequence when int.TryParse(part, out int i) && i >= 0 && i < node.Items.Count => node.Items[i],
                _ => null,
            };
        }
        return node;
    }

    /// <summary>The scalar a combination gives a path: set in the tree, else the documented default, else null.</summary>
    public static string? EffectiveValue(YNode root, string path) =>
        Lookup(root, path) is { Kind: YNodeKind.Scalar } n ? n.Value : Defaults.GetValueOrDefault(path);

    public static YNode Apply(YNode root, IEnumerable<Setting> settings)
    {
        foreach (var s in settings) root = Set(root, Split(s.Path), 0, s.Value, s.Path);
        return root;
    }

    private static YNode Set(YNode node, string[] parts, int i, YNode value, string path)
    {
        if (i == parts.Length) return value;
        string part = parts[i];
        if (node.Kind == YNodeKind.Sequence)
        {
            if (!int.TryParse(part, out int index) || index < 0 || index >= node.Items.Count)
                throw new ScenarioException(value.Location, $"{path}: '{part}' is not an index of the list at {node.Location} (0-{node.Items.Count - 1})");
            var items = node.Items.ToArray();
            items[index] = Set(items[index], parts, i + 1, value, path);
            return YNode.Sequence(items, node.Location);
        }
        if (node.Kind == YNodeKind.Scalar && !node.IsNull)
            throw new ScenarioException(value.Location, $"{path}: {string.Join('.', parts[..i])} is a value, not a mapping");
        var entries = node.Entries.ToList();
        int at = entries.FindIndex(e => e.Key.Value == part);
        var child = at >= 0 ? entries[at].Value : YNode.Mapping(Array.Empty<KeyValuePair<YNode, YNode>>(), value.Location);
        var updated = Set(child, parts, i + 1, value, path);
        if (at >= 0) entries[at] = new(entries[at].Key, updated);
        else entries.Add(new(YNode.Scalar(part, value.Location), updated));
        return YNode.Mapping(entries, node.Location);
    }
}
