using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>TLB fast-write entries and pages that become code after the entry was filled.</summary>
public class MmuCodePageTests
{
    private const uint MovX0_1 = 0xD2800020, MovX0_5 = 0xD28000A0;

    [Fact]
    public void StoreThroughAnEntryFilledBeforeThePageHeldCode_ReachesTheDecodedCode()
    {
        using var h = new CpuHarness();
        var cpu = h.Cpu;
        ulong page = 0x4030_0000;
        cpu.Write(page + 8, 8, 0);                               // fills a TLB entry with fast writes for the page
        cpu.Write(page, 4, MovX0_1);
        cpu.Write(page + 4, 4, CpuHarness.Stop);
        cpu.Pc = page;
        h.RunUntilStop(10);                                      // the page now holds pre-decoded code
        Assert.Equal(1UL, cpu.X(0));
        cpu.Write(page, 4, MovX0_5);                             // a store through the entry filled before
        cpu.Pc = page;
        h.RunUntilStop(10);
        Assert.Equal(5UL, cpu.X(0));
    }
}
