using System.Text.RegularExpressions;

namespace Arm64Vm.Scenarios.Yaml;

/// <summary>
/// Reads typed values out of <see cref="YNode"/>s with located errors. Scalars may refer to the scenario's
/// <c>params</c> as <c>${name}</c> (the whole scalar or part of it).
/// </summary>
public sealed partial class NodeReader
{
    private readonly IReadOnlyDictionary<string, YNode> _params;

    public NodeReader(IReadOnlyDictionary<string, YNode>? parameters = null) =>
        _params = parameters ?? new Dictionary<string, YNode>();

    [GeneratedRegex(@"\$\{([a-z0-9][a-z0-9-]*)\}")]
    private static partial Regex ParamReference();

    public static ScenarioException Error(YNode node, string message) => new(node.Location, message);

    /// <summary>A mapping whose keys are all in <paramref name="allowed"/> (unknown keys are errors).</summary>
    public YNode Mapping(YNode node, string what, IReadOnlyCollection<string> allowed)
    {
        if (node.IsNull) return YNode.Mapping(Array.Empty<KeyValuePair<YNode, YNode>>(), node.Location);
        if (node.Kind != YNodeKind.Mapping) throw Error(node, $"{what} must be a mapping, not {node.Describe()}");
        foreach (var e in node.Entries)
            if (!allowed.Contains(e.Key.Value))
                throw Error(e.Key, $"unknown key '{e.Key.Value}' in {what} (known: {string.Join(", ", allowed)})");
        return node;
    }

    public YNode Required(YNode mapping, string key, string what) =>
        mapping.Get(key) ?? throw Error(mapping, $"{what} needs '{key}'");

    /// <summary>The scalar's text with ${param} references replaced.</summary>
    public string Text(YNode node, string what)
    {
        if (node.Kind != YNodeKind.Scalar) throw Error(node, $"{what} must be a single value, not {node.Describe()}");
        if (!node.Value.Contains("${", StringComparison.Ordinal)) return node.Value;
        return ParamReference().Replace(node.Value, m =>
        {
            string name = m.Groups[1].Value;
            if (!_params.TryGetValue(name, out var p))
                throw Error(node, $"{what}: unknown parameter ${{{name}}} (declare it under 'params')");
            if (p.Kind != YNodeKind.Scalar) throw Error(p, $"parameter '{name}' must be a single value");
            return p.Value;
        });
    }

    public string NonEmptyText(YNode node, string what)
    {
        string t = Text(node, what);
        if (node.IsNull || t.Length == 0) throw Error(node, $"{what} must not be empty");
        return t;
    }

    public ulong Number(YNode node, string what, ulong min = 0, ulong max = ulong.MaxValue)
    {
        string t = Text(node, what);
        if (Literal(node) || !Scalars.TryParseNumber(t, out ulong v))
            throw Error(node, $"{what} must be a number (decimal or 0x hex), not {Show(node, t)}");
        if (v < min || v > max) throw Error(node, $"{what} must be between {min} and {max}, not {v}");
        return v;
    }

    public int Int(YNode node, string what, int min, int max) => (int)Number(node, what, (ulong)min, (ulong)max);

    public long SignedNumber(YNode node, string what)
    {
        string t = Text(node, what).Trim();
        bool negative = t.StartsWith('-');
        if (Literal(node) || !Scalars.TryParseNumber(negative ? t[1..] : t, out ulong v) || v > long.MaxValue)
            throw Error(node, $"{what} must be a number, not {Show(node, t)}");
        return negative ? -(long)v : (long)v;
    }

    public ulong Size(YNode node, string what, ulong min = 0, ulong max = ulong.MaxValue)
    {
        string t = Text(node, what);
        if (Literal(node) || !Scalars.TryParseSize(t, out ulong v))
            throw Error(node, $"{what} must be a size (examples: 4096, 32KiB, 128MiB, 1GiB, 0x1000), not {Show(node, t)}");
        if (v < min || v > max) throw Error(node, $"{what} must be between {Scalars.FormatSize(min)} and {Scalars.FormatSize(max)}, not {Scalars.FormatSize(v)}");
        return v;
    }

    public bool Bool(YNode node, string what)
    {
        string t = Text(node, what);
        if (Literal(node) || !Scalars.TryParseBool(t, out bool v)) throw Error(node, $"{what} must be true or false, not {Show(node, t)}");
        return v;
    }

    /// <summary>One of a fixed set of words.</summary>
    public string Word(YNode node, string what, IReadOnlyCollection<string> allowed)
    {
        string t = Text(node, what);
        if (!allowed.Contains(t)) throw Error(node, $"{what} must be one of {string.Join(", ", allowed)}, not {Show(node, t)}");
        return t;
    }

    /// <summary>A list, or a single scalar standing for a list of one.</summary>
    public IReadOnlyList<YNode> ListOrOne(YNode node, string what)
    {
        if (node.Kind == YNodeKind.Sequence) return node.Items;
        if (node.Kind == YNodeKind.Scalar && !node.IsNull) return new[] { node };
        throw Error(node, $"{what} must be a value or a list of values, not {node.Describe()}");
    }

    public IReadOnlyList<YNode> List(YNode node, string what)
    {
        if (node.Kind != YNodeKind.Sequence) throw Error(node, $"{what} must be a list, not {node.Describe()}");
        return node.Items;
    }

    /// <summary>A quoted scalar is text, unless it only quotes a ${param} reference (flow mappings need the quotes).</summary>
    private static bool Literal(YNode node) => node.Quoted && !node.Value.Contains("${", StringComparison.Ordinal);

    private static string Show(YNode node, string text) => node.Kind == YNodeKind.Scalar && !node.IsNull ? $"'{text}'" : node.Describe();
}
