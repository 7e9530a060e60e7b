using System.Runtime.CompilerServices;

namespace Arm64Vm.Memory.Caches;

/// <summary>
/// The instruction side: fetches fill the L1I from PoU. With DIC=0 the L1I keeps what it filled until it is
/// invalidated or evicted, whatever data writes do; with DIC=1 every fetch sees the current PoU value. With IDC=1
/// data writes are visible at PoU without DC CVAU (a fill snoops the data caches above PoU).
/// </summary>
public sealed partial class CacheMemorySystem
{
    private bool FetchRead(int agent, Ram ram, ulong pa, int size, MemoryAttributes attrs, out ulong value)
    {
        var a = AgentOf(agent);
        int off = (int)pa & (L - 1);
        if (!attrs.IsCacheable || a.L1I == null) return ReadPoC(a, ram, pa, size, attrs, out value);
        ulong line = pa >> CacheConfig.LineShift;
        var l1i = a.L1I;
        // DIC=0 and attributes the L1I keeps: the fetch looks in the L1I and a miss fills it; else it reads PoU alone.
        bool kept = !_dic && Uses(l1i, attrs);
        if (kept)
        {
            int i = l1i.Find(line);
            if (i >= 0)
            {
                l1i.Touch(i);
                l1i.Stats.Hits++;
                value = ReadData(l1i, i * L + off, size);
                return true;
            }
        }
        return FetchFromPoU(agent, a, ram, line, off, size, attrs, fill: kept, out value);
    }

    /// <summary>
    /// <see cref="FetchRead"/> from the point of unification: an L1I miss, filled from PoU (<paramref name="fill"/>),
    /// or, with DIC=1 or attributes the L1I does not keep, the current PoU value and nothing kept. Out of line, so an
    /// L1I hit needs no line buffer on the stack.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool FetchFromPoU(int agent, AgentView a, Ram ram, ulong line, int off, int size, MemoryAttributes attrs, bool fill, out ulong value)
    {
        Span<byte> buf = stackalloc byte[L];
        var l1i = a.L1I!;
        if (!fill)
        {
            // Coherent instruction side: the current PoU value, nothing kept in the L1I.
            ReadAtPoU(a, ram, line, attrs, buf);
            value = ReadSpan(buf, off, size);
            return true;
        }
        l1i.Stats.Misses++;
        ReadAtPoU(a, ram, line, attrs, buf);
        int i = Allocate(l1i, line, agent);
        buf.CopyTo(l1i.LineData(i));
        value = ReadData(l1i, i * L + off, size);
        return true;
    }

    /// <summary>
    /// The value of a line at this agent's point of unification: the data caches that must be snooped (all of the
    /// inner domain with IDC=1, only those at or after PoU with IDC=0) push their dirty data down, then the fetch
    /// path is read from PoU on. Instruction fills do not allocate in the unified levels.
    /// </summary>
    private void ReadAtPoU(AgentView a, Ram ram, ulong line, MemoryAttributes attrs, Span<byte> dest)
    {
        Snoop(_idc ? a.FetchSnoopIdc : a.FetchSnoopNoIdc, line, invalidate: false, a.Id);
        var path = a.FetchPath;
        for (int k = a.PouIndex; k < path.Length; k++)
        {
            var c = path[k];
            if (!Uses(c, attrs)) continue;
            int i = c.Find(line);
            if (i < 0) continue;
            c.LineData(i).CopyTo(dest);
            return;
        }
        ReadMemoryLine(ram, line, dest);
    }

    private static ulong ReadSpan(ReadOnlySpan<byte> s, int off, int size)
    {
        ulong v = 0;
        for (int b = 0; b < size; b++) v |= (ulong)s[off + b] << (8 * b);
        return v;
    }
}
