using System.Collections.Concurrent;

namespace Arm64Vm.Host;

/// <summary>
/// DEV-1 (specs/interrupts.md): bytes for the guest's PL011 from the terminal's reader thread, handed over at quantum
/// boundaries. While an interactive source is open (<see cref="Open"/> until <see cref="Close"/>) an all-idle machine
/// with no timer armed waits here for the next keystroke (host-clock style, in short timed waits) instead of ending the
/// run: the PL011's receive interrupt then wakes the guest. Without an open source nothing ever waits, so runs without
/// terminal input stay deterministic.
/// </summary>
public sealed class TerminalInputQueue
{
    /// <summary>The longest single wait for input: the run loop looks at Ctrl-C and the queue at least this often.</summary>
    public static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentQueue<byte> _bytes = new();
    private readonly object _lock = new();
    /// <summary>Something happened since the run loop last waited (guarded by <see cref="_lock"/>).</summary>
    private bool _signalled;
    private volatile bool _open;

    /// <summary>An interactive source is attached and alive: an idle guest may still be woken by it.</summary>
    public bool IsOpen => _open;

    /// <summary>Marks an interactive source (a terminal) as attached.</summary>
    public void Open() => _open = true;

    /// <summary>The source ended (end of file, reader stopped): an idle guest can no longer be woken by input.</summary>
    public void Close()
    {
        _open = false;
        Signal();
    }

    /// <summary>Queues a byte (thread-safe) and wakes a waiting run loop.</summary>
    public void Enqueue(byte b)
    {
        _bytes.Enqueue(b);
        Signal();
    }

    public bool TryDequeue(out byte b) => _bytes.TryDequeue(out b);

    /// <summary>Wakes a waiting run loop without input (Ctrl-C, Ctrl-A X).</summary>
    public void Wake() => Signal();

    private void Signal()
    {
        lock (_lock)
        {
            _signalled = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>
    /// Blocks until new input arrives, the source closes, <see cref="Wake"/> is called, or <see cref="WaitSlice"/> passes.
    /// Returns false when no open source is left to wait for.
    /// </summary>
    public bool WaitForInput()
    {
        if (!_open) return false;
        lock (_lock)
        {
            if (!_signalled) Monitor.Wait(_lock, WaitSlice);
            _signalled = false;
        }
        return true;
    }
}
