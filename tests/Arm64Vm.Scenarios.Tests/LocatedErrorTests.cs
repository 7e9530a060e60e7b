using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Arm64Vm.Scenarios.Yaml;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>Bad input names file:line:column and what is wrong.</summary>
public class LocatedErrorTests
{
    private const string Good = """
        name: t
        machine: { memory: 2MiB }
        guest: { image: off.bin }
        steps:
          - run: { until: system-off }
          - expect: { console-contains: "off" }
        """;

    private static ScenarioException Error(string yaml)
    {
        using var dir = new ScenarioDir();
        dir.Write("off.bin", TestGuests.HelloOff());
        string file = dir.Write("s.yaml", yaml);
        var e = Assert.Throws<ScenarioException>(() => ScenarioRunner.ValidateAll(ScenarioDocument.Load(file)));
        Assert.Equal(file, e.Location.File);
        return e;
    }

    [Theory]
    [InlineData("  - run: { until: system-off }", "  - run: { until: system-off, max: 5 }", 5, 31, "unknown key 'max' in run")]
    [InlineData("machine: { memory: 2MiB }", "machine: { memory: lots }", 2, 20, "machine.memory must be a size")]
    [InlineData("machine: { memory: 2MiB }", "machine: { memory: 2MiB, cpus: 9 }", 2, 32, "machine.cpus must be between 1 and 8")]
    [InlineData("guest: { image: off.bin }", "guest: { image: missing.bin }", 3, 17, "guest.image 'missing.bin': file not found")]
    [InlineData("guest: { image: off.bin }", "guest: { image: off.bin, load: 0x80000000 }", 3, 17, "lies outside guest RAM")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - host-fill: { at: 0x40200000, size: 16 }", 6, 22, "host-fill: 0x40200000+0x10 lies outside guest RAM")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - expect: { memory: { at: 0x40000000, equals: \"zz\" } }", 6, 49, "memory.equals must be hex bytes")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - expect: { stage2-faults: { least: 1 } }", 6, 32, "unknown key 'least' in stage2-faults")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - expect: { console-matches: \"(\" }", 6, 32, "bad regular expression")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - vcpu-init: { vcpu: 1 }", 6, 24, "vcpu-init.vcpu must be between 0 and 0")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - dirty-log: { enable: true, initially-set: true }", 6, 47, "dirty-log.initially-set needs manual-protect: true")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - set-registers: { x31: 1 }", 6, 22, "unknown key 'x31'")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - run: { until: \"${when}\" }", 6, 19, "unknown parameter ${when}")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - expect: {}", 6, 13, "expect needs at least one expectation")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - { run: {}, expect: { console-contains: x } }", 6, 5, "exactly one of")]
    [InlineData("name: t", "name: t\nname: u", 2, 1, "duplicate key 'name' (first at line 1)")]
    [InlineData("name: t", "name: t\nmatrix: { host.policy: kvm }", 2, 24, "matrix.host.policy must be a list")]
    [InlineData("name: t", "name: t\nmatrix: { colour: [red] }", 2, 11, "does not start with one of")]
    [InlineData("name: t", "name: t\nmatrix: { host.policy: [kvm, kvvm] }", 2, 30, "host.policy must be one of")]
    [InlineData("name: t", "name: t\nexpected: [ { host.policy: kvm } ]", 2, 13, "needs 'result: pass' or 'result: fail'")]
    [InlineData("name: t", "name: t\nexpected: [ { machine.features.dic: true, result: maybe } ]", 2, 51, "result must be one of pass, fail")]
    [InlineData("name: t", "name: t\nexpected: [ { guest.image.size: 3, result: pass } ]", 2, 15, "neither a matrix axis nor set in the file")]
    [InlineData("name: t", "name: t\nsteps: []", 5, 1, "duplicate key 'steps' (first at line 2)")]
    [InlineData("name: t", "name: t\nexpected: [ { host.policy: kvm, result: fail } ]", 2, 13, "a 'result: fail' row names the expectation that must fail: 'fails: ID'")]
    [InlineData("name: t", "name: t\nexpected: [ { result: fail, fails: nope } ]", 2, 36, "fails: no expect step has the id 'nope'")]
    [InlineData("name: t", "name: t\nexpected: [ { result: pass, fails: x } ]", 2, 36, "'fails' and 'observed' belong to a 'result: fail' row")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - expect: { id: a, console-contains: \"off\" }\n  - expect: { id: a, console-contains: x }", 7, 19, "expect.id 'a' is already the id of the expect step at")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - expect: { id: Boot_2, console-contains: \"off\" }", 6, 19, "expect.id must be a kebab-case word")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - expect: { id: a }", 6, 13, "expect needs at least one expectation")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - expect: { when: { machine.colour: red }, console-contains: x }", 6, 23, "'machine.colour' is neither a matrix axis nor set in the file")]
    [InlineData("  - expect: { console-contains: \"off\" }", "  - expect: { when: { host.policy: [kvm] }, console-contains: x }", 6, 36, "host.policy: a condition compares single values")]
    [InlineData("machine: { memory: 2MiB }", "machine: { memory: 2MiB, caches: { l2: { size: 1000KiB, ways: 16 } } }", 2, 40, "not a power-of-two number")]
    [InlineData("machine: { memory: 2MiB }", "machine: { memory: 2MiB, caches: { l1d: { line: 32 } } }", 2, 49, "only 64-byte lines")]
    [InlineData("machine: { memory: 2MiB }", "machine: { memory: 2MiB, features: { fwb: yes } }", 2, 43, "machine.features.fwb must be true or false")]
    [InlineData("machine: { memory: 2MiB }", "machine: { memory: 2MiB, features: { fwb: \"true\" } }", 2, 43, "must be true or false")]
    [InlineData("machine: { memory: 2MiB }", "machine: [ 2MiB ]", 2, 10, "machine must be a mapping, not a list")]
    [InlineData("machine: { memory: 2MiB }", "machine: { memory: 2MiB", 2, 18, "YAML syntax")]
    public void ErrorsAreLocated(string original, string broken, int line, int column, string message)
    {
        Assert.Contains(original, Good);
        var e = Error(Good.Replace(original, broken));
        Assert.Contains(message, e.Reason);
        Assert.Equal((line, column), ((int)e.Location.Line, (int)e.Location.Column));
        Assert.StartsWith($"{e.Location.File}:{line}:{column}: ", e.Message);
    }

    [Fact]
    public void MissingSectionsAndEmptyFiles()
    {
        Assert.Contains("the scenario needs 'steps'", Error("guest: { image: off.bin }\n").Reason);
        Assert.Contains("the file is empty", Error("").Reason);
        Assert.Contains("the scenario must be a mapping", Error("- a\n- b\n").Reason);
        Assert.Contains("only one YAML document", Error(Good + "\n---\nname: again\n").Reason);
    }

    [Fact]
    public void CommandLineSettingsAreLocatedAtTheOption()
    {
        using var dir = new ScenarioDir();
        dir.Write("off.bin", TestGuests.HelloOff());
        var doc = dir.Load("s.yaml", Good);
        var e = Assert.Throws<ScenarioException>(() => ScenarioRunner.Plan(doc, new RunRequest { Overrides = new[] { RunRequest.ParseSetting("machine.cpus=twelve") } }));
        Assert.Equal("--set machine.cpus=twelve: machine.cpus must be a number (decimal or 0x hex), not 'twelve'", e.Message);
        Assert.Throws<ScenarioException>(() => RunRequest.ParseSetting("policy"));
        Assert.Contains("does not start with", Assert.Throws<ScenarioException>(() => RunRequest.ParseSetting("colour=red")).Message);
        var policy = Assert.Throws<ScenarioException>(() => ScenarioRunner.Plan(doc, new RunRequest { Overrides = new[] { RunRequest.ParseSetting("host.policy=nope", "--policy") } }));
        Assert.StartsWith("--policy host.policy=nope: host.policy must be one of kvm, ", policy.Message);
    }
}
