using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>
/// A validator for the subset of JSON Schema 2020-12 that specs/scenario.schema.json uses ($ref to $defs, type,
/// enum, const, properties, additionalProperties, required, propertyNames, min/maxProperties, items, minItems,
/// maxItems, anyOf, oneOf, pattern, minLength, minimum, maximum), applied to YAML trees with YAML 1.2 core-schema scalar typing
/// (what yaml-language-server does). An unknown keyword is an error, so the subset cannot silently grow.
/// </summary>
internal sealed class MiniJsonSchema
{
    private static readonly HashSet<string> Annotations = new() { "$schema", "$id", "$defs", "title", "description", "default", "examples" };
    private readonly JsonElement _root;

    public MiniJsonSchema(string path) => _root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    public JsonElement Root => _root;

    public List<string> Validate(YNode instance)
    {
        var errors = new List<string>();
        Check(_root, instance, "$", errors);
        return errors;
    }

    /// <summary>YAML 1.2 core schema: the JSON type of a scalar.</summary>
    public static string TypeOf(YNode n)
    {
        if (n.Kind == YNodeKind.Mapping) return "object";
        if (n.Kind == YNodeKind.Sequence) return "array";
        if (n.Quoted) return "string";
        if (n.IsNull) return "null";
        if (n.Value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE") return "boolean";
        if (Regex.IsMatch(n.Value, "^[-+]?[0-9]+$") || Regex.IsMatch(n.Value, "^0x[0-9a-fA-F]+$") || Regex.IsMatch(n.Value, "^0o[0-7]+$")) return "integer";
        if (Regex.IsMatch(n.Value, @"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")) return "number";
        return "string";
    }

    private static double NumberOf(YNode n) =>
        n.Value.StartsWith("0x", StringComparison.Ordinal) ? Convert.ToUInt64(n.Value[2..], 16) : double.Parse(n.Value, CultureInfo.InvariantCulture);

    private JsonElement Resolve(string reference)
    {
        if (!reference.StartsWith("#/$defs/", StringComparison.Ordinal)) throw new NotSupportedException($"$ref {reference}");
        return _root.GetProperty("$defs").GetProperty(reference["#/$defs/".Length..]);
    }

    private void Check(JsonElement schema, YNode node, string at, List<string> errors)
    {
        string type = TypeOf(node);
        foreach (var kw in schema.EnumerateObject())
        {
            var v = kw.Value;
            switch (kw.Name)
            {
                case "$ref": Check(Resolve(v.GetString()!), node, at, errors); break;
                case "type":
                {
                    var allowed = v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(e => e.GetString()!).ToList() : new List<string> { v.GetString()! };
                    bool ok = allowed.Contains(type) || (type == "integer" && allowed.Contains("number"));
                    if (!ok) errors.Add($"{at} ({node.Location}): {type} is not {string.Join("|", allowed)}");
                    break;
                }
                case "enum":
                    if (!v.EnumerateArray().Any(e => Same(e, node))) errors.Add($"{at} ({node.Location}): '{node.Value}' is not in the enum");
                    break;
                case "const":
                    if (!Same(v, node)) errors.Add($"{at} ({node.Location}): '{node.Value}' is not {v}");
                    break;
                case "properties":
                    if (type != "object") break;
                    foreach (var p in v.EnumerateObject())
                        if (node.Get(p.Name) is { } child) Check(p.Value, child, $"{at}.{p.Name}", errors);
                    break;
                case "additionalProperties":
                    if (type != "object") break;
                    var known = schema.TryGetProperty("properties", out var props) ? props.EnumerateObject().Select(p => p.Name).ToHashSet() : new HashSet<string>();
                    foreach (var e in node.Entries.Where(e => !known.Contains(e.Key.Value)))
                    {
                        if (v.ValueKind == JsonValueKind.False) errors.Add($"{at} ({e.Key.Location}): unknown key '{e.Key.Value}'");
                        else if (v.ValueKind == JsonValueKind.Object) Check(v, e.Value, $"{at}.{e.Key.Value}", errors);
                    }
                    break;
                case "required":
                    if (type != "object") break;
                    foreach (var r in v.EnumerateArray())
                        if (node.Get(r.GetString()!) == null) errors.Add($"{at} ({node.Location}): missing '{r.GetString()}'");
                    break;
                case "propertyNames":
                    if (type != "object") break;
                    foreach (var e in node.Entries) Check(v, e.Key, $"{at}[key {e.Key.Value}]", errors);
                    break;
                case "minProperties":
                    if (type == "object" && node.Entries.Count < v.GetInt32()) errors.Add($"{at} ({node.Location}): fewer than {v} keys");
                    break;
                case "maxProperties":
                    if (type == "object" && node.Entries.Count > v.GetInt32()) errors.Add($"{at} ({node.Location}): more than {v} keys");
                    break;
                case "items":
                    if (type == "array") for (int i = 0; i < node.Items.Count; i++) Check(v, node.Items[i], $"{at}[{i}]", errors);
                    break;
                case "minItems":
                    if (type == "array" && node.Items.Count < v.GetInt32()) errors.Add($"{at} ({node.Location}): fewer than {v} items");
                    break;
                case "maxItems":
                    if (type == "array" && node.Items.Count > v.GetInt32()) errors.Add($"{at} ({node.Location}): more than {v} items");
                    break;
                case "anyOf":
                case "oneOf":
                {
                    int matches = v.EnumerateArray().Count(s => { var e = new List<string>(); Check(s, node, at, e); return e.Count == 0; });
                    if (matches == 0 || (kw.Name == "oneOf" && matches > 1))
                        errors.Add($"{at} ({node.Location}): {node.Describe()} matches {matches} of the {kw.Name} alternatives");
                    break;
                }
                case "not":
                {
                    var e = new List<string>();
                    Check(v, node, at, e);
                    if (e.Count == 0) errors.Add($"{at} ({node.Location}): {node.Describe()} matches what 'not' excludes");
                    break;
                }
                case "pattern":
                    if (type == "string" && !Regex.IsMatch(node.Value, v.GetString()!)) errors.Add($"{at} ({node.Location}): '{node.Value}' does not match {v}");
                    break;
                case "minLength":
                    if (type == "string" && node.Value.Length < v.GetInt32()) errors.Add($"{at} ({node.Location}): shorter than {v}");
                    break;
                case "minimum":
                    if (type is "integer" or "number" && NumberOf(node) < v.GetDouble()) errors.Add($"{at} ({node.Location}): below {v}");
                    break;
                case "maximum":
                    if (type is "integer" or "number" && NumberOf(node) > v.GetDouble()) errors.Add($"{at} ({node.Location}): above {v}");
                    break;
                default:
                    if (!Annotations.Contains(kw.Name)) throw new NotSupportedException($"schema keyword '{kw.Name}' is outside the validator's subset");
                    break;
            }
        }
    }

    private static bool Same(JsonElement e, YNode node) => e.ValueKind switch
    {
        JsonValueKind.String => TypeOf(node) == "string" && node.Value == e.GetString(),
        JsonValueKind.Number => TypeOf(node) == "integer" && NumberOf(node) == e.GetDouble(),
        JsonValueKind.True => TypeOf(node) == "boolean" && node.Value.ToLowerInvariant() == "true",
        JsonValueKind.False => TypeOf(node) == "boolean" && node.Value.ToLowerInvariant() == "false",
        _ => false,
    };
}
