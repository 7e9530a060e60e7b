using System.Text.Json;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>`arm64vm run --hugepages` (rule H11): the option reaches the VMM and the host's totals show 2 MiB blocks.</summary>
[Collection("console")]
public class RunHugePagesTests
{
    private static JsonElement RunRelocate(params string[] extra) => RelocateStatsRun.Run(extra).GetProperty("host");

    [Fact]
    public void H11_HugePagesOptionMapsBlocksAndCleansWholeBlocks()
    {
        var pages = RunRelocate();
        var blocks = RunRelocate("--hugepages");
        Assert.Equal(0, pages.GetProperty("blocks-mapped").GetInt64());
        Assert.True(blocks.GetProperty("blocks-mapped").GetInt64() > 0);
        Assert.True(blocks.GetProperty("stage2-faults").GetInt64() < pages.GetProperty("stage2-faults").GetInt64());
        Assert.Equal(0, blocks.GetProperty("lines-cleaned").GetInt64() % 32768);
    }
}
