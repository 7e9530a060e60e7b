namespace Arm64Vm.Scenarios.Yaml;

public enum YNodeKind { Scalar, Mapping, Sequence }

/// <summary>
/// A YAML node with its source location: a scalar (text and whether it was quoted), a mapping (ordered key/value
/// entries, keys unique) or a sequence. Immutable; overrides build new trees that share unchanged nodes.
/// </summary>
public sealed class YNode
{
    private YNode(YNodeKind kind, SourceLocation location, string? value, bool quoted,
        IReadOnlyList<KeyValuePair<YNode, YNode>>? entries, IReadOnlyList<YNode>? items)
    {
        Kind = kind;
        Location = location;
        Value = value ?? "";
        Quoted = quoted;
        Entries = entries ?? Array.Empty<KeyValuePair<YNode, YNode>>();
        Items = items ?? Array.Empty<YNode>();
    }

    public YNodeKind Kind { get; }
    public SourceLocation Location { get; }
    /// <summary>A scalar's text ("" for mappings and sequences).</summary>
    public string Value { get; }
    /// <summary>A scalar written in quotes (so "true" is text, not a boolean).</summary>
    public bool Quoted { get; }
    public IReadOnlyList<KeyValuePair<YNode, YNode>> Entries { get; }
    public IReadOnlyList<YNode> Items { get; }

    public bool IsNull => Kind == YNodeKind.Scalar && !Quoted && Value is "" or "~" or "null" or "Null" or "NULL";

    public static YNode Scalar(string value, SourceLocation location, bool quoted = false) =>
        new(YNodeKind.Scalar, location, value, quoted, null, null);

    public static YNode Mapping(IReadOnlyList<KeyValuePair<YNode, YNode>> entries, SourceLocation location) =>
        new(YNodeKind.Mapping, location, null, false, entries, null);

    public static YNode Sequence(IReadOnlyList<YNode> items, SourceLocation location) =>
        new(YNodeKind.Sequence, location, null, false, null, items);

    /// <summary>The value of a mapping's key, or null.</summary>
    public YNode? Get(string key)
    {
        foreach (var e in Entries) if (e.Key.Value == key) return e.Value;
        return null;
    }

    public IEnumerable<string> Keys => Entries.Select(e => e.Key.Value);

    public string Describe() => Kind switch
    {
        YNodeKind.Scalar => IsNull ? "nothing" : $"'{Value}'",
        YNodeKind.Mapping => "a mapping",
        _ => "a list",
    };

    public override string ToString() => Kind switch
    {
        YNodeKind.Scalar => Value,
        YNodeKind.Mapping => "{ " + string.Join(", ", Entries.Select(e => $"{e.Key.Value}: {e.Value}")) + " }",
        _ => "[" + string.Join(", ", Items) + "]",
    };
}
