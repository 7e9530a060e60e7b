using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Memory;

/// <summary>
/// The line TLB of one CPU (specs/coherence-invariants.md, LTLB-1..LTLB-6): lines of its L1D that are each the most
/// recently used of their set, so that a further L1D hit on one changes nothing of the model but the hit count, and
/// the CPU's inline load/store path may read or write its data in place. LTLB-5: <see cref="MaxSlots"/> entries, one
/// per slot, a line's slot being its line address modulo the number of slots (at most a page's lines, so a VA and its
/// PA name the same slot; with at least as many L1D sets as slots, all lines of one set share one slot).
/// Before a request the CPU names its line and the virtual address tags it may have (<see cref="Expect"/>); the memory
/// system offers a line after an access of this CPU that ends with the line the most recently used of its set, and the
/// offer of the expected line is taken into its slot there and then, with those tags (<see cref="Entry.ReadVa"/>,
/// <see cref="Entry.WriteVa"/>, <see cref="Offer"/>); the memory system takes an entry back on any
/// change of its line or of the LRU order of the line's set (<see cref="ForgetSet"/>, <see cref="ForgetIndex"/>), and
/// every entry on the TLB's events (<see cref="Forget"/>). One object per CPU, shared by both.
/// </summary>
public sealed unsafe class LineTlb
{
    /// <summary>The tag that matches no access.</summary>
    public const ulong NoLine = ulong.MaxValue;

    /// <summary>
    /// Entries at most (LTLB-5): a power of two, at most the 64 lines of a 4 KiB page, and at that most so that a page's
    /// lines each have a slot of their own (<see cref="Forget"/> keeps the slots taken in one 64-bit mask).
    /// </summary>
    public const int MaxSlots = 64;

    /// <summary>
    /// A line TLB that never hits (a CPU on a memory system without one): the inline paths test it like a real one,
    /// so they need no null test.
    /// </summary>
    public static LineTlb None() => new(null, dic: false);

    internal LineTlb(Cache? l1d, bool dic)
    {
        _l1d = l1d;
        _dic = dic;
        Stats = l1d?.Stats ?? new CacheLevelStatistics();
        _setMask = (l1d?.Sets ?? 1) - 1;
        _fewSets = _setMask < SlotMask;
        for (int s = 0; s < MaxSlots; s++) Clear(ref Slot(s));
    }

    private readonly Cache? _l1d;
    private readonly bool _dic;

    /// <summary>The slots minus one: a line's slot is its line address (PA or VA over 64) and this.</summary>
    public const int SlotMask = MaxSlots - 1;

    /// <summary>The L1D's sets minus one (a power of two minus one).</summary>
    private readonly int _setMask;

    /// <summary>
    /// The L1D has fewer sets than there are slots (small test geometries): the lines of one set then lie in several
    /// slots, which <see cref="ForgetSet"/> and <see cref="ForgetIndex"/> visit all.
    /// </summary>
    private readonly bool _fewSets;

    /// <summary>One entry: a line, its VA tags and where its data lives in the L1D.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Entry
    {
        /// <summary>
        /// LTLB-2: the VA of the line (VA with bits [5:0] clear) a naturally aligned read by the CPU may perform at
        /// <see cref="Data"/>, or <see cref="NoLine"/>. Written by the CPU when it takes an offer; cleared by either side.
        /// </summary>
        public ulong ReadVa;
        /// <summary>As <see cref="ReadVa"/> for writes: only for a line the L1D holds Unique and Dirty (LTLB-3).</summary>
        public ulong WriteVa;
        /// <summary>Host address of the line's 64 bytes in the L1D's data array (pinned, so the address stays valid).</summary>
        public byte* Data;
        /// <summary>The line's index in the L1D, or -1.</summary>
        public int Index;
    }

    [InlineArray(MaxSlots)]
    internal struct Entries
    {
        private Entry _first;
    }

    private Entries _entries;

    /// <summary>Entry <paramref name="slot"/> (0 to <see cref="SlotMask"/>; unchecked).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Entry Slot(int slot) => ref Unsafe.Add(ref Unsafe.As<Entries, Entry>(ref _entries), slot);

    /// <summary>The entry of the slot of <paramref name="address"/> (a VA or a PA: bits [11:6] of both are the same: the page offset).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Entry EntryOf(ulong address) =>
        ref Slot((int)(address >> CacheConfig.LineShift) & SlotMask);

    /// <summary>The entry of the slot of line address <paramref name="line"/> (PA >> 6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Entry EntryOfLine(ulong line) => ref Slot((int)line & SlotMask);

    /// <summary>The slot the CPU took its last offer into (tests and diagnostics: <see cref="ReadVa"/>, <see cref="WriteVa"/>).</summary>
    private int _lastSlot;

    /// <summary>The read tag of the entry the last offer was taken into (tests and diagnostics).</summary>
    public ulong ReadVa => Slot(_lastSlot).ReadVa;

    /// <summary>The write tag of the entry the last offer was taken into (tests and diagnostics).</summary>
    public ulong WriteVa => Slot(_lastSlot).WriteVa;

    /// <summary>Every entry's tags, slot by slot (tests: the shortcut properties compare them).</summary>
    public string Describe()
    {
        var parts = new string[SlotMask + 1];
        for (int s = 0; s <= SlotMask; s++)
        {
            ref Entry e = ref Slot(s);
            parts[s] = $"{e.ReadVa:X}/{e.WriteVa:X}/{e.Index}";
        }
        return string.Join(" ", parts);
    }

    /// <summary>
    /// LTLB-1: the PA line (PA >> 6) of the CPU's request in progress, whose offer it takes, or <see cref="NoLine"/>. The
    /// CPU sets it with the request's tags (<see cref="Expect"/>) and clears it when the request returns; an offer of
    /// another line, or made while no request of the CPU expects one (a table walk), takes nothing.
    /// </summary>
    public ulong PendingLine = NoLine;

    /// <summary>The read tag (LTLB-2) and write tag (LTLB-3, before the line's own state is known) for the pending request's line.</summary>
    private ulong _pendingReadVa = NoLine, _pendingWriteVa = NoLine;

    /// <summary>The L1D's hit counter: an access performed through the line TLB is an L1D hit and counts here (LTLB-4).</summary>
    public readonly CacheLevelStatistics Stats;

    /// <summary>
    /// Before a request of the CPU to PA line <paramref name="line"/>: its offer, if the memory system makes one, is taken
    /// with read tag <paramref name="readVa"/> (LTLB-2: the access's VA line if the TLB grants reads at this EL, else
    /// <see cref="NoLine"/>) and write tag <paramref name="writeVa"/>, kept (LTLB-3) only with inner write-back
    /// <paramref name="attributes"/> and DIC = 0 (no code observer must hear of a write), and at the offer only if the
    /// L1D then holds the line Unique and Dirty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Expect(ulong line, ulong readVa, ulong writeVa, MemoryAttributes attributes)
    {
        PendingLine = line;
        _pendingReadVa = readVa;
        _pendingWriteVa = !_dic && CacheMemorySystem.InnerWriteBack(attributes) ? writeVa : NoLine;
    }

    /// <summary>
    /// LTLB-1: the memory system's offer of <paramref name="line"/>, L1D index <paramref name="index"/> (metadata
    /// <paramref name="meta"/>), at the end of an access of this CPU that leaves the line its set's most recently used:
    /// taken into the line's slot when it is the pending request's line, with that request's tags.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Offer(ulong line, nuint index, in LineMeta meta)
    {
        if (line != PendingLine) return;
        PendingLine = NoLine;
        Take(line, index, meta.Unique && meta.State == LineState.Dirty);
    }

    /// <summary>Fills the entry of <paramref name="line"/>'s slot: its data in the L1D and the pending request's tags.</summary>
    private void Take(ulong line, nuint index, bool uniqueDirty)
    {
        _lastSlot = (int)line & SlotMask;
        _taken |= 1UL << _lastSlot;
        ref Entry e = ref Slot(_lastSlot);
        e.Index = (int)index;
        e.Data = (byte*)_l1d!.DataAddress + index * CacheConfig.LineSize;
        e.ReadVa = _pendingReadVa;
        e.WriteVa = uniqueDirty ? _pendingWriteVa : NoLine;
    }

    /// <summary>Clears an entry (both tags, with one 16-byte store: both <see cref="NoLine"/> are all ones) and its index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Clear(ref Entry e)
    {
        Unsafe.WriteUnaligned(ref Unsafe.As<Entry, byte>(ref e), Vector128<byte>.AllBitsSet);
        e.Index = -1;
    }

    /// <summary>
    /// LTLB-1: the entry of <paramref name="line"/>'s slot goes (the LRU order of the line's set changed, or the line is
    /// offered anew), or with fewer sets than slots the entries of every slot of its set. A slot also holds lines of
    /// other sets; forgetting one of those is only a lost hit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void ForgetLine(ulong line)
    {
        if (_fewSets) { ForgetSetSlots((int)line & _setMask, -1); return; }
        Clear(ref EntryOfLine(line));
    }

    /// <summary>LTLB-1: the LRU order of L1D set <paramref name="set"/> changed: the entry of its slot goes (of each of its slots).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void ForgetSet(int set)
    {
        if (_fewSets) { ForgetSetSlots(set, -1); return; }
        Clear(ref EntryOfLine((ulong)set));
    }

    /// <summary>LTLB-1: the state (Dirty, Unique) or presence of L1D line index <paramref name="index"/> of set <paramref name="set"/> changed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void ForgetIndex(int index, int set)
    {
        if (_fewSets) { ForgetSetSlots(set, index); return; }
        ref Entry e = ref EntryOfLine((ulong)set);
        if (e.Index == index) Clear(ref e);
    }

    /// <summary>With fewer sets than slots: clears the entries of every slot of <paramref name="set"/> (of line index <paramref name="index"/> only, unless -1).</summary>
    private void ForgetSetSlots(int set, int index)
    {
        for (int s = set; s < MaxSlots; s += _setMask + 1)
        {
            ref Entry e = ref Slot(s);
            if (index < 0 || e.Index == index) Clear(ref e);
        }
    }

    /// <summary>
    /// LTLB-1, LTLB-2: drops every entry, and the pending request's expectation, so that no tag worked out before the
    /// event is taken after it (the event may come within the request: a fill that gives a page its first cached line
    /// drops the page's direct-access bits, <c>Tlb.DropFastAccess</c>; that request's line is then not taken).
    /// </summary>
    public void Forget()
    {
        PendingLine = NoLine;
        // Only the slots taken into since the last time: the others hold no tag (a TLB that misses often, as a guest
        // whose buffers share a TLB set, forgets after every fill and takes a line or two in between).
        ulong taken = _taken;
        _taken = 0;
        for (; taken != 0; taken &= taken - 1) Clear(ref Slot(BitOperations.TrailingZeroCount(taken)));
    }

    /// <summary>
    /// The slots <see cref="Take"/> has filled since the last <see cref="Forget"/>, a bit each (<see cref="MaxSlots"/>
    /// is at most 64): only an entry taken can hold a tag, as only the CPU's taking sets tags. Forgetting one entry
    /// leaves its bit, so a bit may name a slot already clear.
    /// </summary>
    private ulong _taken;

    /// <summary>
    /// Whether an entry may hold a tag: false while no slot has been taken since the last <see cref="Forget"/> (every
    /// entry is then clear, so no probe can hit), as on flat memory or while this PE's data accesses are uncacheable.
    /// The CPU's inline paths try the line TLB before the TLB's direct path only while it is true (LTLB-6).
    /// </summary>
    public bool MayHit
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _taken != 0;
    }
}
