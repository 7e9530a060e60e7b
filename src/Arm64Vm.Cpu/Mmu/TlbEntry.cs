using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

/// <summary>
/// One entry of the per-PE software TLB: a 4 KiB piece of a combined stage-1 + stage-2 translation with its
/// attributes and permissions, tagged by the ASID and VMID it was made under. <see cref="Fast"/> holds one bit per
/// (access, EL) for which the access may go straight to host memory at <c>VA + HostOffset</c>; everything else
/// (MMIO, cache-model pages, code pages for writes, faults) takes the slow path.
/// The entry is padded to <see cref="Size"/> bytes, a power of two, so the inline probe finds way 0 of a set with a
/// shift folded into the set hash instead of a multiplication (TLB-6, <see cref="TlbProbes"/>).
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = Size)]
public struct TlbEntry
{
    /// <summary>The size of an entry in bytes (a power of two: <see cref="TlbProbes"/> relies on it).</summary>
    public const int Size = 64;
    /// <summary>log2 of <see cref="Size"/>.</summary>
    public const int SizeShift = 6;

    public const ulong InvalidTag = ulong.MaxValue;
    /// <summary>
    /// Set in <see cref="VaPage"/> while the entry belongs to another context (a non-global entry of another ASID, or
    /// any entry of another VMID): no lookup matches it, and it comes back when its context does. Bit 11, above every
    /// alignment mask, so that the inline probe tests page and alignment in one compare (TLB-6, <see cref="Grants"/>).
    /// </summary>
    public const ulong ParkedBit = 1UL << 11;
    /// <summary>The largest alignment mask the one-compare hit test supports (below <see cref="ParkedBit"/>).</summary>
    public const ulong MaxAlignMask = ParkedBit - 1;

    // Permission bits (Perm) and fast-path bits (Fast).
    public const ushort ReadEl0 = 1 << 0, WriteEl0 = 1 << 1, ExecEl0 = 1 << 2;
    public const ushort ReadEl1 = 1 << 3, WriteEl1 = 1 << 4, ExecEl1 = 1 << 5;

    /// <summary>
    /// The lookup tag: the VA of the 4 KiB page while the entry is usable in the current context, that VA with
    /// <see cref="ParkedBit"/> while it is parked, or <see cref="InvalidTag"/>.
    /// </summary>
    public ulong VaPage;
    /// <summary>Host address minus VA, for the direct RAM path.</summary>
    public long HostOffset;
    /// <summary>Physical address of the 4 KiB page.</summary>
    public ulong PaPage;
    /// <summary>Effective attributes for data accesses.</summary>
    public MemoryAttributes DataAttributes;
    /// <summary>Effective attributes for instruction fetches.</summary>
    public MemoryAttributes FetchAttributes;
    public ushort Perm;
    public ushort Fast;
    /// <summary>ASID the entry was created under; ignored when <see cref="Global"/>.</summary>
    public ushort Asid;
    /// <summary>VMID the entry was created under (every entry, global or not, belongs to one VMID).</summary>
    public ushort Vmid;
    public bool Global;
    /// <summary>Made with stage 1 enabled (else a flat stage-1-disabled translation): only usable in the same mode.</summary>
    public bool Stage1;
    /// <summary>The attribute context (SCTLR_EL1 C/I/WXN and MAIR_EL1, see TlbContext.cs) the entry was made under.</summary>
    public byte AttrContext;
    /// <summary>log2 of the size of the translation this piece came from (12 for a 4 KiB page, 21 for a 2 MiB block...).</summary>
    public byte BlockShift;
    /// <summary>The TTBR half the translation came from (0 or 1); VA ranges with TTBR1 are the upper ones.</summary>
    public byte Region;
    /// <summary>Stage-1 leaf level (for permission fault syndromes).</summary>
    public byte Level;
    /// <summary>log2 of the stage-2 mapping size this piece came from, and the stage-2 leaf level.</summary>
    public byte S2BlockShift;
    public byte S2Level;
    /// <summary>Stage-1 permissions alone (<see cref="Perm"/> is stage 1 AND stage 2): tells which stage faults.</summary>
    public ushort Stage1Perm;
    /// <summary>Intermediate physical address of the 4 KiB piece (equal to <see cref="PaPage"/> without stage 2).</summary>
    public ulong IpaPage;

    /// <summary>True unless the entry is invalid.</summary>
    public readonly bool IsValid => VaPage != InvalidTag;

    /// <summary>The VA of the page whether the entry is usable or parked (valid entries only).</summary>
    public readonly ulong Page => VaPage & ~0xFFFUL;

    /// <summary>
    /// The hit test of the slow paths' memory-system shortcut (TLB-6), on permissions where the inline fast path tests
    /// fast bits: the entry maps <paramref name="va"/>'s page in the current context and grants <paramref name="perm"/>,
    /// and va is aligned to <paramref name="alignMask"/> + 1. On way 0 of va's set this is <see cref="Tlb.Find"/>'s
    /// way-0 test: if that grows more conditions, this must too.
    /// Page and alignment are one compare: a usable tag has bits [11:0] clear, so it equals va with those bits masked
    /// by <paramref name="alignMask"/> exactly when the page matches and va is aligned; a parked tag has bit 11 set and
    /// the invalid tag all bits, which va masked so (alignMask ≤ <see cref="MaxAlignMask"/>) never has.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Grants(ulong va, ushort perm, ulong alignMask) =>
        VaPage == (va & (~0xFFFUL | alignMask)) && (Perm & perm) != 0;
}

/// <summary>The outcome of a translation, before it is split into TLB entries.</summary>
public struct TranslationResult
{
    public ulong Pa;
    /// <summary>Output of stage 1 (input of stage 2).</summary>
    public ulong Ipa;
    public MemoryAttributes DataAttributes;
    public MemoryAttributes FetchAttributes;
    /// <summary>Combined permissions (stage 1 AND stage 2) and stage-1 permissions alone.</summary>
    public ushort Perm;
    public ushort Stage1Perm;
    public bool Global;
    public bool Stage1;
    public ushort Asid;
    public ushort Vmid;
    /// <summary>Stage-1 mapping size (log2) and leaf level; stage-2 mapping size and leaf level.</summary>
    public byte BlockShift;
    public byte Level;
    public byte S2BlockShift;
    public byte S2Level;
    public byte Region;
}
