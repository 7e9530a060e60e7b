using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Arm64Vm.Host.Gdb;

/// <summary>
/// The gdb stub (QEMU's -gdb): a listener thread accepts one client at a time (attaching stops a running guest, as
/// QEMU does); the emulation thread runs <see cref="Serve"/>, which runs the guest while it is resumed and answers
/// the client's packets while it is stopped. A client that disconnects, even in the middle of a packet, leaves the
/// guest stopped and the stub listening for the next; an exception while answering a packet is reported in one line
/// and answered "E01", never allowed to end the emulator.
/// </summary>
public sealed class GdbServer : IDisposable
{
    private readonly Vmm _vmm;
    private readonly IDebugTarget _target;
    private readonly GuestMemoryView _memory;
    private readonly TcpListener _listener;
    private readonly BlockingCollection<TcpClient> _pending = new();
    private readonly Action<string> _log;
    private Thread? _acceptThread;
    private volatile bool _sessionOpen, _guestRunning;

    public GdbServer(Vmm vmm, GdbEndpoint endpoint, ulong maxInstructions = ulong.MaxValue, Action<string>? log = null)
    {
        _vmm = vmm;
        _memory = new GuestMemoryView(vmm);
        _target = new VmmDebugTarget(vmm, maxInstructions);
        _listener = new TcpListener(endpoint.Address, endpoint.Port);
        _log = log ?? (_ => { });
    }

    /// <summary>The port listened on (the chosen one when the endpoint said 0).</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public IDebugTarget Target => _target;

    /// <summary>Binds the socket and starts accepting; a port in use throws <see cref="SocketException"/>.</summary>
    public void Start()
    {
        _listener.Start();
        _acceptThread = new Thread(AcceptLoop) { IsBackground = true, Name = "gdb-accept" };
        _acceptThread.Start();
    }

    private void AcceptLoop()
    {
        while (true)
        {
            TcpClient client;
            try { client = _listener.AcceptTcpClient(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException) { return; }
            if (_sessionOpen)
            {
                _log("gdb: a client is already attached; refusing another");
                client.Dispose();
                continue;
            }
            client.NoDelay = true;
            _pending.Add(client);
            if (_guestRunning) _target.Interrupt();   // attaching stops the guest
        }
    }

    /// <summary>
    /// Runs the guest under the stub until it ends (an exit or power-off, or any end of the run with no client
    /// attached) or a client kills it. <paramref name="waitForGdb"/>: stopped before the first instruction until a
    /// client resumes it (QEMU's -S).
    /// </summary>
    public RunOutcome Serve(bool waitForGdb)
    {
        var sw = Stopwatch.StartNew();
        var jitAtStart = System.Runtime.JitInfo.GetCompilationTime(currentThread: true);
        ulong start = TotalRetired();
        bool running = !waitForGdb;
        var last = new DebugStop(DebugStopKind.Interrupted, 0);
        GdbConnection? connection = null;
        GdbSession? session = null;
        // attachedWhileRunning: this session's client arrived while the guest ran (stoppedForAttach: its arrival is
        // what stopped the guest, before the session opened).
        bool attachedWhileRunning = false, stoppedForAttach = false;
        try
        {
            while (true)
            {
                if (session == null && (running ? _pending.TryTake(out var client) : TakeClient(out client)))
                {
                    connection = new GdbConnection(client.GetStream(), _target, _log);
                    session = new GdbSession(_vmm, _target, _memory, connection, last);
                    _sessionOpen = true;
                    _target.ClearInterrupt();
                    attachedWhileRunning = running || stoppedForAttach;
                    stoppedForAttach = false;
                    running = false;
                    _log($"gdb: client attached");
                }
                if (running)
                {
                    _guestRunning = true;
                    DebugStop stop;
                    try { stop = _target.Continue(); }
                    finally { _guestRunning = false; }
                    running = false;
                    last = stop;
                    stoppedForAttach = session == null && stop.Kind == DebugStopKind.Interrupted;
                    if (session != null)
                    {
                        session.LastStop = stop;
                        if (session.AwaitingStop) session.SendStop(stop);
                    }
                    if (stop.Outcome is { } o && (GdbSession.IsExit(o) || session == null)) return o;
                    continue;
                }
                if (session == null || connection == null) continue;
                var input = connection.Next();
                switch (input.Kind)
                {
                    case GdbInputKind.End when attachedWhileRunning && !connection.HeardAnything:
                        // A connection that closed without sending a byte never debugged anything (a port probe, or
                        // a client that gave up): the running guest it stopped runs on.
                        _log("gdb: a client closed without sending anything; the guest runs on");
                        Close(ref connection, ref session);
                        _target.ClearInterrupt();
                        running = true;
                        continue;
                    case GdbInputKind.End:
                        _log("gdb: client detached; the guest stays stopped");
                        Close(ref connection, ref session);
                        continue;
                    case GdbInputKind.Interrupt:
                        _target.ClearInterrupt();     // the guest is stopped already
                        continue;
                    case GdbInputKind.Oversize:
                        connection.Send("E01", binary: false);
                        continue;
                }
                SessionAction action;
                try { action = session.Handle(input.Payload!); }
                catch (Exception e)
                {
                    _log($"gdb: error answering a packet: {e.GetType().Name}: {e.Message}");
                    connection.Send("E01", binary: false);
                    continue;
                }
                last = session.LastStop;
                switch (action)
                {
                    case SessionAction.Continue:
                        running = true;
                        break;
                    case SessionAction.Detach:
                        // The client may close as soon as it reads the "OK", before the stub closes its end: that
                        // disconnect is not a request to stop the guest it detached from.
                        Close(ref connection, ref session);
                        _target.ClearInterrupt();
                        running = true;
                        break;
                    case SessionAction.Kill:
                        Close(ref connection, ref session);
                        if (last.Outcome is { } ended) return ended;
                        return new RunOutcome(StopReason.Interrupted, 0, "killed by gdb", TotalRetired() - start, sw.Elapsed, _vmm.Resets)
                        {
                            JitTime = System.Runtime.JitInfo.GetCompilationTime(currentThread: true) - jitAtStart,
                        };
                }
            }
        }
        finally
        {
            if (connection != null) Close(ref connection, ref session);
        }
    }

    private bool TakeClient(out TcpClient client)
    {
        try
        {
            client = _pending.Take();
            return true;
        }
        catch (InvalidOperationException)
        {
            client = null!;
            return false;
        }
    }

    private void Close(ref GdbConnection? connection, ref GdbSession? session)
    {
        connection?.Dispose();
        connection = null;
        session = null;
        _sessionOpen = false;
    }

    private ulong TotalRetired()
    {
        ulong n = 0;
        foreach (var v in _vmm.Vcpus) n += v.Cpu.Executed;   // as Vmm's outcome: with faulting attempts (CPU-RET-1)
        return n;
    }

    public void Dispose()
    {
        _listener.Stop();
        _pending.CompleteAdding();
    }
}
