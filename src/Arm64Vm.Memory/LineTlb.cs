using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Memory;

/// <summary>
/// The line TLB of one CPU (specs/coherence-invariants.md, LTLB-1..LTLB-4): the line its L1D touched last, which a
/// further L1D hit on would change nothing of the model but the hit count, so the CPU's inline load/store path may
/// read or write its data in place. The memory system offers the line after an access of this CPU that ends with the
/// line the most recently used of its L1D (<see cref="Offered"/>); the CPU takes the offer by tagging it with the
/// virtual address of the line (<see cref="ReadVa"/>, <see cref="WriteVa"/>); the memory system takes it back
/// (<see cref="Forget"/>) on any change of that line or of the L1D's LRU order. One object per CPU, shared by both.
/// </summary>
public sealed unsafe class LineTlb
{
    /// <summary>The tag that matches no access.</summary>
    public const ulong NoLine = ulong.MaxValue;

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
    }

    private readonly Cache? _l1d;
    private readonly bool _dic;

    /// <summary>
    /// LTLB-2: the VA of the line (VA with bits [5:0] clear) a naturally aligned read by the CPU may perform at
    /// <see cref="Data"/>, or <see cref="NoLine"/>. Written by the CPU when it takes an offer; cleared by either side.
    /// </summary>
    public ulong ReadVa
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => Tags.Read;
        set => Tags.Read = value;
    }

    /// <summary>As <see cref="ReadVa"/> for writes: only for a line the L1D holds Unique and Dirty (LTLB-3).</summary>
    public ulong WriteVa
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => Tags.Write;
        set => Tags.Write = value;
    }

    /// <summary><see cref="ReadVa"/> and <see cref="WriteVa"/> side by side, so both are cleared by one 16-byte store.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    internal struct VaTags
    {
        public ulong Read;
        public ulong Write;
    }

    internal VaTags Tags = new() { Read = NoLine, Write = NoLine };

    /// <summary>Clears both tags (LTLB-1) with one store (both <see cref="NoLine"/>: all ones).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal void ClearTags() =>
        System.Runtime.CompilerServices.Unsafe.WriteUnaligned(
            ref System.Runtime.CompilerServices.Unsafe.As<VaTags, byte>(ref Tags), System.Runtime.Intrinsics.Vector128<byte>.AllBitsSet);

    /// <summary>Host address of the line's 64 bytes in the L1D's data array (pinned, so the address stays valid).</summary>
    public byte* Data;

    /// <summary>
    /// The PA line (PA >> 6) the last access offered, or <see cref="NoLine"/>: the CPU clears it before an access and
    /// takes the offer after it only when it names the line that access touched.
    /// </summary>
    public ulong Offered = NoLine;


    /// <summary>The L1D's hit counter: an access performed through the line TLB is an L1D hit and counts here (LTLB-4).</summary>
    public readonly CacheLevelStatistics Stats;

    /// <summary>Line index in the L1D of the offered line, or -1 (the memory system's side of the entry).</summary>
    internal int Index = -1;

    /// <summary>
    /// Takes the pending offer (the CPU checked <see cref="Offered"/> names its access's line): points
    /// <see cref="Data"/> at the line and returns whether it may also be written in place (LTLB-3: Unique and already
    /// Dirty, inner write-back <paramref name="attributes"/>, and DIC = 0 so no code observer must hear of a write).
    /// The caller then sets the tags.
    /// </summary>
    public bool Take(MemoryAttributes attributes)
    {
        var c = _l1d!;
        // The index the offer left, when it names the offered line (checked by tag: the hit path leaves an older one).
        int i = Index;
        if ((uint)i >= (uint)c.Tags.Length || c.Tags[i] != Offered) i = c.Find(Offered);
        Index = i;
        Offered = NoLine;
        Data = (byte*)c.DataAddress + Index * CacheConfig.LineSize;
        ref var m = ref c.Lines[Index];
        return m.Unique && m.State == LineState.Dirty && !_dic && CacheMemorySystem.InnerWriteBack(attributes);
    }

    /// <summary>
    /// LTLB-1: drops the entry (both tags). A pending offer needs no clearing: it is made at the very end of an access
    /// and the CPU clears it before its next one.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Forget()
    {
        ClearTags();
        Index = -1;
    }
}
