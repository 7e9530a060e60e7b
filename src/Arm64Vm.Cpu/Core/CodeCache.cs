using Arm64Vm.Cpu.Decoding;
using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

/// <summary>
/// Pre-decoded code, one 1024-slot page per 4 KiB physical page of RAM that has been executed. Slots decode lazily
/// on first execution and stay decoded; a write to a code page resets only the slots it overlaps, so data that
/// shares a page with code costs little. Steady-state execution never re-decodes.
/// <para>
/// Resetting a slot clears only its <see cref="DecodedInst.Kind"/> (to <see cref="BlockEnds.NotDecoded"/>), the one field
/// that says whether a slot is decoded (CPU-RUN-3): the run loop dispatches on it, and every other reader of a slot (the
/// per-instruction paths, the pairing of fused slots, the syndrome builder) tests it first. The rest stays: the run loop
/// executes through the slot, and the instruction whose own access resets it (a store over itself or into its own line
/// with DIC=1, an eviction of its line from the L1I) was dispatched before that access and must complete with the
/// operands it was fetched with. The next fetch of the slot decodes it anew — or, when the fetch returns the word the
/// slot still holds, takes the slot's own op, handler and operands again, which are exactly what decoding that word
/// gives (CPU-DEC-2). Execution handlers never read Op, Kind or Handler.
/// </para>
/// </summary>
public sealed class CodeCache
{
    public const int SlotsPerPage = Ram.PageSize / 4;

    /// <summary>
    /// CPU-RUN-5: a page's slots, plus one sentinel after the last: never decoded (Kind <see cref="BlockEnds.NotDecoded"/>,
    /// never <see cref="BlockEnds.Pure"/>), so a run of Pure slots stops at the page's end without a bound test. The
    /// run loop never dispatches it: it ends its block at the page's end first.
    /// </summary>
    internal const int SlotsPerArray = SlotsPerPage + 1;
    private readonly Dictionary<ulong, DecodedInst[]> _pages = new();

    public CodeCache(PhysicalMemoryMap map)
    {
        foreach (var ram in map.RamRegions) Attach(ram);
    }

    public int PageCount => _pages.Count;

    /// <summary>Slots reset because their bytes were written (self-modifying or reloaded code).</summary>
    public long InvalidatedSlots { get; private set; }

    public void Attach(Ram ram) => ram.CodeWritten += InvalidateRange;

    /// <summary>The pre-decoded page for a RAM physical page, created (all slots undecoded) on first use; its
    /// <see cref="SlotsPerPage"/> slots are followed by the sentinel (CPU-RUN-5).</summary>
    public DecodedInst[] GetPage(Ram ram, ulong paPage)
    {
        if (!_pages.TryGetValue(paPage, out var page))
        {
            page = new DecodedInst[SlotsPerArray];
            _pages.Add(paPage, page);
            ram.MarkCodePage(paPage);
        }
        return page;
    }

    /// <summary>Resets the slots of [pa, pa + size): their bytes were written, or (cache model) left this PE's L1I.</summary>
    public void InvalidateRange(ulong pa, int size)
    {
        ulong end = pa + (ulong)size;
        ulong a = pa & ~3UL;
        while (a < end)
        {
            // One lookup per page the range touches (a line's 16 slots share one), not one per slot.
            ulong pageBase = a & ~(ulong)(Ram.PageSize - 1);
            ulong stop = Math.Min(end, pageBase + Ram.PageSize);
            if (_pages.TryGetValue(pageBase, out var page))
            {
                for (; a < stop; a += 4)
                {
                    Reset(ref page[(a >> 2) & (SlotsPerPage - 1)]);
                    InvalidatedSlots++;
                }
            }
            a = Math.Max(a, (stop + 3) & ~3UL);
        }
    }

    /// <summary>Resets every slot of every page (all return to undecoded; the rest kept, as in <see cref="InvalidateRange"/>).</summary>
    public void Clear()
    {
        foreach (var page in _pages.Values)
            for (int i = 0; i < page.Length; i++) Reset(ref page[i]);
    }

    /// <summary>
    /// Returns a slot to undecoded: its kind, nothing else (see the class summary). The slot before it keeps its kind: a
    /// fused one (CPU-FUSE-1) finds this slot reset and runs alone.
    /// </summary>
    private static void Reset(ref DecodedInst slot) => slot.Kind = BlockEnds.NotDecoded;
}
