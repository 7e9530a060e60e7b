using System.CommandLine;
using System.Text.Json;
using Arm64Vm.Cli;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>`arm64vm run --hugepages` (rule H11): the option reaches the VMM and the host's totals show 2 MiB blocks.</summary>
[Collection("console")]
public class RunHugePagesTests
{
    private static JsonElement RunRelocate(params string[] extra)
    {
        string stats = Path.Combine(Path.GetTempPath(), $"arm64vm-stats-{Guid.NewGuid():N}.json");
        var oldOut = Console.Out;
        Console.SetOut(new StringWriter());
        try
        {
            var root = new RootCommand { RunCommand.Create() };
            var args = new[] { "run", Path.Combine(RepoPaths.Scenarios, "guests", "bin", "relocate.bin"), "--stats-json", stats }.Concat(extra).ToArray();
            Assert.Equal(0, root.Parse(args).Invoke());
            return JsonDocument.Parse(File.ReadAllText(stats)).RootElement.GetProperty("host").Clone();
        }
        finally
        {
            Console.SetOut(oldOut);
            File.Delete(stats);
        }
    }

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
