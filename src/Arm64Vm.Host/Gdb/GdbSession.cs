using System.Text;

namespace Arm64Vm.Host.Gdb;

/// <summary>What the server does after a packet: nothing more, resume the guest, or end the session.</summary>
public enum SessionAction { None, Continue, Detach, Kill }

/// <summary>
/// The commands of one gdb connection (all-stop mode, one thread per vCPU, thread id = vCPU + 1): queries, registers,
/// memory, breakpoints, steps (run here, synchronously) and continues (returned to the server, which runs the guest).
/// Unknown packets get the empty reply, malformed ones "E01".
/// </summary>
public sealed partial class GdbSession
{
    private readonly Vmm _vmm;
    private readonly IDebugTarget _target;
    private readonly GuestMemoryView _memory;
    private readonly GdbMonitor _monitor;
    private readonly GdbConnection _connection;
    private int _gThread, _cThread = -1;
    private bool _swbreak, _hwbreak;

    public GdbSession(Vmm vmm, IDebugTarget target, GuestMemoryView memory, GdbConnection connection, DebugStop lastStop)
    {
        _vmm = vmm;
        _target = target;
        _memory = memory;
        _connection = connection;
        _monitor = new GdbMonitor(vmm, memory);
        LastStop = lastStop;
        _gThread = lastStop.Vcpu;
    }

    /// <summary>The stop the '?' packet reports.</summary>
    public DebugStop LastStop { get; set; }
    /// <summary>A continue or step was asked for and its stop reply is owed.</summary>
    public bool AwaitingStop { get; set; }
    private int VcpuCount => _vmm.Vcpus.Count;

    public SessionAction Handle(byte[] payload)
    {
        string p = Encoding.Latin1.GetString(payload);
        if (p.Length == 0) { Reply(""); return SessionAction.None; }
        switch (p[0])
        {
            case '?': Reply(StopReply(LastStop)); return SessionAction.None;
            case 'q': Reply(Query(p), binary: p.StartsWith("qXfer:")); return SessionAction.None;
            case 'Q': Reply(SetQuery(p)); return SessionAction.None;
            case 'H': Reply(SelectThread(p)); return SessionAction.None;
            case 'T': Reply(ParseThread(p[1..], out int t) && t >= 0 ? "OK" : "E01"); return SessionAction.None;
            case 'g': Reply(ReadAllRegisters()); return SessionAction.None;
            case 'G': Reply(WriteAllRegisters(p[1..])); return SessionAction.None;
            case 'p': Reply(ReadRegister(p[1..])); return SessionAction.None;
            case 'P': Reply(WriteRegister(p[1..])); return SessionAction.None;
            case 'm': Reply(ReadMemory(p[1..])); return SessionAction.None;
            case 'M': Reply(WriteMemory(p[1..])); return SessionAction.None;
            case 'X': Reply(WriteBinary(payload)); return SessionAction.None;
            case 'Z': case 'z': Reply(Breakpoint(p)); return SessionAction.None;
            case 'c': case 'C': return Resume(p, step: false);
            case 's': case 'S': return Resume(p, step: true);
            case 'v': return V(p);
            case 'D': Reply("OK"); return SessionAction.Detach;
            case 'k': return SessionAction.Kill;
            default: Reply(""); return SessionAction.None;
        }
    }

    private void Reply(string payload, bool binary = false)
    {
        if (payload != NoReply) _connection.Send(payload, binary);
    }

    /// <summary>Sends console text to gdb (an 'O' packet; only while gdb waits for a stop reply or a monitor answer).</summary>
    public void Output(string text) => Reply("O" + GdbHex.Encode(text));

    public void SendStop(DebugStop stop)
    {
        if (stop.Kind == DebugStopKind.Ended && stop.Outcome is { } o && !IsExit(o)) Output($"arm64vm: {o.Message}\n");
        Reply(StopReply(stop));
        AwaitingStop = false;
    }

    public static bool IsExit(RunOutcome o) => o.Reason is StopReason.SystemOff or StopReason.SemihostingExit;

    /// <summary>
    /// The stop reply: "T" signal "thread:" id, then "swbreak:"/"hwbreak:" for a breakpoint (when gdb said it knows
    /// them) or "watch:" address; SIGINT (02) for an interrupt, SIGILL (04) for a guest error, SIGTRAP (05)
    /// otherwise; "W" status when the guest exited or powered off.
    /// </summary>
    public string StopReply(DebugStop stop)
    {
        if (stop.Kind == DebugStopKind.Ended && stop.Outcome is { } o)
        {
            if (IsExit(o)) return "W" + ((byte)o.ExitCode).ToString("x2");
            return $"T{(o.Reason == StopReason.GuestError ? "04" : "05")}thread:{stop.Vcpu + 1:x};";
        }
        var sb = new StringBuilder(stop.Kind == DebugStopKind.Interrupted ? "T02" : "T05");
        sb.Append($"thread:{stop.Vcpu + 1:x};");
        if (stop.Kind == DebugStopKind.Breakpoint)
        {
            if (stop.Breakpoint == BreakpointKind.Software && _swbreak) sb.Append("swbreak:;");
            if (stop.Breakpoint == BreakpointKind.Hardware && _hwbreak) sb.Append("hwbreak:;");
        }
        if (stop.Kind == DebugStopKind.Watchpoint)
        {
            string key = stop.Watch switch { WatchKind.Read => "rwatch", WatchKind.Access => "awatch", _ => "watch" };
            sb.Append($"{key}:{stop.WatchAddress:x};");
        }
        return sb.ToString();
    }

    // ------------------------------------------------------------------ threads

    /// <summary>A thread id: -1 (all) and 0 (any) as given, else the vCPU index; false when malformed or unknown.</summary>
    private bool ParseThread(string s, out int vcpu)
    {
        vcpu = 0;
        int dot = s.IndexOf('.');
        if (s.StartsWith('p') && dot > 0) s = s[(dot + 1)..];
        if (s == "-1") { vcpu = -1; return true; }
        if (!GdbHex.TryNumber(s, out ulong id) || id > (ulong)VcpuCount) return false;
        vcpu = id == 0 ? 0 : (int)id - 1;
        return true;
    }

    private string SelectThread(string p)
    {
        if (p.Length < 2 || !ParseThread(p[2..], out int v)) return "E01";
        if (p[1] == 'g') _gThread = v < 0 ? _gThread : v;
        else if (p[1] == 'c') _cThread = v;
        else return "E01";
        return "OK";
    }

    private Arm64Vm.Host.Kvm.Vcpu Selected => _vmm.Vcpus[_gThread];

    private string ThreadName(int vcpu)
    {
        var v = _vmm.Vcpus[vcpu];
        string state = v.PoweredOff ? "powered off" : $"EL{v.Cpu.El}";
        return $"vCPU {vcpu} ({state})";
    }
}
