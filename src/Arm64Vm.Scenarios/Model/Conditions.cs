using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

/// <summary>
/// "path: value" conditions on a combination, as an <c>expected</c> row and an expect step's <c>when</c> give them:
/// a dotted path (matrix axis or any value of the file; omitted machine/host values compare with their defaults)
/// and a single value.
/// </summary>
public static class Conditions
{
    /// <summary>One condition; the path must be a matrix axis of <paramref name="doc"/> or have a value in the file.</summary>
    public static Setting Read(YNode key, YNode value, ScenarioDocument doc)
    {
        TreePaths.CheckSyntax(key.Value, key.Location);
        if (value.Kind != YNodeKind.Scalar) throw NodeReader.Error(value, $"{key.Value}: a condition compares single values");
        bool known = doc.Matrix.Any(a => a.Path == key.Value) || TreePaths.EffectiveValue(doc.Root, key.Value) != null;
        if (!known) throw NodeReader.Error(key, $"'{key.Value}' is neither a matrix axis nor set in the file");
        return new Setting(key.Value, value);
    }

    /// <summary>Every condition holds for a combination's tree.</summary>
    public static bool Hold(YNode tree, IEnumerable<Setting> conditions) =>
        conditions.All(c => TreePaths.EffectiveValue(tree, c.Path) is { } v && Scalars.SameValue(v, c.Value.Value));
}
