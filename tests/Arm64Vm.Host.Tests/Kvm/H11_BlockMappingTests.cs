using System.Text;
using Arm64Vm.Host.Images;
using Arm64Vm.Host.Kvm;
using Xunit;
using Xunit.Abstractions;
using static Arm64Vm.Host.Tests.Kvm.A64;

namespace Arm64Vm.Host.Tests.Kvm;

/// <summary>H11: 2 MiB stage-2 block mappings for a huge-page-backed memslot (user_mem_abort's mapping size).</summary>
public class H11_BlockMappingTests
{
    private const ulong Data = 0x4010_0000;              // in the same 2 MiB block as the code at 0x4008_0000
    private const uint Wfi = 0xD503207F;
    private const long LinesPerBlock = (long)(Stage2PageTable.BlockSize / 64);
    private static readonly VmmOptions Huge = new() { HugePages = true };
    private readonly ITestOutputHelper _output;

    public H11_BlockMappingTests(ITestOutputHelper output) => _output = output;

    /// <summary>Reads Data and Data + 0x3008 (two pages of the code's block) into X7 and X8 (SYSTEM_OFF zeroes X1-X3, H8).</summary>
    private static uint[] ReadTwoPages() => Concat(Mov(2, Data), new[] { LdrX(7, 2) }, Mov(2, Data + 0x3008), new[] { LdrX(8, 2) }, SystemOff());

    [Fact]
    public void H11_HugePageBackedFaultMapsTheWhole2MiBBlockAndCleansAndInvalidatesAllOfIt()
    {
        using var rig = new KvmRig(ReadTwoPages(), Huge);
        rig.WriteGuest64(Data, 0x1111);
        rig.WriteGuest64(Data + 0x3008, 0x2222);
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        // The CPU's stage-2 walker resolves both through the level-2 block, at the right offsets.
        Assert.Equal(0x1111UL, rig.Vcpu.GetX(7));
        Assert.Equal(0x2222UL, rig.Vcpu.GetX(8));
        var leaf = rig.Vm.Stage2.Lookup(Data)!.Value;
        Assert.True(leaf.IsBlock);
        Assert.Equal(0x4000_0000UL, leaf.Ipa);
        Assert.Equal(0x4000_0000UL, leaf.Pa);
        Assert.Equal(Stage2PageTable.BlockSize, leaf.Size);
        // One fault (the first fetch) maps the block executable: every line of it cleaned, the I-cache invalidated for all of it.
        Assert.Equal(1, rig.Vm.Counters.Stage2TranslationFaults);
        Assert.Equal(1, rig.Vm.Counters.BlocksMapped);
        var clean = Assert.Single(rig.Vm.Events.OfKind(HostEventKind.CleanInvalidate));
        Assert.Equal((Stage2PageTable.BlockSize, LinesPerBlock, "map"), (clean.Size, clean.Lines, clean.Detail));
        var icache = Assert.Single(rig.Vm.Events.OfKind(HostEventKind.IcacheInvalidate), e => e.Detail == "exec");
        Assert.Equal(LinesPerBlock, icache.Lines);
        // The clean happened before the block was published.
        Assert.True(clean.Sequence < Assert.Single(rig.Vm.Events.OfKind(HostEventKind.Map)).Sequence);
    }

    [Fact]
    public void H11_WithoutHugePagesTheSameGuestFaultsPerPage()
    {
        using var rig = new KvmRig(ReadTwoPages());
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Equal(3, rig.Vm.Counters.Stage2TranslationFaults);      // code page + two data pages
        Assert.Equal(0, rig.Vm.Counters.BlocksMapped);
        Assert.Equal(3 * 64, rig.Vm.Counters.LinesCleanedInvalidated);
        Assert.False(rig.Vm.Stage2.Lookup(Data)!.Value.IsBlock);
    }

    [Fact]
    public void H11_FwbMapsTheBlockWithoutAnyClean()
    {
        using var rig = new KvmRig(ReadTwoPages(), new VmmOptions { HugePages = true, Fwb = true });
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.True(rig.Vm.Stage2.Lookup(Data)!.Value.IsBlock);
        Assert.Equal(0, rig.Vm.Counters.LinesCleanedInvalidated);
    }

    [Fact]
    public void H11_ABlockNeedsTheWholeAlignedRangeInTheSlotAndTheSameAlignmentOnBothSides()
    {
        using var rig = new KvmRig(SystemOff(), Huge);
        rig.Vm.SetUserMemoryRegion(0, 0, 0, 0);                                           // delete slot 0
        // [0x4000_1000, 0x407F_F000): the first and the last 2 MiB block stick out of the slot.
        var head = rig.Vm.SetUserMemoryRegion(0, 0x4000_1000, (8UL << 20) - 0x2000, 0x4000_1000, hugePages: true)!;
        Assert.False(head.SupportsBlock(0x4000_1000));                 // block 0x4000_0000 starts before the slot
        Assert.True(head.SupportsBlock(0x4020_0000));
        Assert.True(head.SupportsBlock(0x405F_F000));
        Assert.False(head.SupportsBlock(0x4060_0000));                 // block 0x4060_0000 ends past the slot
        rig.Vm.SetUserMemoryRegion(0, 0, 0, 0);
        var skewed = rig.Vm.SetUserMemoryRegion(0, 0x4000_0000, 8UL << 20, 0x4000_1000, hugePages: true)!;
        Assert.False(skewed.SupportsBlock(0x4020_0000));               // IPA and host offsets in a block differ
        rig.Vm.SetUserMemoryRegion(0, 0, 0, 0);
        var plain = rig.Vm.SetUserMemoryRegion(0, 0x4000_0000, 8UL << 20, 0x4000_0000)!;
        Assert.False(plain.SupportsBlock(0x4020_0000));                // not huge-page-backed
    }

    /// <summary>Reads Data, waits (WFI: the host acts), writes Data, powers off.</summary>
    private static uint[] ReadWaitWrite() => Concat(Mov(2, Data), new[] { LdrX(1, 2), Wfi }, Mov(3, 0xD1D), new[] { StrX(3, 2) }, SystemOff());

    [Fact]
    public void H11_DirtyLoggingWriteProtectsTheBlockAndTheFirstWriteSplitsItIntoPages()
    {
        using var rig = new KvmRig(ReadWaitWrite(), Huge);
        Assert.Equal(StopReason.Idle, rig.Run().Reason);
        Assert.True(rig.Vm.Stage2.Lookup(Data)!.Value.IsBlock);
        rig.Vm.SetUserMemoryRegion(0, VirtBoard.RamBase, 16UL << 20, VirtBoard.RamBase, MemoryRegionFlags.LogDirtyPages);
        // Linux 6.12 enables logging by write-protecting (no eager split by default): the block stays, read-only.
        var wp = rig.Vm.Stage2.Lookup(Data)!.Value;
        Assert.True(wp.IsBlock);
        Assert.Equal(Stage2Permissions.None, wp.Permissions & Stage2Permissions.Write);
        long cleanedBefore = rig.Vm.Counters.LinesCleanedInvalidated;
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        // The write's permission fault (granule 2 MiB, logging forces 4 KiB) replaces the block by a table and maps the page.
        Assert.Equal(1, rig.Vm.Counters.BlockSplits);
        var page = rig.Vm.Stage2.Lookup(Data)!.Value;
        Assert.False(page.IsBlock);
        Assert.Equal(Stage2Permissions.Read | Stage2Permissions.Write, page.Permissions);
        Assert.Equal(0xD1DUL, rig.ReadGuest64(Data));
        // The code page, now outside any leaf, refaulted as a page (force_pte), and each page costs one page of cleaning.
        Assert.False(rig.Vm.Stage2.Lookup(KvmRig.Load)!.Value.IsBlock);
        Assert.Equal(0, (rig.Vm.Counters.LinesCleanedInvalidated - cleanedBefore) % 64);
        Assert.True(rig.Vm.Counters.LinesCleanedInvalidated - cleanedBefore < LinesPerBlock);
        ulong bit = (Data - VirtBoard.RamBase) >> 12;
        Assert.NotEqual(0UL, rig.Vm.GetDirtyLog(0)[bit / 64] & (1UL << (int)(bit % 64)));
    }

    [Fact]
    public void H11_AfterLoggingStopsAFaultCollapsesThePagesBackIntoABlock()
    {
        using var rig = new KvmRig(Concat(Mov(2, Data), new[] { StrX(2, 2), Wfi }, Mov(2, Data + 0x5000), new[] { LdrX(1, 2) }, SystemOff()), Huge);
        rig.Vm.SetUserMemoryRegion(0, VirtBoard.RamBase, 16UL << 20, VirtBoard.RamBase, MemoryRegionFlags.LogDirtyPages);
        Assert.Equal(StopReason.Idle, rig.Run().Reason);
        Assert.False(rig.Vm.Stage2.Lookup(Data)!.Value.IsBlock);
        ulong tablesBefore = rig.Vm.Stage2.TablePagesUsed;
        rig.Vm.SetUserMemoryRegion(0, VirtBoard.RamBase, 16UL << 20, VirtBoard.RamBase, MemoryRegionFlags.None);
        long seq = rig.Vm.Events.Total;
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.True(rig.Vm.Stage2.Lookup(Data)!.Value.IsBlock);           // stage2_map_walk_table_pre: the table goes
        Assert.Equal(tablesBefore - 1, rig.Vm.Stage2.TablePagesUsed);
        // The replaced table's pages leave the TLBs with a VMID-wide flush (kvm_tlb_flush_vmid_range without range TLBIs).
        Assert.Contains(rig.Vm.Events.OfKind(HostEventKind.Tlbi), e => e.Detail == "vmid-is" && e.Sequence >= seq);
    }

    [Fact]
    public void H11_UnmappingABlockCleansTheWholeBlock()
    {
        using var rig = new KvmRig(ReadTwoPages(), Huge);
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        long before = rig.Vm.Counters.LinesCleanedInvalidated;
        rig.Vcpu.Init();                                                  // H1 re-init: unmap every memslot (H2)
        var unmap = Assert.Single(rig.Vm.Events.OfKind(HostEventKind.Unmap));
        Assert.Equal((0x4000_0000UL, Stage2PageTable.BlockSize), (unmap.Address, unmap.Size));
        Assert.Equal(LinesPerBlock, rig.Vm.Counters.LinesCleanedInvalidated - before);
        Assert.Equal(512, rig.Vm.Counters.PagesUnmapped);
        Assert.Null(rig.Vm.Stage2.Lookup(Data));
    }

    [Fact]
    public void H11_UnmappingOnePageOfABlockUnmapsTheBlock()
    {
        using var rig = new KvmRig(ReadTwoPages(), Huge);
        rig.Run();
        Assert.Equal(1, rig.Vm.UnmapRange(Data, Stage2PageTable.PageSize, vcpu: -1));
        Assert.Null(rig.Vm.Stage2.Lookup(KvmRig.Load));
    }

    /// <summary>The reboot story (relocate.bin: boot 1 overwrites its table MMU-off and resets, boot 2 checks it) under a policy.</summary>
    private static (string Console, HostCounters Counters) Reboot(HostPolicy policy, bool hugePages)
    {
        var console = new StringBuilder();
        var image = ImageLoader.Load(GuestRunner.PathOf("scenarios/guests/bin/relocate.bin"));
        using var vmm = new Vmm(new VmmOptions { Policy = policy, HugePages = hugePages, Console = b => console.Append((char)b) }, new[] { image });
        vmm.Boot();
        Assert.Equal(StopReason.SystemOff, vmm.Run(5_000_000).Reason);
        return (console.ToString(), vmm.Vm.Counters);
    }

    [Fact]
    public void H11_RebootCostsOfKvmAndEagerFlushWithAndWithoutHugePages()
    {
        var results = new Dictionary<(string, bool), HostCounters>();
        foreach (var policy in new[] { HostPolicy.Kvm, HostPolicy.EagerFlushOnInit })
            foreach (bool huge in new[] { false, true })
            {
                var (console, c) = Reboot(policy, huge);
                Assert.Contains("boot 2 ok: table restored", console);
                results[(policy.Name, huge)] = c;
                _output.WriteLine($"{policy.Name,-20} hugepages={huge,-5} stage2-faults={c.Stage2Faults,4} blocks={c.BlocksMapped,2} " +
                                  $"lines-cleaned={c.LinesCleanedInvalidated,7} dirty-bytes={c.DirtyBytesWrittenBack,6} icache-lines={c.IcacheLinesInvalidated,6}");
            }
        foreach (var policy in new[] { "kvm", "eager-flush-on-init" })
        {
            var (pages, blocks) = (results[(policy, false)], results[(policy, true)]);
            Assert.True(blocks.Stage2Faults < pages.Stage2Faults, $"{policy}: blocks should need fewer faults");
            Assert.True(blocks.LinesCleanedInvalidated > pages.LinesCleanedInvalidated, $"{policy}: blocks clean whole 2 MiB ranges");
            Assert.Equal(0, blocks.LinesCleanedInvalidated % LinesPerBlock);
        }
        // kvm unmaps at the re-init (cleaning every block) and refaults them; the eager flush cleans the blocks in place
        // and boot 2 takes no fault for them.
        Assert.True(results[("eager-flush-on-init", true)].Stage2Faults < results[("kvm", true)].Stage2Faults);
    }
}
