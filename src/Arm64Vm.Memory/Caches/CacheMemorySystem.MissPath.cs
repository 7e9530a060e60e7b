using System.Runtime.CompilerServices;

namespace Arm64Vm.Memory.Caches;

/// <summary>
/// The L1D miss of a CPU whose data path is its L1D over an L2 and nothing else (the modelled clusters), when no other
/// cache of the access's domain holds the line: the steps <see cref="ReadSlow"/> and <see cref="WriteSlow"/> take
/// for it (SHORT-1, specs/coherence-invariants.md), in the same order, without the general path's loops over the
/// path and the snooped caches, its per-level attribute tests and its calls. Part of
/// <see cref="HostShortcuts"/>, so the general path is the reference it is tested against.
/// </summary>
public sealed partial class CacheMemorySystem
{
    /// <summary>Per CPU agent: its data path is [L1D, L2] with the L2 the L1D's parent, both inner caches (SHORT-1).</summary>
    private bool[] _twoLevelPath = Array.Empty<bool>();

    /// <summary>The snoop lists of the CPU agents (<see cref="AgentView.Snoop"/>), at agent * 3 + domain.</summary>
    private Cache[][] _cpuSnoop = Array.Empty<Cache[]>();

    private void InitMissPath()
    {
        _cpuSnoop = new Cache[_cpuCount * 3][];
        for (int cpu = 0; cpu < _cpuCount; cpu++)
            for (int dom = 0; dom < 3; dom++) _cpuSnoop[cpu * 3 + dom] = _agents[cpu].Snoop[dom];
        _twoLevelPath = new bool[_cpuCount];
        for (int cpu = 0; cpu < _cpuCount; cpu++)
        {
            var a = _agents[cpu];
            var p = a.DataPath;
            _twoLevelPath[cpu] = !a.NonCoherent && p.Length == 2 && p[0] == a.L1D && p[0].Parent == p[1]
                && !p[0].IsOuter && !p[1].IsOuter && p[0].Kind == CacheKind.Data
                && (p[0].Inclusion != InclusionPolicy.Inclusive || p[0].Children.Count == 0);
        }
    }

    /// <summary>
    /// A read the CPU's hit path missed in <paramref name="l1"/> (inner cacheable, inside one line, not a fetch).
    /// SHORT-1 when it applies, else <see cref="ReadSlow"/>; nothing is changed before the choice.
    /// </summary>
    private bool ReadMiss(int agent, ulong pa, int size, AccessKind kind, MemoryAttributes attrs, out ulong value, Cache l1)
    {
        ulong line = pa >> CacheConfig.LineShift;
        if (TwoLevelFill(agent, pa, size, attrs, l1, line) is int i and >= 0)
        {
            value = ReadData(l1, i * L + ((int)pa & (L - 1)), size);
            OfferLine(l1, i, line);
            return true;
        }
        return ReadSlow(agent, pa, size, kind, attrs, out value, l1);
    }

    /// <summary>A write-back write the CPU's hit path missed in <paramref name="l1"/>: SHORT-1 when it applies, else <see cref="WriteSlow"/>.</summary>
    private bool WriteMiss(int agent, ulong pa, int size, MemoryAttributes attrs, ulong value, Cache l1)
    {
        ulong line = pa >> CacheConfig.LineShift;
        if (TwoLevelFill(agent, pa, size, attrs, l1, line) is int i and >= 0)
        {
            l1.Lines[i].State = LineState.Dirty;
            WriteData(l1, i * L + ((int)pa & (L - 1)), size, value);
            NoteDataChanged(line);
            OfferLine(l1, i, line);
            return true;
        }
        return WriteSlow(agent, pa, size, attrs, value, l1);
    }

    /// <summary>
    /// SHORT-1's common part: when the miss qualifies (RAM inside one line, a two-level path, no event sink, no stale-read
    /// detector — with it on, l1 is the hit path's empty stand-in, not the CPU's L1D — and no other holder in the
    /// domain), fills the line into <paramref name="l1"/> from the L2, Unique (no other cache of the domain holds it),
    /// and returns its index; else -1 with nothing changed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int TwoLevelFill(int agent, ulong pa, int size, MemoryAttributes attrs, Cache l1, ulong line)
    {
        var ram = _lastRam;
        if (ram == null || !ram.Contains(pa, (ulong)size) || !_twoLevelPath[agent] || EventSink != null || _staleReads != null
            || !NoOtherHolder(_cpuSnoop[agent * 3 + DomainOf(attrs)], line))
            return -1;
        int i = FillFromL2(l1, ram, line, agent);
        HintOf(agent).Remember(l1, i);
        PrefetchNextMiss(l1, line);
        l1.LineRef(i).Unique = true;
        return i;
    }

    /// <summary>
    /// Whether no cache of a snoop list holds the line: then <see cref="Snoop"/> of it, read or invalidating, changes
    /// nothing and finds nothing (it skips the empty caches the same way).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NoOtherHolder(Cache[] caches, ulong line)
    {
        foreach (var c in caches)
            if (c.ValidCount != 0 && c.Find(line) >= 0) return false;
        return true;
    }

    /// <summary>
    /// <see cref="FillPath"/> for [L1D, L2] after an L1D miss the caller saw: the L2 looked up (filled from memory on a
    /// miss), then the L1D's victim evicted (<see cref="Remove"/> of a line of a non-inclusive data L1 with no event
    /// sink: write-back, then drop) and the line filled from the L2 with its back-pointer. Returns its L1D index.
    /// </summary>
    private int FillFromL2(Cache l1, Ram ram, ulong line, int agent)
    {
        var l2 = l1.Parent!;
        l1.Stats.Misses++;
        int j = l2.FindPredicted(line);
        if (j >= 0)
        {
            l2.Stats.Hits++;
            l2.Touch(j);
        }
        else
        {
            l2.Stats.Misses++;
            j = Allocate(l2, line, agent);
            ReadMemoryLine(ram, line, l2, j);
        }
        int i = l1.ChooseVictimInline(line);
        ulong victim = l1.TagRef(i);
        if (victim != Cache.InvalidTag)
        {
            l1.Stats.Evictions++;
            ref var vm = ref l1.LineRef(i);
            if (vm.State == LineState.Dirty)
            {
                // WriteBack(l1, i) when the back-pointer names the victim's L2 way (the L2 has no parent on this path).
                int p = vm.ParentIndex;
                if (p >= 0 && l2.TagRef(p) == victim)
                {
                    vm.State = LineState.Clean;     // LTLB-1: Replace below tells the line TLB
                    l1.Stats.WriteBacks++;
                    CopyLine(l1, i, l2, p);
                    l2.LineRef(p).State = LineState.Dirty;
                    l2.LineChanged(p);
                    NoteDataChanged(victim);
                }
                else WriteBack(l1, i);
            }
            l1.Replace(i, victim, line);
        }
        else l1.Fill(i, line);
        CopyLine(l2, j, l1, i);
        l1.LineRef(i).ParentIndex = j;
        return i;
    }
}
