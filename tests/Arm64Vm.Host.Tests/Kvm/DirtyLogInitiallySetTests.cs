using Arm64Vm.Host.Kvm;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Arm64Vm.Host.Tests.Kvm.DirtyLogTests;

namespace Arm64Vm.Host.Tests.Kvm;

/// <summary>
/// H7 with KVM_DIRTY_LOG_INITIALLY_SET (manual protect, as QEMU uses it): no write-protect when logging starts, every
/// page reported dirty until ClearDirtyLog first clears it, which then protects exactly the pages it cleared. The
/// guest's store and the page helpers are <see cref="DirtyLogTests"/>'s.
/// </summary>
public class DirtyLogInitiallySetTests
{
    private const ulong RamSize = 16UL << 20;
    private const ulong SlotPages = RamSize >> 12;

    private static KvmRig Rig()
    {
        var rig = new KvmRig(StoreProgram, new VmmOptions { CacheModel = CacheModelKind.Off });
        rig.Vm.EnableManualDirtyLogProtect(initiallySet: true);
        return rig;
    }

    private static void SetLogging(KvmRig rig, bool on) => rig.Vm.SetUserMemoryRegion(0, VirtBoard.RamBase, RamSize,
        VirtBoard.RamBase, on ? MemoryRegionFlags.LogDirtyPages : MemoryRegionFlags.None);

    private static bool Dirty(ulong[] log, ulong ipa) => (log[Bit(ipa) / 64] & (1UL << (int)(Bit(ipa) % 64))) != 0;

    private static ulong[] MaskOf(params ulong[] ipas)
    {
        var mask = new ulong[SlotPages / 64];
        foreach (var ipa in ipas) mask[Bit(ipa) / 64] |= 1UL << (int)(Bit(ipa) % 64);
        return mask;
    }

    private static int PopCount(ulong[] words) => words.Sum(w => System.Numerics.BitOperations.PopCount(w));

    [Fact]
    public void H7_InitiallySetStartsLoggingWithoutWriteProtectAndEveryPageDirty()
    {
        using var rig = Rig();
        GuestWrite(rig, PageIpa(0), 1);                                  // writable in stage 2 before logging starts
        long tlbis = rig.Vm.Counters.Tlbis;
        SetLogging(rig, on: true);
        Assert.True(Writable(rig, PageIpa(0)));                          // kvm_arch_commit_memory_region returns early
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.WriteProtect));
        Assert.Equal(0, rig.Vm.Counters.WriteProtects);
        Assert.Equal(tlbis, rig.Vm.Counters.Tlbis);
        var log = rig.Vm.GetDirtyLog(0);
        Assert.Equal((int)SlotPages, PopCount(log));                     // bitmap_set(0, npages)
        Assert.Equal(log, rig.Vm.GetDirtyLog(0));                        // a snapshot clears nothing
    }

    [Fact]
    public void H7_InitiallySetPagesStayDirtyUntilClearedAndTheClearProtectsExactlyThosePages()
    {
        using var rig = Rig();
        GuestWrite(rig, PageIpa(0), 1);
        GuestWrite(rig, PageIpa(1), 2);
        SetLogging(rig, on: true);
        GuestWrite(rig, PageIpa(0), 3);                                  // no fault: still writable, still reported
        Assert.True(Dirty(rig.Vm.GetDirtyLog(0), PageIpa(0)));
        long tlbis = rig.Vm.Counters.Tlbis, lines = rig.Vm.Counters.LinesCleanedInvalidated;
        rig.Vm.ClearDirtyLog(0, 0, MaskOf(PageIpa(0), PageIpa(2)));
        Assert.Equal(lines, rig.Vm.Counters.LinesCleanedInvalidated);   // no cache maintenance in dirty logging
        Assert.False(Writable(rig, PageIpa(0)));                         // cleared: protected now
        Assert.True(Writable(rig, PageIpa(1)));                          // not cleared: left writable, still dirty
        Assert.Equal(tlbis + 1, rig.Vm.Counters.Tlbis);
        var log = rig.Vm.GetDirtyLog(0);
        Assert.False(Dirty(log, PageIpa(0)) || Dirty(log, PageIpa(2)));
        Assert.True(Dirty(log, PageIpa(1)) && Dirty(log, PageIpa(3)));
        Assert.Equal((int)SlotPages - 2, PopCount(log));
        GuestWrite(rig, PageIpa(0), 4);                                  // permission fault: W back, bit set again
        GuestWrite(rig, PageIpa(2), 5);                                  // never mapped: the write fault logs it
        log = rig.Vm.GetDirtyLog(0);
        Assert.True(Dirty(log, PageIpa(0)) && Dirty(log, PageIpa(2)));
    }

    [Fact]
    public void H7_InitiallySetStartsAgainAllSetWhenLoggingIsReenabled()
    {
        using var rig = Rig();
        SetLogging(rig, on: true);
        var all = rig.Vm.GetDirtyLog(0);
        rig.Vm.ClearDirtyLog(0, 0, all);
        Assert.Equal(0, PopCount(rig.Vm.GetDirtyLog(0)));
        SetLogging(rig, on: false);
        SetLogging(rig, on: true);                                       // a new bitmap, set again
        Assert.Equal((int)SlotPages, PopCount(rig.Vm.GetDirtyLog(0)));
    }

    /// <summary>One pre-copy round: guest writes, the snapshot, writes between snapshot and clear, and between clear and copy.</summary>
    public sealed record Round((int Page, ulong Value)[] Before, (int Page, ulong Value)[] AfterSnapshot, (int Page, ulong Value)[] AfterClear)
    {
        private static string Show((int Page, ulong Value)[] w) => string.Join(", ", w.Select(x => $"p{x.Page}={x.Value}"));
        public override string ToString() => $"Round(before [{Show(Before)}], after snapshot [{Show(AfterSnapshot)}], after clear [{Show(AfterClear)}])";
    }

    private const int PageCount = 4;

    private static Gen<(int, ulong)[]> Writes =>
        Gen.ArrayOf(Gen.Zip(Gen.Choose(0, PageCount - 1), Gen.Choose(1, int.MaxValue).Select(v => (ulong)v))
            .Select(t => (t.Item1, t.Item2)));

    private static Gen<Round> RoundGen =>
        Gen.Zip(Writes, Gen.Zip(Writes, Writes)).Select(t => new Round(t.Item1, t.Item2.Item1, t.Item2.Item2));

    /// <summary>Writes made before logging starts (the pages are writable in stage 2 then) and the rounds after.</summary>
    private static Arbitrary<((int, ulong)[] Pre, Round[] Rounds)> Schedules =>
        Arb.From(Gen.Zip(Writes, Gen.ArrayOf(RoundGen)).Select(t => (t.Item1, t.Item2)));

    /// <summary>
    /// QEMU's pre-copy with manual protect and INITIALLY_SET: no bulk copy — the first round's all-set bitmap sends every
    /// page; each round snapshots the log, clears (re-protects) what it will send, then copies those pages; a last round
    /// with the guest stopped. True when the destination ends equal to the source.
    /// </summary>
    private static bool MigrationConverges((int Page, ulong Value)[] pre, Round[] rounds)
    {
        using var rig = Rig();
        foreach (var (p, v) in pre) GuestWrite(rig, PageIpa(p), v);
        SetLogging(rig, on: true);
        var dest = new ulong[PageCount];
        void Round((int Page, ulong Value)[] afterSnapshot, (int Page, ulong Value)[] afterClear)
        {
            var log = rig.Vm.GetDirtyLog(0);
            foreach (var (p, v) in afterSnapshot) GuestWrite(rig, PageIpa(p), v);
            rig.Vm.ClearDirtyLog(0, 0, log);
            foreach (var (p, v) in afterClear) GuestWrite(rig, PageIpa(p), v);
            for (int p = 0; p < PageCount; p++)
                if (Dirty(log, PageIpa(p))) dest[p] = rig.ReadGuest64(PageIpa(p));
        }
        foreach (var r in rounds)
        {
            foreach (var (p, v) in r.Before) GuestWrite(rig, PageIpa(p), v);
            Round(r.AfterSnapshot, r.AfterClear);
        }
        Round(Array.Empty<(int, ulong)>(), Array.Empty<(int, ulong)>());    // the guest is stopped: the final round
        for (int p = 0; p < PageCount; p++)
            if (dest[p] != rig.ReadGuest64(PageIpa(p))) return false;
        return true;
    }

    [Fact]
    public void H7_InitiallySetMigrationEndsWithDestinationEqualToSourceForAnyInterleaving()
    {
        Prop.ForAll(Schedules, s => MigrationConverges(s.Pre, s.Rounds)).QuickCheckThrowOnFailure();
    }
}
