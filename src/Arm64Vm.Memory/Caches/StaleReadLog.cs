namespace Arm64Vm.Memory.Caches;

/// <summary>
/// C10 (specs/coherence-invariants.md): what the stale-read detector saw. A guest read is stale when the value it
/// returned differs from the coherent value — the newest write in the system: the top-most dirty copy of the line in
/// any data cache if there is one, else memory (PoC). Counted per 4 KiB page of physical address, split into data
/// reads and instruction fetches, with the first stale read of each page kept as an example.
/// </summary>
public sealed class StaleReadLog
{
    public const int PageShift = 12;
    private readonly Dictionary<ulong, StalePage> _pages = new();

    /// <summary>Stale reads of every page (data reads and fetches).</summary>
    public long Total { get; private set; }

    /// <summary>Pages with at least one stale read, by page address (PA with the low 12 bits clear).</summary>
    public IReadOnlyDictionary<ulong, StalePage> Pages => _pages;

    /// <summary>Records one stale read: the agent, where, how, what it returned and what the coherent value was.</summary>
    public void Record(int agent, ulong pa, int size, AccessKind kind, bool cacheable, ulong returned, ulong coherent)
    {
        ulong page = pa & ~((1UL << PageShift) - 1);
        if (!_pages.TryGetValue(page, out var p))
        {
            p = new StalePage(page, new StaleReadSample(agent, pa, size, kind, cacheable, returned, coherent));
            _pages.Add(page, p);
        }
        if (kind == AccessKind.Fetch) p.Fetches++;
        else p.DataReads++;
        Total++;
    }

    /// <summary>
    /// Reads at PoC (Non-cacheable, MMU off) by a CPU while a cache held a newer dirty copy of the line, that returned
    /// the coherent value anyway (the dirty copy held the bytes memory holds): the hazard was there, the value was not
    /// different. Per page, like <see cref="Pages"/>.
    /// </summary>
    public IReadOnlyDictionary<ulong, long> AroundDirtyPages => _aroundDirty;
    private readonly Dictionary<ulong, long> _aroundDirty = new();

    /// <summary>Every read counted in <see cref="AroundDirtyPages"/>.</summary>
    public long AroundDirty { get; private set; }

    public void RecordAroundDirty(ulong pa)
    {
        ulong page = pa & ~((1UL << PageShift) - 1);
        _aroundDirty[page] = _aroundDirty.GetValueOrDefault(page) + 1;
        AroundDirty++;
    }

    /// <summary>Forgets everything seen so far.</summary>
    public void Clear()
    {
        _pages.Clear();
        _aroundDirty.Clear();
        Total = AroundDirty = 0;
    }
}

/// <summary>One stale read: <see cref="Cacheable"/> false for a read at PoC (MMU off, Non-cacheable or Device).</summary>
public sealed record StaleReadSample(int Agent, ulong Pa, int Size, AccessKind Kind, bool Cacheable, ulong Returned, ulong Coherent)
{
    public override string ToString() =>
        $"cpu{Agent} {(Kind == AccessKind.Fetch ? "fetch" : "read")} {(Cacheable ? "cacheable" : "at PoC")} 0x{Pa:X}/{Size}: 0x{Returned:X} instead of 0x{Coherent:X}";
}

/// <summary>The stale reads of one page.</summary>
public sealed class StalePage(ulong page, StaleReadSample first)
{
    public ulong Page { get; } = page;
    public StaleReadSample First { get; } = first;
    public long DataReads { get; internal set; }
    public long Fetches { get; internal set; }
    public long Total => DataReads + Fetches;
}
