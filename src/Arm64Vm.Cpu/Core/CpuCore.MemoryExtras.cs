using System.Runtime.CompilerServices;
using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

/// <summary>
/// Memory-access helpers of the load/store instructions beyond single accesses: store-pair probing, the exclusive
/// monitors (Arm ARM B2.9) and atomic read-modify-write on one translated physical address.
/// </summary>
public sealed partial class CpuCore
{
    /// <summary>
    /// Before a store pair that crosses a page: checks the element alignment and translates both pages for writing, so
    /// a fault on the second page is taken before the first element is written (memory stays unchanged).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void ProbeStorePair(ulong va, int elementSize)
    {
        if (!IsAlignmentOk(va, elementSize, AccessOptions.None))
            RaiseDataAbort(va, FaultStatus.Alignment, write: true, AccessOptions.None);
        TranslateData(va, write: true);
        ulong second = va + (ulong)elementSize;
        // The first byte of the pair on the next page: the second element, or the part of it past the page end.
        ulong probe = ((second ^ va) & PageMask) != 0 ? second : (va + (ulong)(2 * elementSize) - 1) & PageMask;
        ref TlbEntry e = ref TranslateData(probe, write: true);
        if (e.DataAttributes.IsDevice && (va & (ulong)(elementSize - 1)) != 0)
            RaiseDataAbort(probe, FaultStatus.Alignment, write: true, AccessOptions.None);
    }

    // ---------------- Exclusive monitors (Arm ARM B2.9) ----------------

    /// <summary>
    /// AArch64.SetExclusiveMonitors: marks the local monitor (PA and size) and this PE's global reservation for the
    /// granule of <paramref name="va"/>. Other PEs' stores to that page must then take the slow write path (which tells
    /// the global monitor), so their fast-write TLB bits for the page are dropped.
    /// The global monitor is marked for every memory type (also Non-shareable), which can only make a later
    /// store-exclusive fail after another agent's store, never succeed wrongly.
    /// </summary>
    public void MarkExclusive(ulong va, int size)
    {
        ulong pa = TranslateDataPa(va, write: false, AccessOptions.None, out _);
        ExclusiveValid = true;
        ExclusiveMarks++;                      // DBG-7: ESR.EX of a Software Step exception
        ExclusiveAddress = pa;
        ExclusiveSize = size;
        _monitor.Mark(Index, pa);
        var cpus = System.Cpus;
        if (cpus.Count > 1)
        {
            ulong paPage = pa & PageMask;
            for (int i = 0; i < cpus.Count; i++)
                if (cpus[i] != this) cpus[i].DropFastWrites(paPage);
        }
    }

    /// <summary>
    /// The store of a store-exclusive (AArch64.ExclusiveMonitorsPass): <paramref name="size"/> is 1, 2, 4, 8 or 16
    /// (an X pair: <paramref name="data"/> at va, <paramref name="data2"/> at va + 8). The address must be aligned to
    /// <paramref name="size"/> (alignment fault otherwise, whatever the monitors say). The store is performed only when
    /// the local monitor holds exactly this PA and size and the global reservation still holds; either way both
    /// monitors are cleared. Returns true when the store was performed (status 0).
    /// With the local monitor open the instruction fails without translating (as IsExclusiveVA would), so it takes no
    /// translation or permission fault — QEMU's behaviour too.
    /// </summary>
    public bool StoreExclusive(ulong va, int size, ulong data, ulong data2)
    {
        if ((va & (ulong)(size - 1)) != 0)
            RaiseDataAbort(va, FaultStatus.Alignment, write: true, AccessOptions.RequireAligned);
        if (!ExclusiveValid)
        {
            ClearExclusive();
            return false;
        }
        ulong pa = TranslateDataPa(va, write: true, AccessOptions.None, out _);
        bool pass = ExclusiveAddress == pa && ExclusiveSize == size && _monitor.IsExclusive(Index, pa);
        ClearExclusive();
        if (!pass) return false;
        // The slow write path performs the store and clears other agents' reservations on the granule.
        if (size == 16)
        {
            WriteSlow(va, 8, data, AccessOptions.RequireAligned);
            WriteSlow(va + 8, 8, data2, AccessOptions.RequireAligned);
        }
        else
        {
            WriteSlow(va, size, data, AccessOptions.RequireAligned);
        }
        return true;
    }

    // ---------------- Atomic read-modify-write (FEAT_LSE) ----------------

    /// <summary>
    /// Translates the VA of an atomic read-modify-write of <paramref name="size"/> bytes (up to 16): natural alignment is
    /// required (alignment fault, WnR = 1), then read permission (a fault reports WnR = 0) and write permission
    /// (WnR = 1) are checked, all before anything is read or written. Returns the PA.
    /// </summary>
    public ulong TranslateAtomic(ulong va, int size, out MemoryAttributes attributes)
    {
        if ((va & (ulong)(size - 1)) != 0)
            RaiseDataAbort(va, FaultStatus.Alignment, write: true, AccessOptions.RequireAligned);
        TranslateData(va, write: false);
        ref TlbEntry e = ref TranslateData(va, write: true);
        attributes = e.DataAttributes;
        ulong pa = e.PaPage | (va & 0xFFF);
        if (_dataHook) DataAccessHook(va, size, read: true, write: true);   // DBG-6: a read-modify-write is both
        return pa;
    }

    /// <summary>Reads 1-8 bytes at a PA obtained from <see cref="TranslateAtomic"/>; external abort (FAR = va) when nothing answers.</summary>
    public ulong ReadPhysical(ulong va, ulong pa, int size, MemoryAttributes attributes)
    {
        if (!Memory.TryRead(Index, pa, size, AccessKind.Read, attributes, out ulong value))
            RaiseExternalAbort(va, pa, write: false, AccessOptions.None);
        return value;
    }

    /// <summary>Writes 1-8 bytes at a PA obtained from <see cref="TranslateAtomic"/>, telling the global monitor.</summary>
    public void WritePhysical(ulong va, ulong pa, int size, ulong value, MemoryAttributes attributes)
    {
        if (!Memory.TryWrite(Index, pa, size, AccessKind.Write, attributes, value))
            RaiseExternalAbort(va, pa, write: true, AccessOptions.None);
        if (_monitor.HasAny) _monitor.NoteStore(Index, pa);
    }
}
