using Xunit;
using static Arm64Vm.Cpu.Tests.Debug.DebugHarness;

namespace Arm64Vm.Cpu.Tests.Debug;

/// <summary>HOSTDBG-1..3: the host debugger's stops on CpuCore, invisible to the guest (specs/debug.md).</summary>
public class HostDebugTests
{
    private static CpuHarness Loaded(params uint[] program)
    {
        var h = Create(mdscr: 0, osLock: true);
        h.Load(CpuHarness.CodeBase, program.Append(Hlt).ToArray());
        h.Cpu.Pc = CpuHarness.CodeBase;
        return h;
    }

    [Fact]
    public void HOSTDBG1_BreakpointStopsBeforeTheInstructionAndTheNextRunResumesThere()
    {
        using var h = Loaded(AddX0, AddX0, AddX0, AddX0);
        h.Cpu.AddHostBreakpoint(CpuHarness.CodeBase + 8);
        ulong esr = h.Cpu.SysRegs.EsrEl1;
        var exit = h.Cpu.Run(1000);
        Assert.Equal(ExitReason.HostDebug, exit.Reason);
        Assert.Equal(DebugStopKind.Breakpoint, exit.DebugStop);
        Assert.Equal(CpuHarness.CodeBase + 8, exit.Far);
        Assert.Equal(CpuHarness.CodeBase + 8, h.Cpu.Pc);
        Assert.Equal(2UL, h.Cpu.X(0));
        Assert.Equal(2UL, h.Cpu.Retired);
        Assert.Equal(esr, h.Cpu.SysRegs.EsrEl1);                // no guest exception
        Assert.Equal(0UL, h.Cpu.ExceptionsTaken);
        exit = h.Cpu.Run(1000);
        Assert.Equal(ExitReason.Semihosting, exit.Reason);
        Assert.Equal(4UL, h.Cpu.X(0));
    }

    [Fact]
    public void HOSTDBG1_RemovedBreakpointNoLongerStopsAndTheBlockPathReturns()
    {
        using var h = Loaded(AddX0, AddX0, AddX0);
        h.Cpu.AddHostBreakpoint(CpuHarness.CodeBase + 4);
        Assert.True(h.Cpu.RemoveHostBreakpoint(CpuHarness.CodeBase + 4));
        Assert.Equal(ExitReason.Semihosting, h.Cpu.Run(1000).Reason);
        Assert.Equal(3UL, h.Cpu.X(0));
    }

    [Theory]
    [InlineData(HostWatchKind.Write, true, false)]
    [InlineData(HostWatchKind.Read, false, true)]
    [InlineData(HostWatchKind.Access, true, true)]
    public void HOSTDBG2_WatchpointStopsAfterTheAccessOfItsKind(HostWatchKind kind, bool storeStops, bool loadStops)
    {
        foreach (var (access, stops) in new[] { (StrX1X2, storeStops), (LdrX3X2, loadStops) })
        {
            using var h = Loaded(AddX0, access, AddX0);
            h.Cpu.SetX(1, 0xABCD);
            h.Cpu.SetX(2, CpuHarness.DataBase + 0x10);
            h.Cpu.AddHostWatchpoint(CpuHarness.DataBase + 0x14, 2, kind);
            var exit = h.Cpu.Run(1000);
            Assert.Equal(stops ? ExitReason.HostDebug : ExitReason.Semihosting, exit.Reason);
            if (!stops) continue;
            Assert.Equal(DebugStopKind.Watchpoint, exit.DebugStop);
            Assert.Equal(CpuHarness.DataBase + 0x14, exit.Far);
            Assert.Equal(CpuHarness.CodeBase + 8, h.Cpu.Pc);    // the accessing instruction completed
            Assert.Equal(2UL, h.Cpu.Retired);
            if (access == StrX1X2) Assert.Equal(0xABCDUL, h.Ram.ReadRaw(CpuHarness.DataBase + 0x10, 8));
        }
    }

    [Fact]
    public void HOSTDBG3_SingleStepStopsAfterEveryInstruction()
    {
        using var h = Loaded(AddX0, AddX0, AddX0);
        h.Cpu.HostSingleStep = true;
        for (int i = 1; i <= 3; i++)
        {
            var exit = h.Cpu.Run(1000);
            Assert.Equal(ExitReason.HostDebug, exit.Reason);
            Assert.Equal(DebugStopKind.Step, exit.DebugStop);
            Assert.Equal((ulong)i, h.Cpu.X(0));
            Assert.Equal(CpuHarness.CodeBase + 4 * (ulong)i, h.Cpu.Pc);
            Assert.Equal((ulong)i, h.Cpu.Retired);
        }
        h.Cpu.HostSingleStep = false;
        Assert.Equal(ExitReason.Semihosting, h.Cpu.Run(1000).Reason);
    }

    [Fact]
    public void HOSTDBG1_HostStopsAreIndependentOfTheGuestDebugRegisters()
    {
        // The guest's breakpoint at the same address fires when the host resumes; the host's stop came first.
        using var h = Create();
        h.Load(CpuHarness.CodeBase, AddX0, AddX0, AddX0, Hlt);
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.SysRegs.Set("DBGBVR0_EL1", CpuHarness.CodeBase + 4);
        h.Cpu.SysRegs.Set("DBGBCR0_EL1", Bcr());
        h.Cpu.AddHostBreakpoint(CpuHarness.CodeBase + 4);
        Assert.Equal(ExitReason.HostDebug, h.Cpu.Run(1000).Reason);
        Assert.Equal(0UL, h.Cpu.ExceptionsTaken);
        h.Cpu.Run(1000);
        Assert.Equal(DebugExceptionClass.BreakpointSameEl, Ec(h.Cpu.X(20)));
        Assert.Equal(0UL, h.Cpu.SysRegs.Get("DBGBCR1_EL1"));
    }
}
