using System.Runtime.CompilerServices;

namespace Arm64Vm.Memory.Caches;

/// <summary>Metadata of one cache line. The data lives in <see cref="Cache.Data"/> at index * 64.</summary>
public struct LineMeta
{
    /// <summary>Line address (PA >> 6), or <see cref="Cache.InvalidTag"/>.</summary>
    public ulong Tag;
    /// <summary>Replacement stamp (LRU).</summary>
    public ulong Stamp;
    public LineState State;
    /// <summary>No other cache of the coherence domain holds the line (MESI "exclusive"): a write hit needs no snoop.</summary>
    public bool Unique;
}

/// <summary>
/// One cache instance: a set-associative array of lines that hold data. Physically indexed and tagged. Pure storage
/// and replacement; the coherence rules live in <see cref="CacheMemorySystem"/>.
/// </summary>
public sealed class Cache
{
    public const ulong InvalidTag = ulong.MaxValue;

    private ulong _clock;
    private ulong _random;

    public Cache(int id, string name, int level, CacheKind kind, bool isOuter, CacheGeometry geometry, ulong seed)
    {
        Id = id;
        Name = name;
        Level = level;
        Kind = kind;
        IsOuter = isOuter;
        Geometry = geometry;
        Ways = geometry.Ways;
        Sets = geometry.Sets(CacheConfig.LineSize);
        SetMask = Sets - 1;
        Lines = new LineMeta[Sets * Ways];
        Data = new byte[Lines.Length * CacheConfig.LineSize];
        for (int i = 0; i < Lines.Length; i++) Lines[i].Tag = InvalidTag;
        _random = seed == 0 ? 0x2545_F491_4F6C_DD1DUL : seed;
    }

    public int Id { get; }
    public string Name { get; }
    /// <summary>1, 2 or 3 (system cache).</summary>
    public int Level { get; }
    public CacheKind Kind { get; }
    /// <summary>Looked up by accesses that are outer cacheable (the system cache); the others use inner cacheability.</summary>
    public bool IsOuter { get; }
    public CacheGeometry Geometry { get; }
    public readonly int Ways;
    public readonly int Sets;
    public readonly int SetMask;
    public readonly LineMeta[] Lines;
    public readonly byte[] Data;
    /// <summary>The next cache towards memory, or null when the next stop is memory.</summary>
    public Cache? Parent { get; internal set; }
    /// <summary>Caches whose parent this is.</summary>
    public List<Cache> Children { get; } = new();
    public InclusionPolicy Inclusion { get; internal set; } = InclusionPolicy.NonInclusive;
    /// <summary>Agent indices (internal) whose path includes this cache.</summary>
    internal List<int> Users { get; } = new();
    public CacheLevelStatistics Stats { get; } = new();

    /// <summary>Index of the line in Lines, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong line)
    {
        int b = ((int)line & SetMask) * Ways;
        var lines = Lines;
        for (int w = 0; w < Ways; w++)
            if (lines[b + w].Tag == line) return b + w;
        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(int index) => Lines[index].Stamp = ++_clock;

    public LineState StateOf(ulong line)
    {
        int i = Find(line);
        return i < 0 ? LineState.Invalid : Lines[i].State;
    }

    public Span<byte> LineData(int index) => Data.AsSpan(index * CacheConfig.LineSize, CacheConfig.LineSize);

    /// <summary>The way to fill for a line: a free way of its set, else the replacement victim (still valid).</summary>
    public int ChooseVictim(ulong line)
    {
        int b = ((int)line & SetMask) * Ways;
        for (int w = 0; w < Ways; w++)
            if (Lines[b + w].Tag == InvalidTag) return b + w;
        if (Geometry.Replacement == ReplacementPolicy.PseudoRandom)
        {
            // xorshift64*: deterministic for a given seed.
            _random ^= _random >> 12; _random ^= _random << 25; _random ^= _random >> 27;
            return b + (int)((_random * 0x2545_F491_4F6C_DD1DUL >> 33) % (ulong)Ways);
        }
        int victim = b;
        for (int w = 1; w < Ways; w++)
            if (Lines[b + w].Stamp < Lines[victim].Stamp) victim = b + w;
        return victim;
    }

    /// <summary>Marks a line invalid (no write-back: the caller handled dirty data).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Drop(int index)
    {
        Lines[index].Tag = InvalidTag;
        Lines[index].State = LineState.Invalid;
        Lines[index].Unique = false;
    }

    /// <summary>Set index and way of a line index (for set/way operations and events).</summary>
    public (int Set, int Way) SetWayOf(int index) => (index / Ways, index % Ways);

    /// <summary>Number of valid lines (tests, statistics).</summary>
    public int ValidLines()
    {
        int n = 0;
        foreach (ref readonly var l in Lines.AsSpan()) if (l.Tag != InvalidTag) n++;
        return n;
    }

    public override string ToString() => Name;
}
