using System.Text.Json;
using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Arm64Vm.Scenarios.Yaml;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>specs/scenario.schema.json and the parser agree: same keys per object, bundled scenarios valid for both.</summary>
public class SchemaTests
{
    private static readonly MiniJsonSchema Schema = new(RepoPaths.Schema);

    [Fact]
    public void SchemaDeclaresExactlyTheKeysTheParserKnows()
    {
        var defs = Schema.Root.GetProperty("$defs");
        foreach (var (name, keys) in ScenarioKeys.Objects)
        {
            Assert.True(defs.TryGetProperty(name, out var def), $"$defs/{name} missing");
            var schemaKeys = def.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToArray();
            Assert.Equal(keys.Order().ToArray(), schemaKeys);
            Assert.Equal(JsonValueKind.False, def.GetProperty("additionalProperties").ValueKind);
        }
        // An expected row: its fixed keys are declared; every other key is a dotted path.
        var rowKeys = defs.GetProperty("expected-row").GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(ScenarioKeys.ExpectedRowFixed.Order().ToArray(), rowKeys);
        var metrics = defs.GetProperty("sweep").GetProperty("properties").GetProperty("metric").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()).Order().ToArray();
        Assert.Equal(ScenarioKeys.Metrics.Order().ToArray(), metrics);
    }

    [Fact]
    public void EveryBundledScenarioIsValidForTheSchemaAndTheParser()
    {
        var files = Directory.Exists(RepoPaths.Scenarios) ? Directory.GetFiles(RepoPaths.Scenarios, "*.yaml") : Array.Empty<string>();
        foreach (var file in files)
        {
            var tree = YamlLoader.LoadFile(file);
            Assert.Empty(Schema.Validate(tree));
            var doc = ScenarioDocument.Load(file);
            Assert.True(ScenarioRunner.ValidateAll(doc) > 0);
        }
        // The sample that uses every step kind and most keys must pass both as well.
        using var dir = new ScenarioDir();
        dir.Write("touch.bin", TestGuests.TouchPages());
        string sample = dir.Write("everything.yaml", SampleScenarios.Everything);
        Assert.Empty(Schema.Validate(YamlLoader.LoadFile(sample)));
        Assert.Equal(4, ScenarioRunner.Plan(ScenarioDocument.Load(sample), new RunRequest { Matrix = true }).Count);
    }

    [Theory]
    [InlineData("machine:\n  cpus: 2", "machine:\n  cpus: 2\n  colour: red")]
    [InlineData("l2:  { size: 1MiB, ways: 16, line: 64, replacement: pseudo-random }", "l2:  { size: 1MiB, ways: 16, line: 64, policy: lru }")]
    [InlineData("- reset: {}", "- reset: { hard: true }")]
    [InlineData("- reset: {}", "- reboot: {}")]
    [InlineData("- reset: {}", "- { reset: {}, run: {} }")]
    [InlineData("vcpu-inits: 4", "vcpu-inits: 4\n      cache-misses: 3")]
    [InlineData("metric: lines-cleaned", "metric: lines")]
    [InlineData("host: { policy: kvm }", "host: { policy: kvm-ish }")]
    [InlineData("cache-model: state", "cache-model: on")]
    [InlineData("features: { fwb: false,", "features: { fwb: no,")]
    [InlineData("- run: { until: system-off }", "- run: { until: shutdown }")]
    [InlineData("value: 0 }", "value: zero }")]
    [InlineData("result: fail, fails: after-reboot,", "result: fail,")]
    [InlineData("id: after-reboot", "id: After Reboot")]
    [InlineData("when: { host.policy: kvm }", "when: { policy: kvm }")]
    [InlineData("params.pages: 1, result: pass }", "params.pages: 1, result: pass, fails: after-reboot }")]
    [InlineData("params.pages: 1, result: pass }", "params.pages: 1, result: pass, because: flat }")]
    [InlineData("size: 16, tag: r }", "size: 16, tag: rr }")]
    [InlineData("read-only: false }", "read-only: false, format: qcow2 }")]
    [InlineData("{ drive: 0, at: 0, pattern: r, size: 16 }", "{ drive: 0, at: 0, pattern: r, size: 16, text: x }")]
    [InlineData("{ at: 16, hex: \"00 00\" }", "{ at: 16, hex: \"00 00\", view: poc }")]
    [InlineData("until: [system-reset, instructions]", "until: [system-reset, hang]")]
    public void AMistakeIsRejectedByBothTheSchemaAndTheParser(string original, string broken)
    {
        Assert.Contains(original, SampleScenarios.Everything);
        using var dir = new ScenarioDir();
        dir.Write("touch.bin", TestGuests.TouchPages());
        string file = dir.Write("bad.yaml", SampleScenarios.Everything.Replace(original, broken));
        Assert.NotEmpty(Schema.Validate(YamlLoader.LoadFile(file)));
        Assert.Throws<ScenarioException>(() => ScenarioRunner.ValidateAll(ScenarioDocument.Load(file)));
    }
}
