namespace Arm64Vm.Host.Gdb;

/// <summary>Run control packets: c/C/s/S (optionally at an address) and vCont; also vMustReplyEmpty, vKill.</summary>
public sealed partial class GdbSession
{
    private SessionAction Resume(string p, bool step)
    {
        // c[ADDR], s[ADDR]; C SIG[;ADDR], S SIG[;ADDR] (the signal is not delivered: a vCPU has no signals).
        string rest = p[1..];
        if (p[0] is 'C' or 'S')
        {
            int semi = rest.IndexOf(';');
            rest = semi < 0 ? "" : rest[(semi + 1)..];
        }
        int vcpu = _cThread >= 0 ? _cThread : _gThread;
        if (rest.Length > 0)
        {
            if (!GdbHex.TryNumber(rest, out ulong pc)) { Reply("E01"); return SessionAction.None; }
            _vmm.Vcpus[vcpu].Pc = pc;
        }
        return step ? StepNow(vcpu) : StartContinue();
    }

    private SessionAction StepNow(int vcpu)
    {
        var stop = _target.Step(vcpu);
        LastStop = stop;
        _gThread = stop.Vcpu;
        SendStop(stop);
        return stop.Kind == DebugStopKind.Ended && stop.Outcome is { } o && IsExit(o) ? SessionAction.Kill : SessionAction.None;
    }

    private SessionAction StartContinue()
    {
        AwaitingStop = true;
        return SessionAction.Continue;
    }

    private SessionAction V(string p)
    {
        if (p == "vCont?") { Reply("vCont;c;C;s;S"); return SessionAction.None; }
        if (p.StartsWith("vCont;")) return VCont(p["vCont;".Length..]);
        if (p.StartsWith("vKill")) { Reply("OK"); return SessionAction.Kill; }
        Reply("");      // vMustReplyEmpty and every other v packet
        return SessionAction.None;
    }

    /// <summary>
    /// vCont;ACTION[:THREAD];...: in all-stop mode a step action wins (that vCPU runs one instruction, the others stay
    /// stopped); otherwise any continue action runs every vCPU.
    /// </summary>
    private SessionAction VCont(string actions)
    {
        int? stepVcpu = null;
        bool resume = false;
        foreach (var action in actions.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = action.IndexOf(':');
            string verb = colon < 0 ? action : action[..colon];
            int vcpu = _gThread;
            if (colon >= 0 && (!ParseThread(action[(colon + 1)..], out vcpu) || vcpu < 0)) vcpu = _gThread;
            char c = verb.Length > 0 ? verb[0] : '?';
            if (c is 's' or 'S') stepVcpu ??= vcpu;
            else if (c is 'c' or 'C') resume = true;
            else { Reply("E01"); return SessionAction.None; }
        }
        if (stepVcpu is int v) return StepNow(v);
        if (resume) return StartContinue();
        Reply("E01");
        return SessionAction.None;
    }
}
