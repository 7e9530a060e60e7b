using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Arm64Vm.Scenarios.Yaml;

/// <summary>
/// Reads one YAML document into a <see cref="YNode"/> tree with file:line:column on every node, from YamlDotNet's
/// event parser (anchors and aliases resolved; duplicate keys, tags and multiple documents rejected).
/// </summary>
public static class YamlLoader
{
    public static YNode LoadFile(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException(new SourceLocation(path, 0, 0), e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : e.Message);
        }
        return Load(text, path);
    }

    public static YNode Load(string text, string fileName)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, YNode>();
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
                throw new ScenarioException(new SourceLocation(fileName, 1, 1), "the file is empty");
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, fileName, anchors);
            parser.Consume<DocumentEnd>();
            if (!parser.TryConsume<StreamEnd>(out _))
                throw new ScenarioException(Loc(fileName, parser.Current!.Start), "only one YAML document per file");
            return root;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some unterminated flow collections; report where parsing stopped.
            var mark = parser.Current?.End ?? Mark.Empty;
            throw new ScenarioException(new SourceLocation(fileName, Math.Max(1, mark.Line), Math.Max(1, mark.Column)),
                "YAML syntax: unterminated or malformed flow collection ({ } or [ ])");
        }
        catch (YamlException e)
        {
            string message = e.InnerException?.Message ?? e.Message;
            int paren = message.IndexOf("): ", StringComparison.Ordinal);
            if (message.StartsWith("(Line", StringComparison.Ordinal) && paren > 0) message = message[(paren + 3)..];
            throw new ScenarioException(Loc(fileName, e.Start), $"YAML syntax: {message}");
        }
    }

    private static SourceLocation Loc(string file, Mark mark) => new(file, mark.Line, mark.Column);

    private static YNode ReadNode(IParser parser, string file, Dictionary<string, YNode> anchors)
    {
        var ev = parser.Current ?? throw new ScenarioException(new SourceLocation(file, 0, 0), "unexpected end of the YAML stream");
        var loc = Loc(file, ev.Start);
        if (ev is AnchorAlias alias)
        {
            parser.MoveNext();
            return anchors.TryGetValue(alias.Value.Value, out var target)
                ? target
                : throw new ScenarioException(loc, $"unknown alias *{alias.Value.Value}");
        }
        if (ev is NodeEvent { Tag.IsEmpty: false } tagged && tagged.Tag.Value is not ("!" or "tag:yaml.org,2002:str"))
            throw new ScenarioException(loc, $"YAML tags ({tagged.Tag.Value}) are not used in scenario files");
        YNode node;
        switch (ev)
        {
            case Scalar s:
                parser.MoveNext();
                node = YNode.Scalar(s.Value, loc, s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded);
                break;
            case SequenceStart:
            {
                parser.MoveNext();
                var items = new List<YNode>();
                while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode(parser, file, anchors));
                node = YNode.Sequence(items, loc);
                break;
            }
            case MappingStart:
            {
                parser.MoveNext();
                var entries = new List<KeyValuePair<YNode, YNode>>();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = ReadNode(parser, file, anchors);
                    if (key.Kind != YNodeKind.Scalar) throw new ScenarioException(key.Location, "mapping keys must be plain words");
                    if (key.Value == "<<") throw new ScenarioException(key.Location, "merge keys (<<) are not supported");
                    foreach (var e in entries)
                        if (e.Key.Value == key.Value)
                            throw new ScenarioException(key.Location, $"duplicate key '{key.Value}' (first at line {e.Key.Location.Line})");
                    var value = ReadNode(parser, file, anchors);
                    entries.Add(new(key, value));
                }
                node = YNode.Mapping(entries, loc);
                break;
            }
            default:
                throw new ScenarioException(loc, $"unexpected YAML event {ev.GetType().Name}");
        }
        if (ev is NodeEvent { Anchor.IsEmpty: false } anchored) anchors[anchored.Anchor.Value] = node;
        return node;
    }
}
