using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Arm64Vm.Cpu;

/// <summary>
/// Memory accesses of SIMD&amp;FP loads and stores. A vector access is performed as 64-bit little-endian pieces;
/// the alignment check (SCTLR_EL1.A) is made once per access by the caller with <see cref="CheckVectorAlignment"/>
/// against the architectural size (the element size for structure accesses, the register size otherwise). The
/// <c>elem</c> argument of the accessors is that size: an access not aligned to it faults on Device memory (Arm ARM
/// B2.5.2 / the ASL's AArch64.TranslateAddress: an unaligned access to Device memory is an Alignment fault; for a
/// 16-byte register access "aligned" means 16-byte aligned even though it is made as two 8-byte accesses).
/// </summary>
public sealed unsafe partial class CpuCore
{
    /// <summary>Alignment fault when SCTLR_EL1.A is set and <paramref name="va"/> is not aligned to <paramref name="align"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CheckVectorAlignment(ulong va, int align, bool write)
    {
        if ((va & (ulong)(align - 1)) != 0 && SysRegs.AlignmentCheckEnabled)
            RaiseDataAbort(va, FaultStatus.Alignment, write, AccessOptions.None);
    }

    /// <summary>
    /// Reads 8 bytes at any address. <paramref name="elem"/> is the element size used to split an access that
    /// is not 8-byte aligned and leaves the fast path (Device memory, page crossing).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong VecRead64(ulong va, int elem)
    {
        if (_tlbFast.TryHostPointer(va, _vecFastRead, 8, elem, out byte* p)) return Unsafe.ReadUnaligned<ulong>(p);
        // An aligned piece is one 8-byte request (VecReadSlow): the line TLB may serve it (LTLB-2).
        if (TryLinePointer(false, va, 7, out p)) return *(ulong*)p;
        return VecReadSlow(va, elem);
    }

    /// <summary>Writes 8 bytes at any address (see <see cref="VecRead64"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void VecWrite64(ulong va, ulong value, int elem)
    {
        if (_tlbFast.TryHostPointer(va, _vecFastWrite, 8, elem, out byte* p))
        {
            Unsafe.WriteUnaligned(p, value);
            return;
        }
        if (TryLinePointer(true, va, 7, out p))
        {
            *(ulong*)p = value;      // one 8-byte request (VecWriteSlow), LTLB-3
            return;
        }
        VecWriteSlow(va, value, elem);
    }

    /// <summary>Reads 16 bytes (two 64-bit pieces, low address first); <paramref name="elem"/> is 1-16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<byte> VecRead128(ulong va, int elem)
    {
        if (_tlbFast.TryHostPointer(va, _vecFastRead, 16, elem, out byte* p)) return Unsafe.ReadUnaligned<Vector128<byte>>(p);
        return VecRead128Slow(va, elem);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Vector128<byte> VecRead128Slow(ulong va, int elem)
    {
        if (elem == 16 && (va & 15) != 0) CheckDeviceUnaligned(va, write: false);
        int piece = elem > 8 ? 8 : elem;
        ulong lo = VecRead64(va, piece);
        ulong hi = VecRead64(va + 8, piece);
        return Vector128.Create(lo, hi).AsByte();
    }

    /// <summary>Writes 16 bytes; both pages are translated first when the access crosses a page.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void VecWrite128(ulong va, Vector128<byte> value, int elem)
    {
        if (_tlbFast.TryHostPointer(va, _vecFastWrite, 16, elem, out byte* p))
        {
            Unsafe.WriteUnaligned(p, value);
            return;
        }
        VecWrite128Slow(va, value, elem);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void VecWrite128Slow(ulong va, Vector128<byte> value, int elem)
    {
        PrepareVectorStore(va, 16);
        if (elem == 16 && (va & 15) != 0) CheckDeviceUnaligned(va, write: true);
        int piece = elem > 8 ? 8 : elem;
        VecWrite64(va, value.AsUInt64().GetElement(0), piece);
        VecWrite64(va + 8, value.AsUInt64().GetElement(1), piece);
    }

    /// <summary>
    /// A 16-byte register access that is not 16-byte aligned: an Alignment fault if its first byte is Device memory
    /// (after any translation or permission fault, which takes priority). When the access crosses into a Device page
    /// the ASL leaves the fault CONSTRAINED UNPREDICTABLE (Unpredictable_DEVPAGE2); this model does not fault there.
    /// </summary>
    private void CheckDeviceUnaligned(ulong va, bool write)
    {
        ref TlbEntry e = ref TranslateData(va, write);
        if (e.DataAttributes.IsDevice) RaiseDataAbort(va, FaultStatus.Alignment, write, AccessOptions.None);
    }

    /// <summary>
    /// Translates (with permission checks, taking any fault) every page a store of <paramref name="bytes"/> bytes
    /// touches, so that a multi-piece store that faults leaves memory unchanged.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrepareVectorStore(ulong va, int bytes)
    {
        if ((va & 0xFFF) + (ulong)bytes > 0x1000) PrepareVectorStoreSlow(va, bytes);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PrepareVectorStoreSlow(ulong va, int bytes)
    {
        ulong last = va + (ulong)bytes - 1;
        for (ulong page = va & PageMask; ; page += 0x1000)
        {
            TranslateData(page < va ? va : page, write: true);
            if (page == (last & PageMask)) break;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong VecReadSlow(ulong va, int elem)
    {
        if ((va & 7) == 0) return ReadSlow(va, 8, AccessOptions.None);
        ulong v = 0;
        for (int i = 0; i < 8; i += elem)
            v |= ReadPiece(va + (ulong)i, elem) << (8 * i);
        return v;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void VecWriteSlow(ulong va, ulong value, int elem)
    {
        if ((va & 7) == 0) { WriteSlow(va, 8, value, AccessOptions.None); return; }
        PrepareVectorStore(va, 8);
        for (int i = 0; i < 8; i += elem)
            WritePiece(va + (ulong)i, elem, value >> (8 * i));
    }

    /// <summary>One element-sized piece; an unaligned piece with SCTLR.A set is split further into bytes
    /// (the architectural check was already made by the caller).</summary>
    private ulong ReadPiece(ulong va, int size)
    {
        if ((va & (ulong)(size - 1)) != 0 && SysRegs.AlignmentCheckEnabled)
        {
            ulong v = 0;
            for (int i = 0; i < size; i++) v |= ReadSlow(va + (ulong)i, 1, AccessOptions.None) << (8 * i);
            return v;
        }
        return ReadSlow(va, size, AccessOptions.None);
    }

    private void WritePiece(ulong va, int size, ulong value)
    {
        if ((va & (ulong)(size - 1)) != 0 && SysRegs.AlignmentCheckEnabled)
        {
            for (int i = 0; i < size; i++) WriteSlow(va + (ulong)i, 1, value >> (8 * i), AccessOptions.None);
            return;
        }
        WriteSlow(va, size, value, AccessOptions.None);
    }
}
