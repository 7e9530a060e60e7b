using System.CommandLine;
using System.Text.Json;
using Arm64Vm.Cli;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>`arm64vm run --stats-json`: the run's figures, with the part of its seconds the .NET JIT took.</summary>
[Collection("console")]
public class RunStatsJsonTests
{
    [Fact]
    public void StatsJsonReportsTheJitShareOfTheRunsSeconds()
    {
        string stats = Path.Combine(Path.GetTempPath(), $"arm64vm-stats-{Guid.NewGuid():N}.json");
        var oldOut = Console.Out;
        Console.SetOut(new StringWriter());
        try
        {
            var root = new RootCommand { RunCommand.Create() };
            string guest = Path.Combine(RepoPaths.Scenarios, "guests", "bin", "relocate.bin");
            Assert.Equal(0, root.Parse(new[] { "run", guest, "--stats-json", stats }).Invoke());
            var json = JsonDocument.Parse(File.ReadAllText(stats)).RootElement;
            double seconds = json.GetProperty("seconds").GetDouble();
            double jit = json.GetProperty("jitSeconds").GetDouble();
            Assert.True(json.GetProperty("instructions").GetInt64() > 0);
            // A part of the run's seconds: the JIT time of the thread that ran the guest, between the run's start and end.
            Assert.InRange(jit, 0, seconds);
        }
        finally
        {
            Console.SetOut(oldOut);
            File.Delete(stats);
        }
    }
}
