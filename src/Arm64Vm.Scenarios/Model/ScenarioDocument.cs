using Arm64Vm.Host.Kvm;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

/// <summary>
/// A loaded scenario file: its tree, name and summary, matrix axes, expected rows and sweep. Binding a
/// <see cref="Combination"/> (plus command-line settings) gives the <see cref="ScenarioConfig"/> the runner executes.
/// </summary>
public sealed class ScenarioDocument
{
    private static readonly string[] Results = { "pass", "fail" };

    private ScenarioDocument(string file, YNode root)
    {
        File = file;
        Directory = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        Root = root;
    }

    public string File { get; }
    /// <summary>Paths in the file (images) are relative to this directory.</summary>
    public string Directory { get; }
    public YNode Root { get; }
    public string Name { get; private set; } = "";
    public string Summary { get; private set; } = "";
    public IReadOnlyList<MatrixAxis> Matrix { get; private set; } = Array.Empty<MatrixAxis>();
    public IReadOnlyList<ExpectedRow> Expected { get; private set; } = Array.Empty<ExpectedRow>();
    /// <summary>The ids of the file's expect steps, in step order.</summary>
    public IReadOnlyList<string> ExpectIds { get; private set; } = Array.Empty<string>();
    public SweepSpec? Sweep { get; private set; }

    public static ScenarioDocument Load(string path) => Parse(YamlLoader.LoadFile(path), path);

    public static ScenarioDocument Parse(string text, string path) => Parse(YamlLoader.Load(text, path), path);

    private static ScenarioDocument Parse(YNode root, string path)
    {
        var r = new NodeReader();
        var doc = new ScenarioDocument(path, r.Mapping(root, "the scenario", ScenarioKeys.Root));
        doc.Name = root.Get("name") is { } n ? r.NonEmptyText(n, "name") : Path.GetFileNameWithoutExtension(path);
        doc.Summary = root.Get("summary") is { } s ? r.Text(s, "summary") : "";
        r.Required(root, "guest", "the scenario");
        r.Required(root, "steps", "the scenario");
        if (root.Get("params") is { } p)
            foreach (var e in r.Mapping(p, "params", p.Keys.ToArray()).Entries)
                if (e.Value.Kind != YNodeKind.Scalar) throw NodeReader.Error(e.Value, $"parameter '{e.Key.Value}' must be a single value");
        doc.ExpectIds = ExpectationIds.Read(root, r);
        if (root.Get("matrix") is { } m) doc.Matrix = ReadMatrix(m, r);
        CheckWhenPaths(root, r, doc);
        if (root.Get("expected") is { } x) doc.Expected = ReadExpected(x, r, doc);
        if (root.Get("sweep") is { } sw) doc.Sweep = ReadSweep(sw, r);
        return doc;
    }

    private static IReadOnlyList<MatrixAxis> ReadMatrix(YNode node, NodeReader r)
    {
        var map = r.Mapping(node, "matrix", node.Keys.ToArray());
        var axes = new List<MatrixAxis>();
        foreach (var e in map.Entries)
        {
            TreePaths.CheckSyntax(e.Key.Value, e.Key.Location);
            var values = r.List(e.Value, $"matrix.{e.Key.Value}");
            if (values.Count == 0) throw NodeReader.Error(e.Value, $"matrix.{e.Key.Value} needs at least one value");
            axes.Add(new MatrixAxis(e.Key.Value, e.Key.Location, values));
        }
        return axes;
    }

    private static IReadOnlyList<ExpectedRow> ReadExpected(YNode node, NodeReader r, ScenarioDocument doc)
    {
        var rows = new List<ExpectedRow>();
        foreach (var item in r.List(node, "expected"))
        {
            var map = r.Mapping(item, "an expected row", item.Keys.ToArray());
            bool? pass = null;
            YNode? fails = null, observed = null;
            var conditions = new List<Setting>();
            foreach (var e in map.Entries)
            {
                switch (e.Key.Value)
                {
                    case "result": pass = r.Word(e.Value, "result", Results) == "pass"; continue;
                    case "fails": fails = e.Value; continue;
                    case "observed": observed = e.Value; continue;
                }
                conditions.Add(Conditions.Read(e.Key, e.Value, doc));
            }
            if (pass == null) throw NodeReader.Error(map, "an expected row needs 'result: pass' or 'result: fail'");
            rows.Add(new ExpectedRow(conditions, pass.Value, map.Location, ReadExpectedFailure(map, pass.Value, fails, observed, r, doc)));
        }
        return rows;
    }

    /// <summary>The paths of every expect step's <c>when</c> must name matrix axes or values of the file (the binder evaluates them).</summary>
    private static void CheckWhenPaths(YNode root, NodeReader r, ScenarioDocument doc)
    {
        if (root.Get("steps") is not { Kind: YNodeKind.Sequence } steps) return;
        foreach (var step in steps.Items)
            if (step.Get("expect") is { Kind: YNodeKind.Mapping } expect && expect.Get("when") is { } when)
                foreach (var e in r.Mapping(when, "expect.when", when.Keys.ToArray()).Entries) Conditions.Read(e.Key, e.Value, doc);
    }

    /// <summary>A <c>result: fail</c> row names the expect step that must fail (<c>fails</c>) and may give what it observes.</summary>
    private static ExpectedFailure? ReadExpectedFailure(YNode row, bool pass, YNode? fails, YNode? observed, NodeReader r, ScenarioDocument doc)
    {
        if (pass)
        {
            if ((fails ?? observed) is { } extra)
                throw NodeReader.Error(extra, "'fails' and 'observed' belong to a 'result: fail' row");
            return null;
        }
        if (fails == null)
            throw NodeReader.Error(row, "a 'result: fail' row names the expectation that must fail: 'fails: ID' (the id of an expect step)");
        string id = r.NonEmptyText(fails, "fails");
        if (!doc.ExpectIds.Contains(id))
            throw NodeReader.Error(fails, doc.ExpectIds.Count == 0
                ? $"fails: no expect step has the id '{id}' (give the expect step that must fail an id: - expect: {{ id: {id}, … }})"
                : $"fails: no expect step has the id '{id}' (ids: {string.Join(", ", doc.ExpectIds)})");
        string? seen = observed == null ? null : r.NonEmptyText(observed, "observed");
        return new ExpectedFailure(id, seen, fails.Location);
    }

    private static SweepSpec ReadSweep(YNode node, NodeReader r)
    {
        var map = r.Mapping(node, "sweep", ScenarioKeys.Sweep);
        IReadOnlyList<YNode> Values(string key)
        {
            var values = r.List(r.Required(map, key, "sweep"), $"sweep.{key}");
            if (values.Count == 0) throw NodeReader.Error(map.Get(key)!, $"sweep.{key} needs at least one value");
            return values;
        }
        var memory = Values("memory");
        foreach (var v in memory) r.Size(v, "sweep.memory");
        var workingSet = Values("working-set");
        foreach (var v in workingSet) r.Number(v, "sweep.working-set");
        var policies = map.Get("policies") is { } pn
            ? r.List(pn, "sweep.policies")
            : new[] { YNode.Scalar("kvm", map.Location), YNode.Scalar("eager-flush-on-init", map.Location) };
        foreach (var v in policies) r.Word(v, "sweep.policies", HostPolicy.Names.ToArray());
        string metric = map.Get("metric") is { } mt ? r.Word(mt, "sweep.metric", ScenarioKeys.Metrics.ToArray()) : "lines-cleaned";
        return new SweepSpec(memory, workingSet, policies, metric, map.Location);
    }

    /// <summary>Every combination of the matrix (cartesian product, first axis outermost), fixed axes removed.</summary>
    public IReadOnlyList<Combination> Combinations(IReadOnlyCollection<string>? fixedPaths = null)
    {
        var axes = Matrix.Where(a => fixedPaths == null || !fixedPaths.Contains(a.Path)).ToList();
        var result = new List<Combination> { Combination.Base };
        foreach (var axis in axes)
            result = result.SelectMany(c => axis.Values.Select(v => new Combination(c.Settings.Append(new Setting(axis.Path, v)).ToArray()))).ToList();
        return result;
    }

    /// <summary>The tree of a combination with the command line's settings applied last.</summary>
    public YNode TreeFor(Combination combination, IReadOnlyList<Setting> overrides) =>
        TreePaths.Apply(Root, combination.Settings.Concat(overrides));

    /// <summary>The first <c>expected</c> row whose conditions all hold for a tree (null: every expectation must hold).</summary>
    public ExpectedRow? ExpectedRowFor(YNode tree) => Expected.FirstOrDefault(row => Conditions.Hold(tree, row.Conditions));

    public ScenarioConfig Bind(Combination combination, IReadOnlyList<Setting> overrides) =>
        ScenarioBinder.Bind(TreeFor(combination, overrides), Directory);
}
