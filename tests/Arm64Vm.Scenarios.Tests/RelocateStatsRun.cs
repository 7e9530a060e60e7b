using System.CommandLine;
using System.Text.Json;
using Arm64Vm.Cli;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>`arm64vm run relocate.bin --stats-json FILE` in-process (tests in the "console" collection): the JSON's root.</summary>
internal static class RelocateStatsRun
{
    public static JsonElement Run(params string[] extra)
    {
        string stats = Path.Combine(Path.GetTempPath(), $"arm64vm-stats-{Guid.NewGuid():N}.json");
        var oldOut = Console.Out;
        Console.SetOut(new StringWriter());
        try
        {
            var root = new RootCommand { RunCommand.Create() };
            var args = new[] { "run", Path.Combine(RepoPaths.Scenarios, "guests", "bin", "relocate.bin"), "--stats-json", stats }.Concat(extra).ToArray();
            Assert.Equal(0, root.Parse(args).Invoke());
            return JsonDocument.Parse(File.ReadAllText(stats)).RootElement.Clone();
        }
        finally
        {
            Console.SetOut(oldOut);
            File.Delete(stats);
        }
    }
}
