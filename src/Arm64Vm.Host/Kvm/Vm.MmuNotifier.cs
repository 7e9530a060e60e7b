namespace Arm64Vm.Host.Kvm;

/// <summary>
/// H13: host memory-management events that Linux delivers to KVM through MMU notifiers
/// (kvm_mmu_notifier_invalidate_range_start → kvm_unmap_gfn_range → the stage-2 unmap of H2). Since Linux 6.9 there is no
/// change_pte notifier: a page that moves to a new host frame is unmapped and the guest refaults onto the new frame
/// (H3 cleans it before mapping). The host copies page contents with plain loads and stores through its cacheable
/// mapping (zswap's compression, copy_user_highpage), so what it copies is what its own cache shows.
/// </summary>
public sealed partial class Vm
{
    /// <summary>
    /// Swaps a guest page out (reclaim): the MMU notifier unmaps it from stage 2 (H2: clean+invalidate what it mapped),
    /// then the host copies the page's contents to swap through its cacheable mapping and frees the frame. The page
    /// comes back (<see cref="SwapInIfNeeded"/>) in a frame from <see cref="Frames"/> when the guest or the VMM touches it.
    /// </summary>
    public void SwapOutPage(ulong ipa)
    {
        var (slot, page) = ResidentPage(ipa, "swap out");
        var pool = Frames ?? throw new InvalidOperationException("the host has no frame pool: a swapped page could not come back");
        NotifyInvalidate(page, "swap-out");
        ulong frame = slot.ToHostPa(page);
        var contents = new byte[Stage2PageTable.PageSize];
        Host.Read(frame, contents);
        slot.SwapOut(page, contents);
        pool.Free(frame);
        Counters.SwapOuts++;
    }

    /// <summary>
    /// Breaks copy-on-write on a guest page, as a VMM write to a page it shares (after fork or a KSM merge) does. The
    /// sharing itself write-protects the host's mapping (MMU notifier: stage-2 unmap); the write fault then copies the
    /// page to a new frame through the host's cacheable mapping (wp_page_copy), switches the mapping (MMU notifier
    /// again) and the page lives in the new frame. The old frame stays with the other sharer.
    /// </summary>
    public void BreakCow(ulong ipa)
    {
        var (slot, page) = ResidentPage(ipa, "break copy-on-write on");
        var pool = Frames ?? throw new InvalidOperationException("the host has no frame pool for the copy");
        NotifyInvalidate(page, "cow-share");
        ulong oldFrame = slot.ToHostPa(page);
        ulong newFrame = pool.Allocate();
        var contents = new byte[Stage2PageTable.PageSize];
        Host.Read(oldFrame, contents);
        Host.Write(newFrame, contents);
        NotifyInvalidate(page, "cow-break");
        slot.SetFrame(page, newFrame);
        Counters.CowBreaks++;
        Log(HostEventKind.FrameMove, -1, page, newFrame, detail: "cow-copy");
    }

    /// <summary>
    /// do_swap_page: a swapped-out page comes back in a frame from the pool (the most recently freed one first), its
    /// contents copied in through the host's cacheable mapping. Nothing here cleans: the stage-2 fault that follows
    /// does (H3).
    /// </summary>
    internal void SwapInIfNeeded(MemoryRegion slot, ulong ipa, int vcpu)
    {
        if (!slot.IsSwappedOut(ipa)) return;
        ulong page = ipa & ~(Stage2PageTable.PageSize - 1);
        var contents = slot.TakeSwapped(page)!;
        ulong frame = Frames!.Allocate();
        Host.Write(frame, contents);
        slot.SetFrame(page, frame);
        Counters.SwapIns++;
        Log(HostEventKind.FrameMove, vcpu, page, frame, detail: "swap-in");
    }

    /// <summary>kvm_mmu_notifier_invalidate_range_start for one page: kvm_unmap_gfn_range (H2 over whatever maps it).</summary>
    private void NotifyInvalidate(ulong page, string why)
    {
        Counters.MmuNotifierInvalidations++;
        int leaves = UnmapRange(page, Stage2PageTable.PageSize, vcpu: -1);
        Log(HostEventKind.MmuNotifier, -1, page, Stage2PageTable.PageSize, leaves, why);
    }

    private (MemoryRegion Slot, ulong Page) ResidentPage(ulong ipa, string what)
    {
        var slot = FindSlot(ipa) ?? throw new ArgumentException($"cannot {what} IPA 0x{ipa:X}: it is not guest RAM");
        ulong page = ipa & ~(Stage2PageTable.PageSize - 1);
        SwapInIfNeeded(slot, page, -1);
        return (slot, page);
    }
}
