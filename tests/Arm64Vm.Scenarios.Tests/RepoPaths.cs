namespace Arm64Vm.Scenarios.Tests;

internal static class RepoPaths
{
    /// <summary>The repository root (the directory holding Arm64Vm.sln).</summary>
    public static string Root { get; } = Find();

    public static string Schema => Path.Combine(Root, "specs", "scenario.schema.json");
    public static string Scenarios => Path.Combine(Root, "scenarios");

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Arm64Vm.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Arm64Vm.sln not found above the test directory");
    }
}
