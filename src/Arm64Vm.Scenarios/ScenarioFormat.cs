namespace Arm64Vm.Scenarios;

/// <summary>
/// Version of the scenario file format (specs/scenario.schema.json). The YAML model and runner live in this
/// project; the CLI's "scenario" commands call into it.
/// </summary>
public static class ScenarioFormat
{
    public const int Version = 1;
}
