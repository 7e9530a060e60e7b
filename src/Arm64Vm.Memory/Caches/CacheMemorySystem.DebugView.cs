namespace Arm64Vm.Memory.Caches;

/// <summary>
/// A debugger's window on the model (the gdb stub's memory view, README "Debugging with gdb"): what an agent's data
/// read would return now, and a write every observer sees — neither changes a line's presence, state or age, so
/// attaching a debugger does not perturb the run it inspects.
/// </summary>
public sealed partial class CacheMemorySystem
{
    /// <summary>
    /// The cache a data read of pa by <paramref name="agent"/> with <paramref name="attributes"/> would take its bytes
    /// from now, or null for memory at PoC. Cacheable: a copy on the agent's own path above any dirty copy another
    /// cache of the domain holds (a hit there is current: a write elsewhere would have removed it), else the top-most
    /// dirty copy of the domain (the snoop hands it over), else the first copy on the path, else memory.
    /// Non-cacheable and Device: memory, or with <see cref="NonCacheableHitPolicy.ReturnCached"/> the first copy on the
    /// path (as ReadPoC).
    /// </summary>
    public Cache? DebugSourceOf(int agent, ulong pa, MemoryAttributes attributes)
    {
        var a = AgentOf(agent);
        ulong line = pa >> CacheConfig.LineShift;
        if (a.NonCoherent) return null;
        if (!attributes.IsCacheable)
        {
            if (!_ncReturnsCached) return null;
            foreach (var c in a.DataPath) if (c.Find(line) >= 0) return c;
            return null;
        }
        Cache? dirty = null;
        foreach (var c in a.Snoop[DomainOf(attributes)])
        {
            int i = c.Find(line);
            if (i >= 0 && c.Lines[i].State == LineState.Dirty) { dirty = c; break; }
        }
        foreach (var c in a.DataPath)
        {
            if (!Uses(c, attributes) || c.Find(line) < 0) continue;
            return dirty != null && dirty.Level <= c.Level ? dirty : c;
        }
        return dirty;
    }

    /// <summary>Copies what <paramref name="agent"/>'s data read would return (see <see cref="DebugSourceOf"/>), line by
    /// line, without changing any state. False when a byte is not RAM.</summary>
    public bool DebugRead(int agent, ulong pa, Span<byte> destination, MemoryAttributes attributes)
    {
        for (int done = 0; done < destination.Length;)
        {
            ulong a = pa + (ulong)done;
            var ram = RamAt(a);
            if (ram == null) return false;
            int off = (int)a & (L - 1);
            int n = Math.Min(L - off, destination.Length - done);
            if (!ram.Contains(a, (ulong)n)) return false;
            var source = DebugSourceOf(agent, a, attributes);
            var chunk = destination.Slice(done, n);
            if (source == null) ram.Span(a, n).CopyTo(chunk);
            else source.LineData(source.Find(a >> CacheConfig.LineShift)).Slice(off, n).CopyTo(chunk);
            done += n;
        }
        return true;
    }

    /// <summary>
    /// A debugger's write: the bytes land in memory and in every copy any cache holds (data and instruction), so every
    /// agent sees them whatever its attributes; no line changes state. Pre-decoded code of the bytes is dropped. False
    /// (and nothing written) when a byte is not RAM.
    /// </summary>
    public bool DebugWrite(ulong pa, ReadOnlySpan<byte> data)
    {
        for (int done = 0; done < data.Length;)
        {
            ulong a = pa + (ulong)done;
            var ram = RamAt(a);
            int n = Math.Min(L - ((int)a & (L - 1)), data.Length - done);
            if (ram == null || !ram.Contains(a, (ulong)n)) return false;
            done += n;
        }
        for (int done = 0; done < data.Length;)
        {
            ulong a = pa + (ulong)done;
            int off = (int)a & (L - 1);
            int n = Math.Min(L - off, data.Length - done);
            var chunk = data.Slice(done, n);
            var ram = RamAt(a)!;
            chunk.CopyTo(ram.Span(a, n));
            ulong line = a >> CacheConfig.LineShift;
            foreach (var c in _topology.Caches)
            {
                int i = c.Find(line);
                if (i >= 0) chunk.CopyTo(c.LineData(i).Slice(off, n));
            }
            ram.NoteWrite(a, n);
            NoteCodeLineChanged(line);
            done += n;
        }
        return true;
    }
}
