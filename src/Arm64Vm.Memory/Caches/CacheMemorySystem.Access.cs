using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Arm64Vm.Memory.Caches;

/// <summary>Reads and writes: the L1 hit paths, cacheable misses, non-cacheable/Device accesses, DMA masters.</summary>
public sealed partial class CacheMemorySystem
{
    /// <summary>Normal memory whose inner cacheability is WB or WT (bits [2:0] = Normal, [4:3] != NC).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InnerCacheable(MemoryAttributes a) => (a.Bits & 7) == (int)MemoryType.Normal && (a.Bits & 0x18) != 0;

    /// <summary>Normal, inner write-back (the only attributes whose write hits may stay in the L1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool InnerWriteBack(MemoryAttributes a) => (a.Bits & 0x1F) == ((int)MemoryType.Normal | ((int)Cacheability.WriteBack << 3));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe bool TryRead(int agent, ulong pa, int size, AccessKind kind, MemoryAttributes attributes, out ulong value)
    {
        // Hit path: a CPU's cacheable data read that hits its L1D (one L1Hint per CPU agent, so the length is the CPU count).
        var hints = _cpuL1d;
        if ((uint)agent < (uint)hints.Length && kind != AccessKind.Fetch && InnerCacheable(attributes))
        {
            nuint off = (nuint)pa & (L - 1);
            if (off + (nuint)size <= L)
            {
                ref L1Hint h = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(hints), agent);
                ulong line = pa >> CacheConfig.LineShift;
                // Other geometries always miss here (L1Hint.TryFindLine2) and are served by ReadMissed.
                if (!h.TryFindLine2(line, out nuint i)) return ReadMissed(agent, pa, size, kind, attributes, out value);
                value = ReadAt(ref h.DataAt(i, off), size);
                h.Stats.Hits++;
                // LTLB-1: the offer (the hint's line TLB, or the sink while it is detached). The entry of the set's slot
                // goes only when the LRU order changes: a hit on its set's most recently used line leaves every entry
                // exact (LTLB-5).
                LineMeta* lines = h.Lines;
                if (h.TouchHit(lines, i)) h.Mru.ForgetLine(line);
                h.Mru.Offer(line, i, in lines[i]);
                return true;
            }
        }
        return ReadSlow(agent, pa, size, kind, attributes, out value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe bool TryWrite(int agent, ulong pa, int size, AccessKind kind, MemoryAttributes attributes, ulong value)
    {
        // Hit path: a CPU's write-back write that hits a line its L1D holds uniquely (hints as in TryRead).
        var hints = _cpuL1d;
        if ((uint)agent < (uint)hints.Length && InnerWriteBack(attributes))
        {
            nuint off = (nuint)pa & (L - 1);
            if (off + (nuint)size <= L)
            {
                ref L1Hint h = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(hints), agent);
                ulong line = pa >> CacheConfig.LineShift;
                // Other geometries, and DIC = 1 (a write tells the code observers, NoteDataChanged), always miss here
                // (L1Hint.TryFindLine2ForWrite) and are served by WriteMissed, so this path makes no call.
                if (!h.TryFindLine2ForWrite(line, out nuint i)) return WriteMissed(agent, pa, size, attributes, value);
                LineMeta* lines = h.Lines;
                if (lines[i].Unique)
                {
                    WriteAt(ref h.DataAt(i, off), size, value);
                    lines[i].State = LineState.Dirty;
                    h.Stats.Hits++;
                    if (h.TouchHit(lines, i)) h.Mru.ForgetLine(line);      // LTLB-1, as in TryRead
                    h.Mru.Offer(line, i, in lines[i]);
                    return true;
                }
            }
        }
        return WriteSlow(agent, pa, size, attributes, value);
    }

    /// <summary>
    /// An L1D miss of <see cref="TryRead"/>'s two-way hit path: out of line, so the hit path inlined into callers stays
    /// small and keeps its registers. An L1D of other than two ways always comes here and takes <see cref="ReadWide"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ReadMissed(int agent, ulong pa, int size, AccessKind kind, MemoryAttributes attributes, out ulong value)
    {
        ref L1Hint h = ref HintOf(agent);
        if (!h.TwoWay) return ReadWide(agent, pa, size, kind, attributes, out value);
        return HostShortcuts ? ReadMiss(agent, pa, size, kind, attributes, out value, h.Cache) : ReadSlow(agent, pa, size, kind, attributes, out value);
    }

    /// <summary>
    /// An L1D miss of <see cref="TryWrite"/>'s two-way hit path, out of line (as <see cref="ReadMissed"/>); an L1D of
    /// other than two ways, or with DIC = 1, always comes here and takes <see cref="WriteWide"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool WriteMissed(int agent, ulong pa, int size, MemoryAttributes attributes, ulong value)
    {
        ref L1Hint h = ref HintOf(agent);
        if (!h.TwoWayWrites) return WriteWide(agent, pa, size, attributes, value);
        return HostShortcuts ? WriteMiss(agent, pa, size, attributes, value, h.Cache) : WriteSlow(agent, pa, size, attributes, value);
    }

    /// <summary>
    /// <see cref="TryRead"/>'s hit path for an L1D of other than two ways (the caller checked agent, attributes and
    /// that the access stays in one line): out of line, so the two-way path inlined into callers keeps its registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ReadWide(int agent, ulong pa, int size, AccessKind kind, MemoryAttributes attributes, out ulong value)
    {
        ref L1Hint h = ref HintOf(agent);
        var c = h.Cache;
        ulong line = pa >> CacheConfig.LineShift;
        int i = h.FindLine(line);
        if (i >= 0)
        {
            c.TouchHit(ref c.LineRef(i), c.SetOfIndex(i));
            c.Stats.Hits++;
            OfferLine(c, i, line);
            value = ReadData(c, i * L + ((int)pa & (L - 1)), size);
            return true;
        }
        if (HostShortcuts) return ReadMiss(agent, pa, size, kind, attributes, out value, c);
        return ReadSlow(agent, pa, size, kind, attributes, out value);
    }

    /// <summary><see cref="TryWrite"/>'s hit path for an L1D of other than two ways or with DIC = 1 (as <see cref="ReadWide"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool WriteWide(int agent, ulong pa, int size, MemoryAttributes attributes, ulong value)
    {
        ref L1Hint h = ref HintOf(agent);
        var c = h.Cache;
        ulong line = pa >> CacheConfig.LineShift;
        int i = h.FindLine(line);
        if (i >= 0)
        {
            ref var m = ref c.Lines[i];
            if (m.Unique)
            {
                c.TouchHit(ref m, c.SetOfIndex(i));
                c.Stats.Hits++;
                m.State = LineState.Dirty;
                WriteData(c, i * L + ((int)pa & (L - 1)), size, value);
                if (_dic) NoteDataChanged(line);
                OfferLine(c, i, line);
                return true;
            }
        }
        else if (HostShortcuts) return WriteMiss(agent, pa, size, attributes, value, c);
        return WriteSlow(agent, pa, size, attributes, value);
    }

    /// <summary>
    /// A read the hit path did not serve. <paramref name="missed"/>: the L1D the hit path looked the line up in without
    /// finding it, or null (see <see cref="FillPath"/>).
    /// </summary>
    private bool ReadSlow(int agent, ulong pa, int size, AccessKind kind, MemoryAttributes attrs, out ulong value, Cache? missed = null)
    {
        if (_staleReads != null) return ReadObserved(agent, pa, size, kind, attrs, out value);   // C10, off by default
        value = 0;
        var ram = RamAt(pa);
        if (ram == null || !ram.Contains(pa, (ulong)size))
        {
            var region = Map.Mmio.Find(pa);
            if (region == null) return false;
            value = region.Device.Read(pa - region.Base, size);
            return true;
        }
        int off = (int)pa & (L - 1);
        if (off + size > L)
        {
            // Crosses a line: byte by byte (each byte is single-copy atomic).
            for (int b = 0; b < size; b++)
            {
                if (!ReadSlow(agent, pa + (ulong)b, 1, kind, attrs, out ulong v)) return false;
                value |= v << (8 * b);
            }
            return true;
        }
        if (kind == AccessKind.Fetch) return FetchRead(agent, ram, pa, size, attrs, out value);
        var a = AgentOf(agent);
        ulong line = pa >> CacheConfig.LineShift;
        if (attrs.IsCacheable && !a.NonCoherent && a.DataPath.Length != 0)
        {
            int dom = DomainOf(attrs);
            bool others = Snoop(a.Snoop[dom], line, invalidate: false, agent);
            int i = FillPath(a.DataPath, ram, line, attrs, agent, out int k, missed);
            if (i >= 0)
            {
                var top = a.DataPath[k];
                if ((uint)agent < (uint)_cpuCount)
                {
                    HintOf(agent).Remember(top, i);
                    PrefetchNextMiss(top, line);
                }
                // No other cache of the domain holds it: a later write needs no snoop (MESI "exclusive").
                if (!others) top.Lines[i].Unique = true;
                value = ReadData(top, i * L + off, size);
                if ((uint)agent < (uint)_cpuCount) OfferLine(top, i, line);
                return true;
            }
        }
        else if (attrs.IsCacheable && a.DataPath.Length == 0 && !a.NonCoherent)
        {
            // I/O-coherent master: the newest data is pushed to memory by the snoop, then memory is read.
            Snoop(a.Snoop[2], line, invalidate: false, agent);
        }
        return ReadPoC(a, ram, pa, size, attrs, out value);
    }

    /// <summary>A non-cacheable, Device or non-coherent read: memory at PoC (or, by policy, a cached copy on the path).</summary>
    private bool ReadPoC(AgentView a, Ram ram, ulong pa, int size, MemoryAttributes attrs, out ulong value)
    {
        Statistics.CountNonCacheableRead();
        ulong line = pa >> CacheConfig.LineShift;
        foreach (var c in a.DataPath)
        {
            int i = c.Find(line);
            if (i < 0) continue;
            Statistics.NonCacheableHits++;
            if (EventSink != null) Emit(new CacheEvent(CacheEventKind.NonCacheableHit, a.Id, pa, c.Name));
            if (_ncReturnsCached)
            {
                value = ReadData(c, i * L + ((int)pa & (L - 1)), size);
                return true;
            }
            break;
        }
        value = ram.ReadRaw(pa, size);
        return true;
    }

    /// <summary>A write the hit path did not serve; <paramref name="missed"/> as for <see cref="ReadSlow"/>.</summary>
    private bool WriteSlow(int agent, ulong pa, int size, MemoryAttributes attrs, ulong value, Cache? missed = null)
    {
        var ram = RamAt(pa);
        if (ram == null || !ram.Contains(pa, (ulong)size))
        {
            var region = Map.Mmio.Find(pa);
            if (region == null) return false;
            region.Device.Write(pa - region.Base, size, value);
            return true;
        }
        int off = (int)pa & (L - 1);
        if (off + size > L)
        {
            for (int b = 0; b < size; b++)
                if (!WriteSlow(agent, pa + (ulong)b, 1, attrs, value >> (8 * b))) return false;
            return true;
        }
        var a = AgentOf(agent);
        ulong line = pa >> CacheConfig.LineShift;
        if (attrs.IsCacheable && !a.NonCoherent && a.DataPath.Length != 0)
        {
            int i = MakeUnique(a, ram, line, attrs, agent, out int k, missed);
            if (i >= 0)
            {
                var top = a.DataPath[k];
                if ((uint)agent < (uint)_cpuCount)
                {
                    HintOf(agent).Remember(top, i);
                    PrefetchNextMiss(top, line);
                }
                ref var m = ref top.Lines[i];
                m.State = LineState.Dirty;
                WriteData(top, i * L + off, size, value);
                NoteDataChanged(line);
                bool writeThrough = (top.IsOuter ? attrs.Outer : attrs.Inner) == Cacheability.WriteThrough;
                if (writeThrough) CleanPath(a.DataPath, line);
                if ((uint)agent < (uint)_cpuCount) OfferLine(top, i, line);
                return true;
            }
        }
        else if (attrs.IsCacheable && a.DataPath.Length == 0 && !a.NonCoherent)
        {
            // I/O-coherent write: merge with the newest data, remove every cached copy, write memory.
            Snoop(a.Snoop[2], line, invalidate: true, agent);
        }
        WritePoC(a, ram, pa, size, value);
        return true;
    }

    /// <summary>A non-cacheable, Device or non-coherent write: memory only, never allocates.</summary>
    private void WritePoC(AgentView a, Ram ram, ulong pa, int size, ulong value)
    {
        Statistics.CountNonCacheableWrite();
        ram.WriteRaw(pa, size, value);
        ram.NoteWrite(pa, size);
        ulong line = pa >> CacheConfig.LineShift;
        NoteDataChanged(line);
        if (EventSink != null)
            foreach (var c in _topology.Caches)
                if (c.Kind != CacheKind.Instruction && c.Find(line) >= 0)
                {
                    Emit(new CacheEvent(CacheEventKind.NonCacheableWriteUnderCachedLine, a.Id, pa, c.Name));
                    break;
                }
    }

    /// <summary>
    /// Read-for-ownership: the line ends up in the top used cache of the agent's path, every other copy of the domain
    /// removed (dirty ones merged first). Returns its index there, or -1 if no cache of the path may hold it.
    /// </summary>
    private int MakeUnique(AgentView a, Ram ram, ulong line, MemoryAttributes attrs, int agent, out int top, Cache? missed = null)
    {
        int dom = DomainOf(attrs);
        Snoop(a.Snoop[dom], line, invalidate: true, agent);     // only caches off the path: the missed one stays as it was
        int i = FillPath(a.DataPath, ram, line, attrs, agent, out top, missed);
        if (i >= 0) a.DataPath[top].Lines[i].Unique = true;
        return i;
    }

    /// <summary>Writes a line's dirty copies on a path back towards memory (write-through, top to bottom).</summary>
    private int CleanPath(Cache[] path, ulong line)
    {
        int moved = 0;
        foreach (var c in path)
        {
            int i = c.Find(line);
            if (i >= 0) moved += WriteBack(c, i);
        }
        return moved;
    }
}
