using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Arm64Vm.Memory;

/// <summary>
/// One contiguous RAM region of the physical address map, backed by zeroed native memory so the
/// interpreter's fast path can read and write through a raw pointer without bounds-checked arrays.
/// It also keeps one byte per 4 KiB page that says whether pre-decoded code exists for the page.
/// </summary>
public sealed unsafe class Ram : IDisposable
{
    public const int PageShift = 12;
    public const int PageSize = 1 << PageShift;

    private byte* _base;
    private readonly byte[] _codePages;
    /// <summary>Per page: lines of the page held in some cache of a cache model (kept by the model).</summary>
    private readonly int[] _cachedLines;
    /// <summary>Per page: 1 while a TLB may hold a direct (fast-path) Non-cacheable/Device entry for the page.</summary>
    private readonly byte[] _directPages;

    public Ram(ulong basePa, ulong size)
    {
        if (size == 0 || (size & (PageSize - 1)) != 0)
            throw new ArgumentException($"RAM size {size} is not a non-zero multiple of {PageSize}", nameof(size));
        if ((basePa & (PageSize - 1)) != 0)
            throw new ArgumentException($"RAM base 0x{basePa:X} is not page aligned", nameof(basePa));
        BasePa = basePa;
        Size = size;
        _base = (byte*)NativeMemory.AllocZeroed((nuint)size);
        _codePages = new byte[size >> PageShift];
        _cachedLines = new int[size >> PageShift];
        _directPages = new byte[size >> PageShift];
    }

    public ulong BasePa { get; }
    public ulong Size { get; }
    public ulong EndPa => BasePa + Size;
    public byte* BasePointer => _base;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(ulong pa) => pa - BasePa < Size;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(ulong pa, ulong length) => pa - BasePa < Size && length <= Size - (pa - BasePa);

    /// <summary>Host pointer for a physical address inside this region (caller checked Contains).</summary>
    public byte* PointerTo(ulong pa) => _base + (pa - BasePa);

    public Span<byte> Span(ulong pa, int length)
    {
        if (!Contains(pa, (ulong)length)) throw new ArgumentOutOfRangeException(nameof(pa), $"0x{pa:X}+{length} is outside RAM");
        return new Span<byte>(PointerTo(pa), length);
    }

    /// <summary>Raised when a write touches a page that holds pre-decoded code (pa, size).</summary>
    public event Action<ulong, int>? CodeWritten;

    /// <summary>Raised when a page becomes a code page, so TLB write entries for it can drop to the slow path.</summary>
    public event Action<ulong>? CodePageMarked;

    public bool IsCodePage(ulong pa) => _codePages[(pa - BasePa) >> PageShift] != 0;

    public void MarkCodePage(ulong pa)
    {
        ref byte flag = ref _codePages[(pa - BasePa) >> PageShift];
        if (flag != 0) return;
        flag = 1;
        CodePageMarked?.Invoke(pa & ~(ulong)(PageSize - 1));
    }

    public void ClearCodePage(ulong pa) => _codePages[(pa - BasePa) >> PageShift] = 0;

    /// <summary>Reports a write to the code tracker if the page holds code. Called by every slow-path writer.</summary>
    public void NoteWrite(ulong pa, int size)
    {
        ulong first = (pa - BasePa) >> PageShift, last = (pa + (ulong)size - 1 - BasePa) >> PageShift;
        for (ulong p = first; p <= last && p < (ulong)_codePages.Length; p++)
            if (_codePages[p] != 0) { CodeWritten?.Invoke(pa, size); return; }
    }

    /// <summary>
    /// Raised when a page that a TLB may access directly (see <see cref="TryMarkDirect"/>) gets its first cached line,
    /// so the TLB entries for it drop to the slow path (a Non-cacheable access may now hit a cached copy).
    /// </summary>
    public event Action<ulong>? PageCached;

    /// <summary>Per page, the lines held in some cache (the cache model's inline count path, see CachedPages).</summary>
    internal int[] CachedLineCounts => _cachedLines;

    /// <summary>Lines of the page of pa held in some cache of the cache model.</summary>
    public int CachedLines(ulong pa) => _cachedLines[(pa - BasePa) >> PageShift];

    /// <summary>
    /// Called when a TLB fills a direct Non-cacheable/Device entry for the page of pa: true (and the page is watched)
    /// when no cache holds a line of it, false when the entry must take the slow path.
    /// </summary>
    public bool TryMarkDirect(ulong pa)
    {
        ulong p = (pa - BasePa) >> PageShift;
        if (_cachedLines[p] != 0) return false;
        _directPages[p] = 1;
        return true;
    }

    /// <summary>A cache filled a line of the page of pa.</summary>
    public void AddCachedLine(ulong pa)
    {
        ulong p = (pa - BasePa) >> PageShift;
        if (_cachedLines[p]++ != 0 || _directPages[p] == 0) return;
        _directPages[p] = 0;
        PageCached?.Invoke(pa & ~(ulong)(PageSize - 1));
    }

    /// <summary>A cache dropped a line of the page of pa.</summary>
    public void RemoveCachedLine(ulong pa) => _cachedLines[(pa - BasePa) >> PageShift]--;

    public ulong ReadRaw(ulong pa, int size) => size switch
    {
        1 => *PointerTo(pa),
        2 => *(ushort*)PointerTo(pa),
        4 => *(uint*)PointerTo(pa),
        8 => *(ulong*)PointerTo(pa),
        _ => throw new ArgumentOutOfRangeException(nameof(size)),
    };

    public void WriteRaw(ulong pa, int size, ulong value)
    {
        switch (size)
        {
            case 1: *PointerTo(pa) = (byte)value; break;
            case 2: *(ushort*)PointerTo(pa) = (ushort)value; break;
            case 4: *(uint*)PointerTo(pa) = (uint)value; break;
            case 8: *(ulong*)PointerTo(pa) = value; break;
            default: throw new ArgumentOutOfRangeException(nameof(size));
        }
    }

    public void Dispose()
    {
        if (_base != null) { NativeMemory.Free(_base); _base = null; }
        GC.SuppressFinalize(this);
    }

    ~Ram() { if (_base != null) NativeMemory.Free(_base); }
}
