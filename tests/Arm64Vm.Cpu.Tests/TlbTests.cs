using System.Runtime.CompilerServices;
using Arm64Vm.Memory;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// The <see cref="Tlb"/> type on its own (specs/tlb.md): lookup and fill over two ways, context parking, TLBI
/// selection by ASID, VMID, VA and IPA, the direct-access drops and the inline hit test, without a PE or page tables.
/// </summary>
public unsafe class TlbTests
{
    private const ushort All = TlbEntry.ReadEl0 | TlbEntry.WriteEl0 | TlbEntry.ExecEl0
                               | TlbEntry.ReadEl1 | TlbEntry.WriteEl1 | TlbEntry.ExecEl1;
    private const ushort Reads = TlbEntry.ReadEl0 | TlbEntry.ReadEl1, Writes = TlbEntry.WriteEl0 | TlbEntry.WriteEl1;

    /// <summary>A TLB in context (ASID 1, VMID 0, stage 1 on, one attribute context).</summary>
    private static Tlb NewTlb()
    {
        var tlb = new Tlb();
        tlb.Flush(asid: 1, vmid: 0, stage1: true, sctlrBits: 0, mair: 0);
        return tlb;
    }

    private static TranslationResult Page(ulong pa, ushort asid = 1, ushort vmid = 0, bool global = false,
        byte blockShift = 12, ulong ipa = ulong.MaxValue, byte s2BlockShift = 63) => new()
        {
            Pa = pa,
            Ipa = ipa == ulong.MaxValue ? pa : ipa,
            Perm = All,
            Stage1Perm = All,
            Global = global,
            Stage1 = true,
            Asid = asid,
            Vmid = vmid,
            BlockShift = blockShift,
            Level = 3,
            S2BlockShift = s2BlockShift,
            S2Level = 3,
        };

    private static bool Hits(Tlb tlb, ulong va) => !Unsafe.IsNullRef(ref tlb.Find(va));

    [Fact]
    public void TLB_1_AFillIsFoundByItsVaPageWithTheTranslationsPaAndNothingElseIs()
    {
        var tlb = NewTlb();
        tlb.Fill(0x1234_5000, Page(0x8000_0000), fast: 0, hostOffset: 0);
        ref TlbEntry e = ref tlb.Find(0x1234_5ABC);
        Assert.False(Unsafe.IsNullRef(ref e));
        Assert.Equal(0x8000_0000UL, e.PaPage);
        Assert.Equal(0x1234_5000UL, e.VaPage);
        Assert.False(Hits(tlb, 0x1234_6000));                            // the next page
        Assert.Equal(1UL, tlb.Fills);
    }

    [Fact]
    public void TLB_2_TwoPagesOfOneSetLiveInBothWaysAndAThirdEvictsTheLeastRecentlyUsed()
    {
        var tlb = NewTlb();
        // The set is VA[21:12] ^ VA[31:22]: these three pages share set 1.
        const ulong A = 0x40_0000, B1 = 0x80_3000, C1 = 0xC0_2000;
        Assert.Equal(Tlb.Index(A), Tlb.Index(B1));
        Assert.Equal(Tlb.Index(A), Tlb.Index(C1));
        tlb.Fill(A, Page(0x8000_0000), 0, 0);
        tlb.Fill(B1, Page(0x8000_1000), 0, 0);
        Assert.True(Hits(tlb, A));                                       // way 1, swapped into way 0
        Assert.Equal(1UL, tlb.Way1Hits);
        Assert.Equal(A, tlb.Snapshot[Tlb.Index(A)].VaPage);
        tlb.Fill(C1, Page(0x8000_2000), 0, 0);                          // B1 was least recently used
        Assert.True(Hits(tlb, A));
        Assert.True(Hits(tlb, C1));
        Assert.False(Hits(tlb, B1));
    }

    [Fact]
    public void TLB_3_AnotherAsidParksNonGlobalEntriesWhichComeBackWithTheirAsid()
    {
        var tlb = NewTlb();
        tlb.Fill(0x1000, Page(0x8000_0000, asid: 1), 0, 0);
        tlb.Fill(0x2000, Page(0x8000_1000, asid: 1, global: true), 0, 0);
        Assert.True(tlb.SwitchContext(asid: 2, vmid: 0, stage1: true, sctlrBits: 0, mair: 0));
        Assert.False(Hits(tlb, 0x1000));                                 // parked
        Assert.True(Hits(tlb, 0x2000));                                  // global: usable in every ASID
        Assert.False(tlb.SwitchContext(asid: 2, vmid: 0, stage1: true, sctlrBits: 0, mair: 0));   // no change
        tlb.SwitchContext(asid: 1, vmid: 0, stage1: true, sctlrBits: 0, mair: 0);
        Assert.True(Hits(tlb, 0x1000));
        Assert.Equal(2UL, tlb.ContextSwitches);
    }

    [Fact]
    public void TLB_3_AnotherVmidParksEvenGlobalEntries()
    {
        var tlb = NewTlb();
        tlb.Fill(0x2000, Page(0x8000_1000, global: true), 0, 0);
        tlb.SwitchContext(asid: 1, vmid: 5, stage1: true, sctlrBits: 0, mair: 0);
        Assert.False(Hits(tlb, 0x2000));
        tlb.SwitchContext(asid: 1, vmid: 0, stage1: true, sctlrBits: 0, mair: 0);
        Assert.True(Hits(tlb, 0x2000));
    }

    [Fact]
    public void TLB_4_InvalidateByAsidRemovesThatAsidsNonGlobalEntriesOnly()
    {
        var tlb = NewTlb();
        tlb.Fill(0x1000, Page(0x8000_0000, asid: 1), 0, 0);
        tlb.Fill(0x2000, Page(0x8000_1000, asid: 1, global: true), 0, 0);
        tlb.SwitchContext(asid: 3, vmid: 0, stage1: true, sctlrBits: 0, mair: 0);
        tlb.Fill(0x3000, Page(0x8000_2000, asid: 3), 0, 0);
        tlb.Invalidate(TlbiScope.Asid, 0, asid: 1, vmid: 0, anyVmid: false);   // the parked ASID 1 entry goes too
        Assert.True(Hits(tlb, 0x3000));
        Assert.True(Hits(tlb, 0x2000));
        tlb.SwitchContext(asid: 1, vmid: 0, stage1: true, sctlrBits: 0, mair: 0);
        Assert.False(Hits(tlb, 0x1000));
    }

    [Fact]
    public void TLB_4_InvalidateByVaMatchesAtTheStage1MappingSizeAndOnlyInTheIssuingVmid()
    {
        var tlb = NewTlb();
        // Two 4 KiB pieces of one 2 MiB block, and a page of the same VA in another VMID.
        tlb.Fill(0x20_0000, Page(0x8020_0000, blockShift: 21), 0, 0);
        tlb.Fill(0x3F_F000, Page(0x803F_F000, blockShift: 21), 0, 0);
        tlb.Fill(0x40_0000, Page(0x8040_0000), 0, 0);
        tlb.SwitchContext(asid: 1, vmid: 7, stage1: true, sctlrBits: 0, mair: 0);
        tlb.Fill(0x20_0000, Page(0x9000_0000, vmid: 7), 0, 0);
        tlb.SwitchContext(asid: 1, vmid: 0, stage1: true, sctlrBits: 0, mair: 0);
        tlb.Invalidate(TlbiScope.Va, 0x20_1000, asid: 1, vmid: 0, anyVmid: false);   // any address inside the block
        Assert.False(Hits(tlb, 0x20_0000));
        Assert.False(Hits(tlb, 0x3F_F000));
        Assert.True(Hits(tlb, 0x40_0000));
        tlb.SwitchContext(asid: 1, vmid: 7, stage1: true, sctlrBits: 0, mair: 0);
        Assert.True(Hits(tlb, 0x20_0000));                               // VMID 7's entry was not selected
        Assert.Equal(0x9000_0000UL, tlb.Find(0x20_0000).PaPage);
    }

    [Fact]
    public void TLB_4_InvalidateByVaOfAnotherAsidKeepsTheEntryButAllAsidsRemovesIt()
    {
        var tlb = NewTlb();
        tlb.Fill(0x5000, Page(0x8000_5000, asid: 1), 0, 0);
        tlb.Invalidate(TlbiScope.Va, 0x5000, asid: 2, vmid: 0, anyVmid: false);
        Assert.True(Hits(tlb, 0x5000));
        tlb.Invalidate(TlbiScope.VaAllAsids, 0x5000, asid: 2, vmid: 0, anyVmid: false);
        Assert.False(Hits(tlb, 0x5000));
    }

    [Fact]
    public void TLB_4_InvalidateByIpaMatchesAtTheStage2MappingSizeAndNeverWithoutStage2()
    {
        var tlb = NewTlb();
        tlb.Fill(0x1000, Page(0x8000_0000, ipa: 0x4000_0000, s2BlockShift: 21), 0, 0);
        tlb.Fill(0x2000, Page(0x5000_0000, ipa: 0x5000_0000), 0, 0);     // no stage 2 (S2BlockShift 63)
        tlb.Invalidate(TlbiScope.Ipa, 0x5000_0000, asid: 0, vmid: 0, anyVmid: false);
        Assert.True(Hits(tlb, 0x2000));
        Assert.True(Hits(tlb, 0x1000));
        tlb.Invalidate(TlbiScope.Ipa, 0x401F_F000, asid: 0, vmid: 0, anyVmid: false);   // same 2 MiB stage-2 block
        Assert.True(Hits(tlb, 0x2000));
        Assert.False(Hits(tlb, 0x1000));
    }

    [Fact]
    public void TLB_4_InvalidateAllOfAnyVmidRemovesParkedEntriesOfEveryVmid()
    {
        var tlb = NewTlb();
        tlb.Fill(0x1000, Page(0x8000_0000), 0, 0);
        tlb.SwitchContext(asid: 1, vmid: 2, stage1: true, sctlrBits: 0, mair: 0);
        tlb.Fill(0x1000, Page(0x8000_1000, vmid: 2), 0, 0);
        tlb.Invalidate(TlbiScope.All, 0, asid: 0, vmid: 2, anyVmid: false);
        Assert.Single(tlb.Entries, e => e.IsValid);                      // VMID 0's, parked
        tlb.Invalidate(TlbiScope.All, 0, asid: 0, vmid: 2, anyVmid: true);
        Assert.DoesNotContain(tlb.Entries, e => e.IsValid);
    }

    [Fact]
    public void TLB_5_ACodePageLosesItsDirectWritesButKeepsReadsAndTheTranslation()
    {
        var tlb = NewTlb();
        tlb.Fill(0x1000, Page(0x8000_0000), fast: Reads | Writes, hostOffset: 0x100);
        tlb.Fill(0x2000, Page(0x8000_1000), fast: Reads | Writes, hostOffset: 0x100);
        tlb.DropFastWrites(0x8000_0000);
        Assert.Equal(Reads, tlb.Find(0x1000).Fast);
        Assert.Equal(All, tlb.Find(0x1000).Perm);
        Assert.Equal(Reads | Writes, tlb.Find(0x2000).Fast);             // another physical page
        tlb.DropFastAccess(0x8000_1000);                                 // its first cached line
        Assert.Equal(0, tlb.Find(0x2000).Fast);
        Assert.True(Hits(tlb, 0x2000));
    }

    [Fact]
    public void TLB_6_TheFastPathHitsOnlyAWay0EntryWithTheFastBitOnAnAlignedAccess()
    {
        var tlb = NewTlb();
        byte* host = (byte*)0x10_0000;
        long offset = (long)host - 0x7000;
        tlb.Fill(0x7000, Page(0x8000_7000), fast: TlbEntry.ReadEl1, hostOffset: offset);
        var fast = tlb.FastPath;
        Assert.True(fast.TryHostPointer(0x7010, TlbEntry.ReadEl1, 7, out byte* p));
        Assert.Equal((nint)(host + 0x10), (nint)p);
        Assert.False(fast.TryHostPointer(0x7014, TlbEntry.ReadEl1, 7, out _));   // not 8-byte aligned
        Assert.False(fast.TryHostPointer(0x7010, TlbEntry.WriteEl1, 7, out _));  // no fast write bit
        Assert.False(fast.TryHostPointer(0x7010, TlbEntry.ReadEl0, 7, out _));   // not at EL0
        Assert.False(fast.TryHostPointer(0x8010, TlbEntry.ReadEl1, 7, out _));   // another page
        Assert.True(fast.TryHostPointer(0x7FF4, TlbEntry.ReadEl1, bytes: 8, elem: 4, out _));   // vector: in the page
        Assert.False(fast.TryHostPointer(0x7FFC, TlbEntry.ReadEl1, bytes: 8, elem: 4, out _));  // crosses the page
        Assert.True(tlb.Find(0x7010).Grants(0x7010, TlbEntry.WriteEl1, 7));      // permitted, not fast
        Assert.False(tlb.Find(0x7010).Grants(0x7014, TlbEntry.WriteEl1, 7));     // unaligned
        tlb.SwitchContext(asid: 2, vmid: 0, stage1: true, sctlrBits: 0, mair: 0);
        Assert.False(fast.TryHostPointer(0x7010, TlbEntry.ReadEl1, 7, out _));   // parked
    }

    [Fact]
    public void TLB_6_AnUnalignedVectorAccessToDeviceMemoryLeavesTheFastPath()
    {
        var tlb = NewTlb();
        var r = Page(0x8000_7000);
        r.DataAttributes = MemoryAttributes.DeviceNGnRnE;
        tlb.Fill(0x7000, r, fast: TlbEntry.ReadEl1, hostOffset: 0x10_0000);
        Assert.True(tlb.FastPath.TryHostPointer(0x7010, TlbEntry.ReadEl1, bytes: 8, elem: 8, out _));
        Assert.False(tlb.FastPath.TryHostPointer(0x7012, TlbEntry.ReadEl1, bytes: 8, elem: 8, out _));
    }
    [Fact]
    public void TLB_6_TheFastPathProbesWay0OfTheSetTlbIndexNamesInEntriesOfAPowerOfTwoSize()
    {
        Assert.Equal(TlbEntry.Size, Unsafe.SizeOf<TlbEntry>());
        Assert.Equal(1 << TlbEntry.SizeShift, TlbEntry.Size);
        var rng = new Random(12);
        for (int i = 0; i < 10_000; i++)
        {
            ulong va = (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 33);
            Assert.Equal((nuint)(Tlb.Index(va) * TlbEntry.Size), TlbProbes.EntryOffset(va));
        }
        // Every set, through the probe: each page's own host offset comes back.
        var tlb = NewTlb();
        for (ulong page = 0; page < Tlb.Sets; page++)
            tlb.Fill(page << 12, Page(0x8000_0000 + (page << 12)), fast: TlbEntry.ReadEl1, hostOffset: (long)(page << 20));
        for (ulong page = 0; page < Tlb.Sets; page++)
        {
            ulong va = (page << 12) | 0x18;
            Assert.True(tlb.FastPath.TryHostPointer(va, TlbEntry.ReadEl1, 7, out byte* p));
            Assert.Equal((nint)((page << 20) + va), (nint)p);
            Assert.Equal(page << 12, tlb.FastPath.Way0Of(va).VaPage);
        }
    }

    [Fact]
    public void TLB_6_AParkedOrInvalidEntryNeverHitsWhateverTheOffsetAndAlignmentTested()
    {
        // Page and alignment are one compare (TlbEntry.Grants): a parked tag (bit 11 set) or the invalid tag must
        // not equal any VA of the page masked by any alignment mask the fast paths use.
        var tlb = NewTlb();
        tlb.Fill(0x7000, Page(0x8000_7000), fast: TlbEntry.ReadEl1, hostOffset: 0x10_0000);
        tlb.SwitchContext(asid: 2, vmid: 0, stage1: true, sctlrBits: 0, mair: 0);
        var fresh = NewTlb();
        foreach (ulong mask in new ulong[] { 0, 1, 3, 7, 15 })
        {
            for (ulong off = 0; off < 0x1000; off++)
            {
                Assert.False(tlb.FastPath.TryHostPointer(0x7000 + off, TlbEntry.ReadEl1, mask, out _));
                Assert.False(tlb.FastPath.Way0Of(0x7000 + off).Grants(0x7000 + off, TlbEntry.ReadEl1, mask));
            }
            Assert.False(fresh.FastPath.TryHostPointer(ulong.MaxValue & ~mask, TlbEntry.ReadEl1, mask, out _));
            Assert.False(fresh.FastPath.Way0Of(ulong.MaxValue).Grants(ulong.MaxValue & ~mask, All, mask));
        }
        tlb.SwitchContext(asid: 1, vmid: 0, stage1: true, sctlrBits: 0, mair: 0);     // un-parked: hits again
        Assert.True(tlb.FastPath.TryHostPointer(0x7FF8, TlbEntry.ReadEl1, 7, out _));
        Assert.False(tlb.FastPath.TryHostPointer(0x7FF9, TlbEntry.ReadEl1, 7, out _));
        Assert.True(tlb.FastPath.TryHostPointer(0x7FF9, TlbEntry.ReadEl1, 0, out _));
    }

    /// <summary>
    /// TLB-7: a TLBI by VA that only probes the set of its page, when the block filter shows no block entry may cover
    /// the address, selects
    /// exactly what the full scan of TLB-4 selects: after random fills (4 KiB pages and 16 KiB to 1 GiB mappings, low and
    /// high VAs with tagged top bytes, global or of one of three ASIDs, two VMIDs), context switches and TLBIs by VA — of
    /// filled pages, of other pages of their blocks, of unrelated pages — and full flushes, the TLB holds the entries of
    /// a twin TLB that took the same steps with every TLBI as a scan of all entries.
    /// </summary>
    [Fact]
    public void TLB_7_InvalidateByVaProbingOneSetSelectsWhatTheFullScanSelects()
    {
        var steps = Gen.ListOf(Gen.Choose(int.MinValue, int.MaxValue).Zip(Gen.Choose(int.MinValue, int.MaxValue), (a, b) => ((ulong)(uint)a << 32) | (uint)b));
        Prop.ForAll(Arb.From(steps), words =>
        {
            var tlb = NewTlb();
            var twin = NewTlb();
            var filled = new List<ulong>();
            ushort vmid = 0, asid = 1;
            foreach (ulong w in words)
            {
                int[] shifts = { 12, 12, 12, 14, 16, 21, 21, 25, 30 };
                int shift = shifts[(int)(w % (ulong)shifts.Length)];
                ulong region = ((w >> 8) & 1) != 0 ? 0x00FF_8000_0000_0000UL : 0;
                ulong tag = ((w >> 9) & 1) != 0 ? 0x5A00_0000_0000_0000UL : 0;      // a top byte (TBI): never compared
                ulong va = (region | ((w >> 10) & 0x3FF_FFFF) << 12) & ~0xFFFUL;
                switch ((w >> 4) % 8)
                {
                    case 0 or 1 or 2:
                        var r = Page(0x8000_0000 | (va & 0x3FFF_F000), asid: (ushort)(1 + (w >> 40) % 3), vmid: vmid,
                            global: ((w >> 42) & 1) != 0, blockShift: (byte)shift);
                        tlb.Fill(tag | va, r, 0, 0);
                        twin.Fill(tag | va, r, 0, 0);
                        filled.Add(va);
                        break;
                    case 3 or 4:
                    {
                        // A filled page, another page of its block (of the largest mapping), or any page.
                        ulong addr = filled.Count == 0 || ((w >> 43) & 3) == 0 ? va
                            : (filled[(int)((w >> 45) % (ulong)filled.Count)] & ~((1UL << 30) - 1)) | (va & ((1UL << 30) - 1) & ~0xFFFUL);
                        var scope = ((w >> 47) & 1) != 0 ? TlbiScope.Va : TlbiScope.VaAllAsids;
                        ushort a = (ushort)(1 + (w >> 48) % 3);
                        tlb.Invalidate(scope, addr, a, vmid, anyVmid: false);
                        ushort v = vmid;
                        twin.InvalidateWhere(e => e.Vmid == v && (scope == TlbiScope.VaAllAsids || e.Global || e.Asid == a)
                            && (((e.Page & 0x00FF_FFFF_FFFF_FFFFUL) ^ addr) >> e.BlockShift) == 0);
                        break;
                    }
                    case 5:
                        asid = (ushort)(1 + (w >> 50) % 3);
                        vmid = (ushort)((w >> 52) & 1);
                        tlb.SwitchContext(asid, vmid, stage1: true, sctlrBits: 0, mair: 0);
                        twin.SwitchContext(asid, vmid, stage1: true, sctlrBits: 0, mair: 0);
                        break;
                    case 6:
                        if (((w >> 53) & 7) == 0)
                        {
                            tlb.InvalidateAll();
                            twin.InvalidateAll();
                            filled.Clear();
                        }
                        break;
                    default:
                        Assert.Equal(Hits(twin, tag | va), Hits(tlb, tag | va));
                        break;
                }
                Assert.Equal(twin.Entries.Select(e => e.VaPage), tlb.Entries.Select(e => e.VaPage));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true));
    }
}
