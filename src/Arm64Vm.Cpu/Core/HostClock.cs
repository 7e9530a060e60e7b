namespace Arm64Vm.Cpu;

/// <summary>
/// The wall clock the system counter follows with <c>--clock host</c> (TMR-6): the time since it started, and a wait
/// on it. <see cref="StopwatchHostClock"/> is the host's; a test gives one whose time it steps, so that the reads and
/// waits of a run, and any race between them, happen the same way every time.
/// </summary>
public interface IHostClock
{
    /// <summary>Time since the clock started (never decreasing).</summary>
    TimeSpan Elapsed { get; }

    /// <summary>Waits <paramref name="span"/> of this clock's time (the VMM's wait while every PE is idle).</summary>
    void Sleep(TimeSpan span);
}

/// <summary>The host's wall clock: a started <see cref="System.Diagnostics.Stopwatch"/>, and <see cref="Thread.Sleep(TimeSpan)"/>.</summary>
public sealed class StopwatchHostClock : IHostClock
{
    private readonly System.Diagnostics.Stopwatch _watch = System.Diagnostics.Stopwatch.StartNew();

    public TimeSpan Elapsed => _watch.Elapsed;

    public void Sleep(TimeSpan span) => Thread.Sleep(span);
}
