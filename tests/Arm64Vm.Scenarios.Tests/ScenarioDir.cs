using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>A temporary directory holding a scenario file and its guest images.</summary>
internal sealed class ScenarioDir : IDisposable
{
    public ScenarioDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "arm64vm-scen-" + Guid.NewGuid().ToString("N")[..12]);

    public string Write(string name, string text)
    {
        string file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text.Replace("\r\n", "\n"));
        return file;
    }

    public string Write(string name, byte[] bytes)
    {
        string file = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(file, bytes);
        return file;
    }

    public ScenarioDocument Load(string name, string yaml) => ScenarioDocument.Load(Write(name, yaml));

    public static IReadOnlyList<CombinationResult> Run(ScenarioDocument doc, bool matrix = false, params string[] sets) =>
        ScenarioRunner.RunAll(doc, new RunRequest { Matrix = matrix, Overrides = sets.Select(s => RunRequest.ParseSetting(s)).ToArray() });

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
