using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>`arm64vm run --stats-json`: the run's figures, with the part of its seconds the .NET JIT took.</summary>
[Collection("console")]
public class RunStatsJsonTests
{
    [Fact]
    public void StatsJsonReportsTheJitShareOfTheRunsSeconds()
    {
        var json = RelocateStatsRun.Run();
        double seconds = json.GetProperty("seconds").GetDouble();
        double jit = json.GetProperty("jitSeconds").GetDouble();
        Assert.True(json.GetProperty("instructions").GetInt64() > 0);
        // A part of the run's seconds: the JIT time of the thread that ran the guest, between the run's start and end.
        Assert.InRange(jit, 0, seconds);
    }
}
