using Xunit;
using static Arm64Vm.Cpu.Tests.Debug.DebugHarness;

namespace Arm64Vm.Cpu.Tests.Debug;

/// <summary>DBG-6, DBG-8, DBG-10 for watchpoints (specs/debug.md).</summary>
public class WatchpointTests
{
    private const ulong Data = CpuHarness.DataBase;
    private const int Load = 0b01, Store = 0b10, Both = 0b11;

    private static CpuHarness Watching(ulong wvr, ulong wcr, ulong mdscr = Mde | Kde)
    {
        var h = Create(mdscr);
        h.Cpu.SysRegs.Set("DBGWVR2_EL1", wvr);
        h.Cpu.SysRegs.Set("DBGWCR2_EL1", wcr);
        return h;
    }

    /// <summary>Two ADDs, then the access at X2 (X1 = the value stored), then two more ADDs.</summary>
    private static void Access(CpuHarness h, uint access, ulong address)
    {
        h.Cpu.SetX(1, 0x1122_3344_5566_7788);
        h.Cpu.SetX(2, address);
        h.RunProgram(AddX0, AddX0, access, AddX0, AddX0);
    }

    [Fact]
    public void DBG6_StoreWatchpointStopsTheStoreWithWnrAndTheFirstWatchedByteInFar()
    {
        using var h = Watching(Data, Wcr(Store, bas: 0b0010_0000));   // byte 5 of the doubleword
        Access(h, StrX1X2, Data);
        Assert.Equal(DebugExceptionClass.WatchpointSameEl, Ec(h.Cpu.X(20)));
        Assert.Equal(0x22u | 1u << 6, Iss(h.Cpu.X(20)));
        Assert.Equal(CpuHarness.CodeBase + 8, h.Cpu.X(21));
        Assert.Equal(Data + 5, h.Cpu.X(22));
        Assert.Equal(0UL, h.Ram.ReadRaw(Data, 8));          // the store was not made
        Assert.Equal(2UL, h.Cpu.X(0));
        Assert.Equal(2UL + 5, h.Cpu.Retired);               // the watched STR does not retire (DBG-10)
    }

    [Theory]
    [InlineData(Load, false, true)]
    [InlineData(Store, true, false)]
    [InlineData(Both, true, true)]
    public void DBG6_LscSelectsLoadsAndStores(int lsc, bool storeHits, bool loadHits)
    {
        using var store = Watching(Data, Wcr(lsc));
        Access(store, StrX1X2, Data);
        Assert.Equal(storeHits, Ec(store.Cpu.X(20)) == DebugExceptionClass.WatchpointSameEl);
        using var load = Watching(Data, Wcr(lsc));
        Access(load, LdrX3X2, Data);
        Assert.Equal(loadHits, Ec(load.Cpu.X(20)) == DebugExceptionClass.WatchpointSameEl);
        if (loadHits) Assert.Equal(0x22u, Iss(load.Cpu.X(20)));   // WnR = 0
    }

    [Theory]
    [InlineData(0b0000_0001, 0, true)]
    [InlineData(0b0000_0001, 1, false)]
    [InlineData(0b1000_0000, 7, true)]
    [InlineData(0b1000_0000, 6, false)]
    public void DBG6_BasSelectsBytesOfTheDoubleword(int bas, int offset, bool hits)
    {
        using var h = Watching(Data, Wcr(Store, bas: bas));
        Access(h, StrbW1X2, Data + (ulong)offset);
        Assert.Equal(hits, Ec(h.Cpu.X(20)) == DebugExceptionClass.WatchpointSameEl);
        if (hits) Assert.Equal(Data + (ulong)offset, h.Cpu.X(22));
    }

    [Fact]
    public void DBG6_WordAlignedValueUsesTheLowFourBasBits()
    {
        using var h = Watching(Data + 4, Wcr(Store, bas: 0b0000_0010));   // byte 1 of the word at Data + 4
        Access(h, StrX1X2, Data);
        Assert.Equal(Data + 5, h.Cpu.X(22));
    }

    [Theory]
    [InlineData(0x1F8, true)]
    [InlineData(0x100, true)]
    [InlineData(0x200, false)]
    [InlineData(0x0F8, false)]
    public void DBG6_MaskWatchesAnAlignedPowerOfTwoBlock(int offset, bool hits)
    {
        using var h = Watching(Data + 0x100, Wcr(Both, mask: 8));
        Access(h, LdrX3X2, Data + (ulong)offset);
        Assert.Equal(hits, Ec(h.Cpu.X(20)) == DebugExceptionClass.WatchpointSameEl);
        if (hits) Assert.Equal(Data + (ulong)offset, h.Cpu.X(22));
    }

    [Fact]
    public void DBG6_ReservedMaskOneOrTwoMatchesNothing()
    {
        using var h = Watching(Data, Wcr(Both, mask: 2));
        Access(h, LdrX3X2, Data);
        Assert.Equal(4UL, h.Cpu.X(0));
    }

    [Fact]
    public void DBG6_UnprivilegedLoadIsMatchedAsAnEl0Access()
    {
        using var el0Only = Watching(Data, Wcr(Load, pac: 0b10));
        Access(el0Only, LdtrX3X2, Data);
        Assert.Equal(DebugExceptionClass.WatchpointSameEl, Ec(el0Only.Cpu.X(20)));
        using var el1Only = Watching(Data, Wcr(Load, pac: 0b01));
        Access(el1Only, LdtrX3X2, Data);
        Assert.Equal(4UL, el1Only.Cpu.X(0));
    }

    [Theory]
    [InlineData(Kde, false)]           // MDE clear
    [InlineData(Mde, false)]           // KDE clear at EL1
    [InlineData(Mde | Kde, true)]
    public void DBG4_WatchpointsNeedMdeAndKdeAtEl1(ulong mdscr, bool hits)
    {
        using var h = Watching(Data, Wcr(Both), mdscr);
        Access(h, LdrX3X2, Data);
        Assert.Equal(hits ? 2UL : 4UL, h.Cpu.X(0));
    }

    [Fact]
    public void DBG6_AlignmentFaultTakesPriorityOverTheWatchpoint()
    {
        using var h = Watching(Data, Wcr(Both));
        h.Cpu.SysRegs.SctlrEl1 |= 2;                       // SCTLR_EL1.A
        Access(h, LdrX3X2, Data + 1);
        Assert.Equal(ExceptionClass.DataAbortSameEl, Ec(h.Cpu.X(20)));
    }

    [Fact]
    public void DBG9_WithoutAnEnabledWatchpointAccessesStayOnTheFastPath()
    {
        // The second load of the page hits the TLB: straight to RAM, unless a watchpoint is enabled anywhere.
        static long DirectReads(CpuHarness h) => ((Arm64Vm.Memory.IDirectAccessCounter)h.Cpu).DirectReads;
        using var h = Create();
        h.Cpu.SetX(2, Data);
        h.RunProgram(LdrX3X2, LdrX3X2);
        Assert.Equal(1, DirectReads(h));
        using var w = Watching(Data + 0x800, Wcr(Both));
        w.Cpu.SetX(2, Data);
        w.RunProgram(LdrX3X2, LdrX3X2);
        Assert.Equal(0, DirectReads(w));
    }
}
