using Xunit;

namespace Arm64Vm.Host.Tests.Interrupts;

/// <summary>TMR-4, TMR-6 and IRQ-3 (specs/interrupts.md) on whole runs of the bundled interrupt guests.</summary>
public class TimerRunTests
{
    private static string Expected(string name) => File.ReadAllText(GuestRunner.PathOf($"tests/guests/expected/{name}.txt"));

    [Theory]
    [InlineData("timer-irq", 1, 3)]
    [InlineData("gic-sgi", 2, 3)]
    [InlineData("gic-v2", 2, 2)]
    public void Determinism_TheSameGuestAndFlagsGiveTheSameOutputAndInstructionCount(string name, int cpus, int gic)
    {
        var options = new VmmOptions { CacheModel = CacheModelKind.Off, Cpus = cpus, GicVersion = gic };
        var (out1, r1) = GuestRunner.Run(GuestRunner.PathOf($"tests/guests/bin/{name}.elf"), 100_000_000, options);
        var (out2, r2) = GuestRunner.Run(GuestRunner.PathOf($"tests/guests/bin/{name}.elf"), 100_000_000, options);
        Assert.Equal(Expected(name), out1);
        Assert.Equal(out1, out2);
        Assert.Equal(r1.Instructions, r2.Instructions);
    }

    [Fact]
    public void Tmr4_WaitingForTheTimerSkipsTimeInsteadOfSpinning()
    {
        // The guest waits 100 ms and 200 ms of counter time in WFI: 18.75 M ticks, 300 M instructions if spun.
        var (output, outcome) = GuestRunner.Run(GuestRunner.PathOf("tests/guests/bin/timer-irq.elf"), 5_000_000);
        Assert.Equal(Expected("timer-irq"), output);
        Assert.Equal(StopReason.SystemOff, outcome.Reason);
        Assert.True(outcome.Instructions < 1_000_000, $"{outcome.Instructions} instructions");
    }

    [Fact]
    public void Tmr6_WithTheHostClockTheTimerGuestWaitsRealTimeAndTheCounterFollowsTheWallClock()
    {
        // Lower bounds only, so a loaded host cannot fail it: the guest's two timer waits (100 ms and 200 ms of counter
        // time) take at least that much wall time, and the counter advances at least 62.5 ticks per microsecond of
        // wall time between two reads. (Its exact output is not compared: with the wall clock, what the guest sees
        // between arming a timer and reading ISTATUS depends on the host's load, as under QEMU.)
        var options = new VmmOptions { CacheModel = CacheModelKind.Off, Clock = ClockSource.Host };
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var (_, outcome) = GuestRunner.Run(GuestRunner.PathOf("tests/guests/bin/timer-irq.elf"), 1_000_000_000, options);
        wall.Stop();
        Assert.Equal(StopReason.SystemOff, outcome.Reason);
        Assert.True(wall.ElapsedMilliseconds >= 300, $"{wall.ElapsedMilliseconds} ms");

        using var vmm = new Vmm(options, new[] { Images.ImageLoader.Parse("a.bin", new byte[4]) });
        var system = vmm.Machine.CpuSystem;
        Assert.True(system.FollowsHostClock);
        ulong before = system.SystemCounter();
        var span = System.Diagnostics.Stopwatch.StartNew();
        Thread.Sleep(20);
        long micros = span.Elapsed.Ticks / 10;
        ulong after = system.SystemCounter();
        Assert.True(after - before + 1 >= (ulong)micros * 125 / 2, $"{after - before} ticks in {micros} us");
    }

    /// <summary>
    /// A wall clock that stands still but for its waits (each moves it by the wait) and one jump: read number
    /// <paramref name="jumpAtRead"/> (from 1) finds it <paramref name="jump"/> later. The same run reads and waits the
    /// same way every time, so the jump falls between the same two reads of the counter every time.
    /// </summary>
    private sealed class JumpClock(int jumpAtRead, TimeSpan jump) : Arm64Vm.Cpu.IHostClock
    {
        private TimeSpan _now;
        private int _reads;
        /// <summary>Reads before the first wait (the machine was idle for the first time then).</summary>
        public int ReadsBeforeFirstSleep { get; private set; } = -1;

        public TimeSpan Elapsed
        {
            get
            {
                if (++_reads == jumpAtRead) _now += jump;
                return _now;
            }
        }

        public void Sleep(TimeSpan span)
        {
            if (ReadsBeforeFirstSleep < 0) ReadsBeforeFirstSleep = _reads;
            _now += span;
        }
    }

    private static RunOutcome RunTimerGuest(Arm64Vm.Cpu.IHostClock clock)
    {
        var options = new VmmOptions { CacheModel = CacheModelKind.Off, Clock = ClockSource.Host, HostClock = clock };
        return GuestRunner.Run(GuestRunner.PathOf("tests/guests/bin/timer-irq.elf"), 1_000_000_000, options).Outcome;
    }

    [Fact]
    public void Tmr6_WhereverTimePassesTheTimersDeadline_TheTimerWakesTheGuest()
    {
        // Time moves between any two reads of the host clock. The guest arms a timer 100 ms ahead and waits for it in
        // WFI; here time jumps 150 ms at one read, and each run puts the jump at the next read, through every read up
        // to the machine's first idle wait. Wherever the jump falls — in the guest's slice, or inside the VMM's idle
        // check, between its reads of the deadlines and of the unsent outputs — the timer is seen and wakes the guest,
        // and the run ends with the guest's power-off, never as idle (TMR-6's order: deadlines first, then the unsent
        // outputs; tested the other way round, a jump between the two ends the run idle).
        var still = new JumpClock(0, TimeSpan.Zero);
        Assert.Equal(StopReason.SystemOff, RunTimerGuest(still).Reason);
        Assert.True(still.ReadsBeforeFirstSleep > 0, "the idle machine never waited on the clock");
        var ended = new List<string>();
        for (int read = 1; read <= still.ReadsBeforeFirstSleep + 1; read++)
        {
            var outcome = RunTimerGuest(new JumpClock(read, TimeSpan.FromMilliseconds(150)));
            if (outcome.Reason != StopReason.SystemOff) ended.Add($"{outcome.Reason} with the jump at read {read}");
        }
        Assert.True(ended.Count == 0, "runs that did not end with the guest's power-off: " + string.Join("; ", ended));
    }
}
