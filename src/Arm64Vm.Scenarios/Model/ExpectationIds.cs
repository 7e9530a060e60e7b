using System.Text.RegularExpressions;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

/// <summary>
/// The ids of a file's <c>expect</c> steps (<c>- expect: { id: boot-2, … }</c>): kebab-case words, unique in the file.
/// An <c>expected</c> row names the expectation that must fail by one of them (<c>fails: boot-2</c>).
/// </summary>
public static partial class ExpectationIds
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex Syntax();

    /// <summary>Every id in the file's steps, in order; a malformed or repeated id is a located error.</summary>
    public static IReadOnlyList<string> Read(YNode root, NodeReader r)
    {
        var ids = new Dictionary<string, SourceLocation>();
        if (root.Get("steps") is not { Kind: YNodeKind.Sequence } steps) return Array.Empty<string>();
        foreach (var step in steps.Items)
        {
            if (step.Get("expect") is not { Kind: YNodeKind.Mapping } expect || expect.Get("id") is not { } node) continue;
            string id = r.Text(node, "expect.id");
            if (!Syntax().IsMatch(id)) throw NodeReader.Error(node, $"expect.id must be a kebab-case word (example: boot-2), not '{id}'");
            if (ids.TryGetValue(id, out var first)) throw NodeReader.Error(node, $"expect.id '{id}' is already the id of the expect step at {first}");
            ids[id] = node.Location;
        }
        return ids.Keys.ToList();
    }
}
