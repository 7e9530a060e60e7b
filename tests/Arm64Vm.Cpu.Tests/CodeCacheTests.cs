using Arm64Vm.Cpu.Decoding;
using Arm64Vm.Memory;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// <see cref="CodeCache.InvalidateRange"/> (CPU-RUN-3): a write or an L1I eviction over [pa, pa + size) resets exactly
/// the slots of the code pages whose 4-byte words it overlaps, however the range falls across pages, and counts them.
/// </summary>
public class CodeCacheTests
{
    private const ulong RamBase = 0x4000_0000;

    [Fact]
    public void InvalidateRangeResetsExactlyTheOverlappedSlotsOfCodePages()
    {
        var gen = from offset in Gen.Choose(0, 3 * 4096 - 1) from size in Gen.Choose(1, 5000) select (offset, size);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (offset, size) = t;
            var map = new PhysicalMemoryMap();
            var ram = map.AddRam(RamBase, 1 << 20);
            try
            {
                var cache = new CodeCache(map);
                // Pages 0 and 2 hold code, page 1 and page 3 do not.
                var pages = new[] { cache.GetPage(ram, RamBase), null, cache.GetPage(ram, RamBase + 0x2000) };
                foreach (var p in pages)
                    if (p != null)
                        for (int i = 0; i < CodeCache.SlotsPerPage; i++) { p[i].Kind = BlockEnds.Pure; p[i].Op = A64Op.ADD_imm_x; p[i].Handler = 1; }
                ulong pa = RamBase + (ulong)offset;
                cache.InvalidateRange(pa, size);
                long expected = 0;
                for (int pg = 0; pg < 3; pg++)
                {
                    if (pages[pg] is not { } page) continue;
                    for (int i = 0; i < CodeCache.SlotsPerPage; i++)
                    {
                        ulong word = RamBase + (ulong)(pg * 4096 + 4 * i);
                        bool overlapped = word + 4 > pa && word < pa + (ulong)size;
                        if (overlapped) expected++;
                        // Only the kind goes; the op and handler stay (CPU-DEC-2).
                        Assert.Equal((overlapped ? BlockEnds.NotDecoded : BlockEnds.Pure, A64Op.ADD_imm_x, (nint)1),
                            (page[i].Kind, page[i].Op, page[i].Handler));
                    }
                }
                Assert.Equal(expected, cache.InvalidatedSlots);
            }
            finally
            {
                ram.Dispose();
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200).WithQuietOnSuccess(true));
    }
}
