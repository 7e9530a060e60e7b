using System.Runtime.CompilerServices;
using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

/// <summary>
/// The PE's accesses through the MMU: the TLB lookup and, on a miss, the walk and the fill with the direct-access bits
/// the memory system grants (TLB-2, TLB-5), and the permission check and its faults for data and fetches. The inline
/// hit test stays the PE's (TLB-6).
/// </summary>
public sealed partial class Mmu
{
    /// <summary>
    /// Translates a data VA for EL <paramref name="el"/>, checking permissions; takes the fault (throwing
    /// <see cref="GuestException"/>) if there is one. Returns the TLB entry, valid until the next fill.
    /// </summary>
    internal ref TlbEntry TranslateData(ulong va, AccessKind kind, int el, AccessOptions options)
    {
        ref TlbEntry e = ref LookupOrFill(va, kind, el, options);
        ushort need = RequiredPermission(kind, el, options);
        if ((e.Perm & need) == 0) PermissionFault(ref e, va, kind, options, need);
        return ref e;
    }

    /// <summary>A TLB hit without the needed permission: a stage-1 fault if stage 1 denies it, else a stage-2 fault.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void PermissionFault(ref TlbEntry e, ulong va, AccessKind kind, AccessOptions options, ushort need)
    {
        if ((e.Stage1Perm & need) == 0) Stage1Fault(va, kind, FaultStatus.Permission(e.Level), options);
        else Stage2Fault(va, e.IpaPage | (va & 0xFFF), kind, FaultStatus.Permission(e.S2Level), options, s1ptw: false);
        throw GuestException.Instance;
    }

    /// <summary>Fetch translation for the run loop: false after taking the abort.</summary>
    internal bool TranslateFetch(ulong va, int el, out ulong pa)
    {
        pa = 0;
        ref TlbEntry e = ref LookupOrFill(va, AccessKind.Fetch, el, AccessOptions.None);
        ushort need = el == 0 ? TlbEntry.ExecEl0 : TlbEntry.ExecEl1;
        if ((e.Perm & need) == 0)
        {
            if ((e.Stage1Perm & need) == 0) Stage1Fault(va, AccessKind.Fetch, FaultStatus.Permission(e.Level), AccessOptions.None);
            else Stage2Fault(va, e.IpaPage | (va & 0xFFF), AccessKind.Fetch, FaultStatus.Permission(e.S2Level), AccessOptions.None, s1ptw: false);
            return false;
        }
        pa = e.PaPage | (va & 0xFFF);
        return true;
    }

    /// <summary>
    /// The TLB entry for <paramref name="va"/> in the current context (TLB-2): a hit in either way, else a new
    /// translation filled into way 0 with the direct-access bits the memory system grants (TLB-5).
    /// </summary>
    internal ref TlbEntry LookupOrFill(ulong va, AccessKind kind, int el, AccessOptions options)
    {
        ref TlbEntry e = ref _tlb.Find(va);
        if (!Unsafe.IsNullRef(ref e)) return ref e;
        SyncTlbContext();
        if (!TranslateAddress(va, kind, el, options, out TranslationResult r))
            throw GuestException.Instance;
        ulong vaPage = va & ~(ulong)(Ram.PageSize - 1);
        ushort fast = DirectAccessBits(vaPage, in r, out long hostOffset);
        return ref _tlb.Fill(vaPage, in r, fast, hostOffset);
    }

    /// <summary>
    /// The direct-access bits of a new TLB entry (TLB-5) and, when there are any, host address minus VA: read bits for
    /// RAM the memory system lets this PE read directly, write bits as well when it allows direct writes and the page
    /// neither holds code nor another PE's exclusive reservation (those stores must reach the code tracker or the monitor).
    /// </summary>
    private unsafe ushort DirectAccessBits(ulong vaPage, in TranslationResult r, out long hostOffset)
    {
        hostOffset = 0;
        ulong paPage = r.Pa & ~(ulong)(Ram.PageSize - 1);
        var memory = _cpu.Memory;
        var ram = memory.Map.FindRam(paPage);
        // Device RAM (e.g. every data access with the MMU off) may use the fast path too when the memory system allows
        // direct access: the fast path only ever performs naturally aligned accesses (vector paths check the element
        // alignment for Device), and an unaligned one takes the slow path and its alignment fault.
        if (ram == null || _cpu.NoDirectAccess || !memory.AllowsDirectRamAccess(ram, paPage, r.DataAttributes, AccessKind.Read))
            return 0;
        hostOffset = (long)ram.PointerTo(paPage) - (long)vaPage;
        ushort fast = (ushort)(r.Perm & (TlbEntry.ReadEl0 | TlbEntry.ReadEl1));
        if (!ram.IsCodePage(paPage) && memory.AllowsDirectRamAccess(ram, paPage, r.DataAttributes, AccessKind.Write)
            && !_cpu.System.Monitor.IsPageReservedByOther(_cpu.Index, paPage))
            fast |= (ushort)(r.Perm & (TlbEntry.WriteEl0 | TlbEntry.WriteEl1));
        return fast;
    }
}
