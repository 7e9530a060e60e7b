namespace Arm64Vm.Host.Kvm;

/// <summary>
/// H7: dirty-page logging (Linux 6.12, kvm_get_dirty_log_protect(), kvm_clear_dirty_log_protect(),
/// kvm_arch_commit_memory_region()). No cache maintenance here.
/// </summary>
public sealed partial class Vm
{
    /// <summary>
    /// KVM_DIRTY_LOG_INITIALLY_SET (with manual protect, as QEMU enables it): starting to log does not write-protect
    /// the slot; its bitmap starts with every page set instead, and a page is write-protected only when ClearDirtyLog
    /// first clears its bit (kvm_dirty_log_manual_protect_and_init_set()).
    /// </summary>
    public bool DirtyLogInitiallySet { get; private set; }

    /// <summary>KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2) with MANUAL_PROTECT_ENABLE, and INITIALLY_SET if asked.</summary>
    public void EnableManualDirtyLogProtect(bool initiallySet)
    {
        ManualDirtyLogProtect = true;
        DirtyLogInitiallySet = initiallySet;
    }

    /// <summary>KVM_GET_DIRTY_LOG: the bitmap of pages written since the last harvest (one bit per 4 KiB page).</summary>
    public ulong[] GetDirtyLog(int slot)
    {
        var region = SlotOrThrow(slot);
        var bitmap = region.DirtyBitmap;
        var snapshot = new ulong[bitmap.Length];
        if (ManualDirtyLogProtect)
        {
            Array.Copy(bitmap, snapshot, bitmap.Length);
            Log(HostEventKind.DirtyLog, -1, region.Ipa, region.Size, detail: $"snapshot pages={PopCount(snapshot)}");
            return snapshot;
        }
        bool flush = false;
        for (int i = 0; i < bitmap.Length; i++)
        {
            if (bitmap[i] == 0) continue;
            flush = true;
            ulong mask;
            if (Policy.DirtyLogProtectBeforeHarvest)
            {
                // The wrong order (ablation): protect first, let the vCPUs run, then fetch-and-zero. A write in the
                // window re-enables W and sets a bit that is already set; the harvest then clears it and the page is
                // left writable and clean: its next writes are never logged.
                WriteProtectPages(region, i, bitmap[i]);
                TlbiVmid(-1);
                DirtyLogWindow?.Invoke();
                mask = Interlocked.Exchange(ref bitmap[i], 0);
            }
            else
            {
                // kvm_get_dirty_log_protect: fetch-and-zero the word, then write-protect exactly those pages.
                mask = Interlocked.Exchange(ref bitmap[i], 0);
                DirtyLogWindow?.Invoke();
                WriteProtectPages(region, i, mask);
            }
            snapshot[i] = mask;
        }
        if (flush && !Policy.DirtyLogProtectBeforeHarvest) TlbiVmid(-1);
        Log(HostEventKind.DirtyLog, -1, region.Ipa, region.Size, detail: $"harvest pages={PopCount(snapshot)}");
        return snapshot;
    }

    /// <summary>
    /// KVM_CLEAR_DIRTY_LOG (manual protect): clears the requested bits from <paramref name="firstPage"/> (a multiple of
    /// 64) and write-protects exactly the pages whose bits it cleared, then flushes the TLBs.
    /// </summary>
    public void ClearDirtyLog(int slot, ulong firstPage, ReadOnlySpan<ulong> mask)
    {
        if (!ManualDirtyLogProtect) throw new InvalidOperationException("ClearDirtyLog needs ManualDirtyLogProtect");
        if (firstPage % 64 != 0) throw new ArgumentException("firstPage must be a multiple of 64");
        var region = SlotOrThrow(slot);
        var bitmap = region.DirtyBitmap;
        bool flush = false;
        for (int w = 0; w < mask.Length; w++)
        {
            int i = (int)(firstPage / 64) + w;
            if (i >= bitmap.Length || mask[w] == 0) continue;
            ulong cleared = bitmap[i] & mask[w];
            bitmap[i] &= ~mask[w];
            if (cleared == 0) continue;
            flush = true;
            WriteProtectPages(region, i, cleared);
        }
        if (flush) TlbiVmid(-1);
    }

    /// <summary>
    /// Dirty logging starts on a slot (kvm_prepare_memory_region() allocates the bitmap, kvm_arch_commit_memory_region()
    /// protects): the bitmap starts clear and the whole slot is write-protected, then the TLBs flushed — or, with
    /// <see cref="DirtyLogInitiallySet"/> under manual protect, the bitmap starts with every page set and nothing is
    /// protected (ClearDirtyLog protects the pages gradually).
    /// </summary>
    private void WriteProtectSlot(MemoryRegion region)
    {
        var bitmap = region.DirtyBitmap;
        if (ManualDirtyLogProtect && DirtyLogInitiallySet)
        {
            for (ulong page = 0; page < region.Pages; page += 64)
                bitmap[page / 64] = region.Pages - page >= 64 ? ulong.MaxValue : (1UL << (int)(region.Pages - page)) - 1;
            Log(HostEventKind.DirtyLog, -1, region.Ipa, region.Size, detail: $"initially-set pages={region.Pages}");
            return;
        }
        Array.Clear(bitmap);
        foreach (var leaf in Stage2.Leaves(region.Ipa, region.Size))
            WriteProtect(leaf.Ipa);
        TlbiVmid(-1);
    }

    private void WriteProtectPages(MemoryRegion region, int word, ulong mask)
    {
        while (mask != 0)
        {
            int bit = System.Numerics.BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            WriteProtect(region.Ipa + (((ulong)word * 64 + (ulong)bit) << Stage2PageTable.PageShift));
        }
    }

    private void WriteProtect(ulong ipa)
    {
        var leaf = Stage2.Lookup(ipa);
        if (leaf == null || (leaf.Value.Permissions & Stage2Permissions.Write) == 0) return;
        Stage2.SetPermissions(ipa, leaf.Value.Permissions & ~Stage2Permissions.Write);
        Counters.WriteProtects++;
        Log(HostEventKind.WriteProtect, -1, ipa, Stage2PageTable.PageSize);
    }

    private MemoryRegion SlotOrThrow(int slot) =>
        _slots.FirstOrDefault(s => s.Slot == slot) ?? throw new ArgumentException($"memslot {slot} does not exist");

    private static int PopCount(ulong[] words)
    {
        int n = 0;
        foreach (var w in words) n += System.Numerics.BitOperations.PopCount(w);
        return n;
    }
}
