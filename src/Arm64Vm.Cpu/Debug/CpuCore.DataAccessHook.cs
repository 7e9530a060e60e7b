using System.Runtime.CompilerServices;

namespace Arm64Vm.Cpu;

/// <summary>
/// DBG-6, DBG-9, PMU-MEM: while a watchpoint (guest or host) is enabled or a counter counts MEM_ACCESS, every data
/// access reaches <see cref="DataAccessHook"/> (the TLB fast paths are off: <see cref="OnElChanged"/> gives them no
/// permission bits); otherwise it is never called.
/// </summary>
public sealed partial class CpuCore
{
    /// <summary>PMU event 0x13 MEM_ACCESS: data accesses made while some counter counts it (the event's source).</summary>
    public ulong MemoryAccesses { get; private set; }

    /// <summary>A PMU counter counts MEM_ACCESS (set by the PMU, PMU-MEM).</summary>
    private bool _countMemAccess;

    /// <summary>Data accesses must reach <see cref="DataAccessHook"/> (for accessors outside the core's own paths).</summary>
    internal bool DataHookActive => _dataHook;

    internal void SetMemAccessCounting(bool on)
    {
        if (on == _countMemAccess) return;
        _countMemAccess = on;
        DebugRegistersChanged();
    }

    /// <summary>
    /// One data access of <paramref name="size"/> bytes about to be made. Faults of higher priority come first (the
    /// ASL checks watchpoints after alignment and translation: AArch64.TranslateAddress), then a matching guest
    /// watchpoint takes the Watchpoint exception (the access is not made, the instruction does not retire: DBG-10), a
    /// host watchpoint arms a stop after the instruction (HOSTDBG-2), and the access counts as MEM_ACCESS.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void DataAccessHook(ulong va, int size, bool read, bool write, AccessOptions options = AccessOptions.None)
    {
        if (_guestWatchpointsArmed || _host.Watchpoints.Count > 0)
        {
            ProbeDataAccess(va, size, write, options);
            int el = (options & AccessOptions.Unprivileged) != 0 ? 0 : El;
            if (_guestWatchpointsArmed && DebugExceptionsEnabled && WatchpointMatch(va, size, read, write, el, out ulong hit, out bool wnr))
                RaiseWatchpoint(hit, wnr, options);
            if (_host.Watchpoints.Count > 0 && _host.WatchHit(va, size, read, write, out ulong watched))
                StopForHost(DebugStopKind.Watchpoint, watched);
        }
        if (_countMemAccess) MemoryAccesses++;
    }

    /// <summary>The alignment and translation faults the access would take, in the order the slow paths take them.</summary>
    private void ProbeDataAccess(ulong va, int size, bool write, AccessOptions options)
    {
        if (!IsAlignmentOk(va, size, options)) RaiseDataAbort(va, FaultStatus.Alignment, write, options);
        ulong last = va + (ulong)size - 1;
        ref TlbEntry e = ref TranslateData(va, write, options);
        if (((last ^ va) & PageMask) != 0) TranslateData(last & PageMask, write, options);
        else if (e.DataAttributes.IsDevice && (va & (ulong)(size - 1)) != 0) RaiseDataAbort(va, FaultStatus.Alignment, write, options);
    }

    /// <summary>
    /// DBG-6, DBG-8: the Watchpoint exception: EC 0x34/0x35, ISS.WnR, ISS.CM for a cache maintenance access, DFSC
    /// 0x22; FAR = the first watched byte the access touches (Arm ARM D2.10.5: an address within the access that the
    /// watchpoint matches); ELR = the instruction, which does not retire (DBG-10).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RaiseWatchpoint(ulong hit, bool wnr, AccessOptions options)
    {
        uint iss = DebugUnit.DebugFaultStatus | (wnr ? 1u << 6 : 0) | ((options & AccessOptions.CacheMaintenance) != 0 ? 1u << 8 : 0);
        TakeDebugExceptionAtPc(DebugExceptionClass.From(DebugExceptionClass.WatchpointLowerEl, El), iss, hit, farValid: true);
        throw GuestException.Instance;
    }
}
