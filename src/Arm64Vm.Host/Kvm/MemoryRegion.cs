namespace Arm64Vm.Host.Kvm;

[Flags]
public enum MemoryRegionFlags
{
    None = 0,
    /// <summary>KVM_MEM_READONLY: guest writes exit to the VMM as MMIO.</summary>
    ReadOnly = 1,
    /// <summary>KVM_MEM_LOG_DIRTY_PAGES: writes are tracked in a dirty bitmap (H7).</summary>
    LogDirtyPages = 2,
}

/// <summary>
/// A memslot (KVM_SET_USER_MEMORY_REGION): guest-physical [Ipa, Ipa + Size) backed by host-physical pages from
/// <see cref="HostPa"/>, with its dirty bitmap (one bit per 4 KiB page, 64 pages per word) when logging. The backing of
/// a page can move (H13): after a swap-in or a copy-on-write break it lives in another host frame, and while swapped
/// out it has none — the per-page indirection the host's page tables give the VMM's mapping.
/// </summary>
public sealed class MemoryRegion
{
    private readonly Dictionary<ulong, ulong> _movedFrames = new();
    private readonly Dictionary<ulong, byte[]> _swapped = new();

    internal MemoryRegion(int slot, ulong ipa, ulong size, ulong hostPa, MemoryRegionFlags flags, bool hugePages = false)
    {
        HugePages = hugePages;
        Slot = slot;
        Ipa = ipa;
        Size = size;
        HostPa = hostPa;
        Flags = flags;
        DirtyBitmap = new ulong[(Pages + 63) / 64];
    }

    public int Slot { get; }
    public ulong Ipa { get; }
    public ulong Size { get; }
    public ulong HostPa { get; }
    public MemoryRegionFlags Flags { get; internal set; }
    public ulong Pages => Size >> Stage2PageTable.PageShift;
    public bool Writable => (Flags & MemoryRegionFlags.ReadOnly) == 0;
    public bool Logging => (Flags & MemoryRegionFlags.LogDirtyPages) != 0;
    /// <summary>H11: the backing is huge-page-backed (THP or hugetlbfs, 2 MiB pages) where it has not been split.</summary>
    public bool HugePages { get; }
    internal ulong[] DirtyBitmap { get; }

    public bool Contains(ulong ipa) => ipa - Ipa < Size;
    /// <summary>The host frame backing an IPA now (for a swapped-out page: the frame it had before the swap-out).</summary>
    public ulong ToHostPa(ulong ipa)
    {
        if (_movedFrames.Count != 0 && _movedFrames.TryGetValue(PageIndex(ipa), out ulong frame))
            return frame + (ipa & (Stage2PageTable.PageSize - 1));
        return HostPa + (ipa - Ipa);
    }

    /// <summary>True when the page holding the IPA is swapped out (its contents are in "swap", no frame backs it).</summary>
    public bool IsSwappedOut(ulong ipa) => _swapped.Count != 0 && _swapped.ContainsKey(PageIndex(ipa));

    /// <summary>
    /// fault_supports_stage2_huge_mapping and the THP test of transparent_hugepage_adjust: the 2 MiB block around the IPA
    /// lies wholly in the slot, the IPA and the backing have the same offset in a block, and no page of the block has
    /// moved (a swap or a copy-on-write break splits the huge page).
    /// </summary>
    public bool SupportsBlock(ulong ipa)
    {
        const ulong block = Stage2PageTable.BlockSize;
        ulong start = ipa & ~(block - 1);
        if (!HugePages || ((Ipa ^ HostPa) & (block - 1)) != 0) return false;
        if (start < Ipa || start + block > Ipa + Size) return false;
        ulong first = PageIndex(start), last = first + (block >> Stage2PageTable.PageShift);
        foreach (ulong p in _movedFrames.Keys) if (p >= first && p < last) return false;
        foreach (ulong p in _swapped.Keys) if (p >= first && p < last) return false;
        return true;
    }

    /// <summary>True once any page has left the slot's linear backing (moved or swapped out).</summary>
    public bool HasMovedPages => _movedFrames.Count != 0 || _swapped.Count != 0;

    internal void SetFrame(ulong ipa, ulong frame) => _movedFrames[PageIndex(ipa)] = frame;

    internal void SwapOut(ulong ipa, byte[] contents) => _swapped[PageIndex(ipa)] = contents;

    /// <summary>Takes the swapped-out contents of a page back (null when it is resident).</summary>
    internal byte[]? TakeSwapped(ulong ipa) => _swapped.Remove(PageIndex(ipa), out var contents) ? contents : null;

    private ulong PageIndex(ulong ipa) => (ipa - Ipa) >> Stage2PageTable.PageShift;

    internal void MarkDirty(ulong ipa)
    {
        if (!Logging) return;
        ulong page = (ipa - Ipa) >> Stage2PageTable.PageShift;
        DirtyBitmap[page / 64] |= 1UL << (int)(page % 64);
    }
}
