using Arm64Vm.Host.Kvm;
using Xunit;
using static Arm64Vm.Host.Tests.Kvm.A64;

namespace Arm64Vm.Host.Tests.Kvm;

/// <summary>
/// H13: MMU-notifier events (swap-out/in, copy-on-write break) unmap stage 2 as H2 does and the guest refaults onto the
/// page's new host frame. The YAML stories scenarios/swap-page.yaml (S19) and scenarios/cow-break.yaml (S20) are the
/// end-to-end truth; these tests pin the host-side mechanics the YAML cannot see (frames, events, block splits).
/// </summary>
public class H13_MmuNotifierTests
{
    private const ulong Data = 0x4010_0000;
    private const uint Wfi = 0xD503207F;
    private const ulong A0 = 0xA0A0_0000_0000_00A0, A1 = 0xA1A1_1111_1111_11A1;

    /// <summary>MMU off: store A0 at Data, WFI, store A1, WFI, load Data into X5, power off.</summary>
    private static uint[] WriteTwiceThenRead() => Concat(
        Mov(2, Data), Mov(3, A0), new[] { StrX(3, 2), DsbSy, Wfi },
        Mov(3, A1), new[] { StrX(3, 2), DsbSy, Wfi },
        new[] { LdrX(5, 2) }, SystemOff());

    /// <summary>
    /// The story of S19/S20 in one place: the guest writes with the MMU off (straight to memory); between its two writes
    /// the VMM reads the page through its cacheable mapping (a clean line of A0 now sits in the host's cache, as a
    /// speculative fill through the linear map could leave it); after the second write the host moves the page.
    /// Returns what the guest reads back.
    /// </summary>
    private static (ulong Read, KvmRig Rig) MovePage(HostPolicy policy, Action<Vm> move, bool fwb = false)
    {
        var rig = new KvmRig(WriteTwiceThenRead(), new VmmOptions { Policy = policy, Fwb = fwb });
        Assert.Equal(StopReason.Idle, rig.Run().Reason);
        Assert.Equal(A0, rig.ReadGuest64(Data));
        Assert.Equal(StopReason.Idle, rig.Run().Reason);
        move(rig.Vm);
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        return (rig.Vcpu.GetX(5), rig);
    }

    [Fact]
    public void H13_SwapOutUnmapsAndCleansThenTheGuestRefaultsOntoTheSwappedInFrame()
    {
        var (read, rig) = MovePage(HostPolicy.Kvm, vm => vm.SwapOutPage(Data));
        using (rig)
        {
            Assert.Equal(A1, read);
            var notify = Assert.Single(rig.Vm.Events.OfKind(HostEventKind.MmuNotifier));
            Assert.Equal(("swap-out", 1L), (notify.Detail, notify.Lines));
            // H2 inside the notifier: the unmap cleaned the old frame before the host copied it out.
            Assert.Contains(rig.Vm.Events.OfKind(HostEventKind.CleanInvalidate), e => e.Detail == "unmap" && e.Address == Data && e.Sequence < notify.Sequence);
            var swapIn = Assert.Single(rig.Vm.Events.OfKind(HostEventKind.FrameMove));
            Assert.Equal("swap-in", swapIn.Detail);
            // The freed frame is the first one the pool hands out again (LIFO): the page came back where it was.
            Assert.Equal(Data, swapIn.Size);
            Assert.Equal((1L, 1L), (rig.Vm.Counters.SwapOuts, rig.Vm.Counters.SwapIns));
            // The refault mapped the frame after cleaning it (H3), so memory holds A1.
            Assert.Equal(A1, rig.PocValue(rig.Vm.Stage2.Lookup(Data)!.Value.Pa));
        }
    }

    [Fact]
    public void H13_WithoutTheUnmapCleanTheSwapCopiesTheHostsStaleLineAndTheGuestReadsOldData()
    {
        var (read, rig) = MovePage(HostPolicy.NoCmoOnUnmap, vm => vm.SwapOutPage(Data));
        using (rig) Assert.Equal(A0, read);                          // the stale clean line went to swap, not memory's A1
    }

    [Fact]
    public void H13_WithFwbTheGuestsMmuOffWritesAreCacheableAndNothingGoesStale()
    {
        foreach (var policy in new[] { HostPolicy.Kvm, HostPolicy.NoCmoOnUnmap })
        {
            var (read, rig) = MovePage(policy, vm => vm.SwapOutPage(Data), fwb: true);
            using (rig)
            {
                Assert.Equal(A1, read);
                Assert.Equal(0, rig.Vm.Counters.LinesCleanedInvalidated);
            }
        }
    }

    [Fact]
    public void H13_CowBreakMovesThePageToANewFrameThroughTwoNotifierUnmaps()
    {
        var (read, rig) = MovePage(HostPolicy.Kvm, vm => vm.BreakCow(Data));
        using (rig)
        {
            Assert.Equal(A1, read);
            Assert.Equal(new[] { "cow-share", "cow-break" }, rig.Vm.Events.OfKind(HostEventKind.MmuNotifier).Select(e => e.Detail));
            var move = Assert.Single(rig.Vm.Events.OfKind(HostEventKind.FrameMove));
            ulong newFrame = move.Size;
            Assert.NotEqual(Data, newFrame);
            Assert.Equal(newFrame, rig.Vm.Stage2.Lookup(Data)!.Value.Pa);
            Assert.Equal(newFrame, rig.Vm.FindSlot(Data)!.ToHostPa(Data));
            Assert.Equal(A1, rig.PocValue(newFrame));                   // the refault cleaned the copy to memory (H3)
            Assert.Equal(A1, rig.PocValue(Data));                       // the old frame, the other sharer's, is intact
            Assert.Equal(1, rig.Vm.Counters.CowBreaks);
        }
    }

    [Fact]
    public void H13_WithoutTheUnmapCleanTheCowCopyTakesTheStaleLine()
    {
        var (read, rig) = MovePage(HostPolicy.NoCmoOnUnmap, vm => vm.BreakCow(Data));
        using (rig) Assert.Equal(A0, read);
    }

    [Fact]
    public void H13_TheVmmTouchingASwappedPageSwapsItIn()
    {
        using var rig = new KvmRig(SystemOff());
        rig.WriteGuest64(Data + 8, 0x5EED);
        rig.Vm.SwapOutPage(Data);
        Assert.True(rig.Vm.FindSlot(Data)!.IsSwappedOut(Data));
        Assert.Equal(0x5EEDUL, rig.ReadGuest64(Data + 8));
        Assert.False(rig.Vm.FindSlot(Data)!.IsSwappedOut(Data));
        Assert.Equal(1, rig.Vm.Counters.SwapIns);
    }

    [Fact]
    public void H13_VmmAccessesAcrossAMovedPageFollowEachPagesFrame()
    {
        using var rig = new KvmRig(SystemOff());
        var pattern = Enumerable.Range(0, 3 * 4096).Select(i => (byte)(i * 7)).ToArray();
        rig.Vm.WriteGuest(Data, pattern);
        rig.Vm.BreakCow(Data + 0x1000);                                  // the middle page moves
        rig.Vm.FillGuest(Data + 0x0FF8, 16, 0xEE);                       // straddles the old and the moved page
        var back = new byte[pattern.Length];
        rig.Vm.ReadGuest(Data, back);
        for (int i = 0x0FF8; i < 0x1008; i++) pattern[i] = 0xEE;
        Assert.Equal(pattern, back);
    }

    [Fact]
    public void H13_SwappingAPageOfABlockUnmapsTheBlockAndTheRestRefaultsAsPages()
    {
        using var rig = new KvmRig(Concat(Mov(2, Data), new[] { LdrX(1, 2), Wfi, LdrX(1, 2) }, Mov(2, Data + 0x4000), new[] { LdrX(3, 2) }, SystemOff()),
            new VmmOptions { HugePages = true });
        Assert.Equal(StopReason.Idle, rig.Run().Reason);
        Assert.True(rig.Vm.Stage2.Lookup(Data)!.Value.IsBlock);
        long before = rig.Vm.Counters.LinesCleanedInvalidated;
        rig.Vm.SwapOutPage(Data);
        // The notifier's unmap takes the whole block and cleans all of it (H2, H11)...
        Assert.Equal(32768, rig.Vm.Counters.LinesCleanedInvalidated - before);
        Assert.Null(rig.Vm.Stage2.Lookup(KvmRig.Load));
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        // ...and the huge page is split for good: the code, the swapped-in page and its neighbour come back as pages.
        foreach (ulong ipa in new[] { KvmRig.Load, Data, Data + 0x4000 })
            Assert.False(rig.Vm.Stage2.Lookup(ipa)!.Value.IsBlock);
        Assert.False(rig.Vm.FindSlot(Data)!.SupportsBlock(Data));
    }
}
