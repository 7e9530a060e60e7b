using System.Runtime.CompilerServices;

namespace Arm64Vm.Memory.Caches;

/// <summary>Coherence primitives: write-back, eviction, allocation, snooping, memory at PoC.</summary>
public sealed partial class CacheMemorySystem
{
    private const int L = CacheConfig.LineSize;

    // ---------------- Memory (PoC) ----------------

    /// <summary>Copies a whole line from RAM (the caller checked it is RAM).</summary>
    private static unsafe void ReadMemoryLine(Ram ram, ulong line, Span<byte> dest) =>
        new ReadOnlySpan<byte>(ram.PointerTo(line << CacheConfig.LineShift), L).CopyTo(dest);

    /// <summary>Copies line index <paramref name="i"/> of <paramref name="c"/> from RAM (the caller checked it is RAM).</summary>
    private static unsafe void ReadMemoryLine(Ram ram, ulong line, Cache c, int i) =>
        Unsafe.CopyBlockUnaligned(ref c.DataRef(i), ref *ram.PointerTo(line << CacheConfig.LineShift), L);

    /// <summary>Copies line index <paramref name="si"/> of <paramref name="src"/> into index <paramref name="di"/> of <paramref name="dst"/> (a fixed 64-byte copy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyLine(Cache src, int si, Cache dst, int di) =>
        Unsafe.CopyBlockUnaligned(ref dst.DataRef(di), ref src.DataRef(si), L);

    private unsafe void WriteMemoryLine(ulong line, Cache c, int i)
    {
        ulong pa = line << CacheConfig.LineShift;
        var ram = RamAt(pa);
        if (ram == null) return;     // lines are only ever filled from RAM
        Unsafe.CopyBlockUnaligned(ref *ram.PointerTo(pa), ref c.DataRef(i), L);
        ram.NoteWrite(pa, L);
        NoteDataChanged(line);
    }

    /// <summary>With DIC=1 instruction fetches follow every data change: tell the observers of code lines.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NoteDataChanged(ulong line)
    {
        if (_dic) NoteCodeLineChanged(line);
    }

    private void NoteCodeLineChanged(ulong line)
    {
        ulong pa = line << CacheConfig.LineShift;
        var ram = RamAt(pa);
        if (ram == null || !ram.IsCodePage(pa)) return;
        for (int i = 0; i < _cpuCount; i++) _agents[i].InstructionObserver?.Invoke(pa, L);
    }

    // ---------------- Write-back, eviction, allocation ----------------

    /// <summary>
    /// Moves the dirty data of line index <paramref name="i"/> of <paramref name="c"/> towards memory: into the first
    /// cache below that holds the line (which becomes Dirty), else into memory. The line here becomes Clean.
    /// Returns the number of dirty bytes moved (0 if the line was clean).
    /// </summary>
    private int WriteBack(Cache c, int i)
    {
        ref var m = ref c.Lines[i];
        if (m.State != LineState.Dirty) return 0;
        ulong line = c.Tags[i];
        m.State = LineState.Clean;
        c.LineChanged(i);
        c.Stats.WriteBacks++;
        // The back-pointer names the parent's way when the line is still there (checked by tag): no set scan.
        var parent = c.Parent;
        int hint = m.ParentIndex;
        for (var p = parent; p != null; p = p.Parent)
        {
            int j = p == parent && hint >= 0 && p.Tags[hint] == line ? hint : p.Find(line);
            if (j < 0) continue;
            CopyLine(c, i, p, j);
            p.Lines[j].State = LineState.Dirty;
            p.LineChanged(j);
            NoteDataChanged(line);
            if (EventSink != null) EmitWriteBack(c, line);
            return L;
        }
        WriteMemoryLine(line, c, i);
        if (EventSink != null) EmitWriteBack(c, line);
        return L;
    }

    /// <summary>
    /// Removes a line from a cache: first (for an inclusive cache) from every cache above it, whose dirty data is
    /// written back into this one; then, if <paramref name="keepData"/>, writes dirty data back. Returns dirty bytes written back.
    /// </summary>
    private int Remove(Cache c, int i, bool keepData, CacheEventKind kind, int agent)
    {
        ulong line = c.Tags[i];
        int moved = 0;
        if (c.Inclusion == InclusionPolicy.Inclusive)
            foreach (var child in c.Children)
            {
                if (child.ValidCount == 0) continue;
                int j = child.Find(line);
                if (j >= 0) moved += Remove(child, j, keepData: true, CacheEventKind.Invalidation, agent);
            }
        bool dirty = c.Lines[i].State == LineState.Dirty;
        if (keepData) moved += WriteBack(c, i);
        c.Drop(i);
        if (c.Kind == CacheKind.Instruction) NotifyInstructionRemoved(c, line);
        if (EventSink != null) EmitRemoved(kind, agent, line, c, dirty && keepData, dirty && !keepData);
        return moved;
    }

    // The events of the hot primitives are built out of line, so those keep no event struct in their frames.

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EmitWriteBack(Cache c, ulong line) =>
        Emit(new CacheEvent(CacheEventKind.WriteBack, -1, line << CacheConfig.LineShift, c.Name, WroteBack: true, DirtyBytes: L));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EmitRemoved(CacheEventKind kind, int agent, ulong line, Cache c, bool wroteBack, bool dataLost) =>
        Emit(new CacheEvent(kind, agent, line << CacheConfig.LineShift, c.Name, WroteBack: wroteBack, DataLost: dataLost));

    private void NotifyInstructionRemoved(Cache c, ulong line)
    {
        foreach (int u in c.Users) _agents[u].InstructionObserver?.Invoke(line << CacheConfig.LineShift, L);
    }

    /// <summary>Allocates a way for a line (evicting the victim), Clean, not unique, data not yet written.</summary>
    private int Allocate(Cache c, ulong line, int agent)
    {
        int i = c.ChooseVictim(line);
        if (c.Tags[i] != Cache.InvalidTag)
        {
            c.Stats.Evictions++;
            Remove(c, i, keepData: true, CacheEventKind.Eviction, agent);
        }
        c.Fill(i, line);
        if (EventSink != null) EmitRemoved(CacheEventKind.Fill, agent, line, c, false, false);
        return i;
    }

    // ---------------- Snooping ----------------

    /// <summary>
    /// Snoops the caches of a domain that are not on the requester's path: dirty copies are written back (towards
    /// the requester's path or memory) and lose uniqueness; with <paramref name="invalidate"/> every copy is removed.
    /// Caches are visited by ascending level, so data pushed out of an L1 is pushed on from its L2. True if any copy existed.
    /// </summary>
    private bool Snoop(Cache[] caches, ulong line, bool invalidate, int agent)
    {
        bool found = false;
        foreach (var c in caches)
        {
            if (c.ValidCount == 0) continue;     // an empty cache holds nothing to snoop
            int i = c.Find(line);
            if (i < 0) continue;
            found = true;
            WriteBack(c, i);
            if (invalidate)
            {
                c.Drop(i);
                if (EventSink != null) EmitRemoved(CacheEventKind.Invalidation, agent, line, c, false, false);
            }
            else
            {
                c.Lines[i].Unique = false;
                c.LineChanged(i);
            }
        }
        return found;
    }

    /// <summary>
    /// Brings a line into the top used cache of a path for a cacheable access (after the domain snoop) and returns
    /// its index there. The data comes from the first used cache of the path that holds it, else memory; the caches
    /// above that one are filled Clean (<paramref name="top"/>: its index in the path). -1 when the path has no cache these attributes may use. <paramref name="missed"/>
    /// is a cache the caller already looked the line up in without finding it (the L1D of a CPU's hit path), or null:
    /// its lookup is not repeated.
    /// </summary>
    private int FillPath(Cache[] path, Ram ram, ulong line, MemoryAttributes attrs, int agent, out int top, Cache? missed = null)
    {
        // top is the index in path (an int out, so no GC write barrier on this path).
        int holder = -1, holderIndex = -1;
        int first = -1;
        for (int k = 0; k < path.Length; k++)
        {
            var c = path[k];
            if (!Uses(c, attrs)) continue;
            if (first < 0) first = k;
            int i = c == missed ? -1 : HostShortcuts ? c.FindPredicted(line) : c.Find(line);
            if (i >= 0) { holder = k; holderIndex = i; c.Stats.Hits++; c.Touch(i); break; }
            c.Stats.Misses++;
        }
        top = first;
        if (first < 0) return -1;
        if (holder == first) return holderIndex;
        // No bounce buffer: each level is filled from the one below it (or memory). Allocating a level can only evict
        // and write back other lines, so the source line stays where it is and keeps its data.
        Cache? below = holder >= 0 ? path[holder] : null;
        int belowIndex = holderIndex;
        for (int k = (holder >= 0 ? holder : path.Length) - 1; k >= first; k--)
        {
            var c = path[k];
            if (!Uses(c, attrs)) continue;
            int idx = Allocate(c, line, agent);
            if (below != null)
            {
                CopyLine(below, belowIndex, c, idx);
                if (below == c.Parent) c.Lines[idx].ParentIndex = belowIndex;
            }
            else ReadMemoryLine(ram, line, c, idx);
            below = c;
            belowIndex = idx;
        }
        return belowIndex;
    }
}
