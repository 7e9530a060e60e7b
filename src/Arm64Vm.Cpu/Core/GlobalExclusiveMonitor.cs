namespace Arm64Vm.Cpu;

/// <summary>
/// The global exclusive monitor for shareable memory (Arm ARM B2.9.2). Each PE may hold one reservation granule;
/// a store by any other agent to a reserved granule clears that PE's reservation. The granule is 64 bytes
/// (CTR_EL0.ERG = 4).
/// </summary>
public sealed class GlobalExclusiveMonitor
{
    public const int GranuleShift = 6;
    private readonly Dictionary<int, ulong> _reservations = new();
    /// <summary>
    /// Whether any reservation is held (<see cref="HasAny"/>): kept by every change of the reservations, so the PEs'
    /// store paths test one field instead of reaching the dictionary's counts.
    /// </summary>
    private bool _any;

    public void Mark(int agent, ulong pa)
    {
        _reservations[agent] = pa >> GranuleShift;
        _any = true;
    }

    public bool IsExclusive(int agent, ulong pa) => _reservations.TryGetValue(agent, out var g) && g == pa >> GranuleShift;

    public void Clear(int agent)
    {
        _reservations.Remove(agent);
        _any = _reservations.Count != 0;
    }

    /// <summary>Any agent's store clears the other agents' reservations on the same granule.</summary>
    public void NoteStore(int agent, ulong pa)
    {
        if (_reservations.Count == 0) return;
        ulong g = pa >> GranuleShift;
        // Removing during enumeration is allowed for Dictionary (.NET Core 3.0+) and allocates nothing.
        foreach (var (a, granule) in _reservations)
            if (a != agent && granule == g) _reservations.Remove(a);
        _any = _reservations.Count != 0;
    }

    /// <summary>True when an agent other than <paramref name="agent"/> holds a reservation in the 4 KiB page.</summary>
    public bool IsPageReservedByOther(int agent, ulong paPage)
    {
        if (_reservations.Count == 0) return false;
        ulong page = paPage >> 12;
        foreach (var (a, granule) in _reservations)
            if (a != agent && granule >> (12 - GranuleShift) == page) return true;
        return false;
    }

    public bool HasAny => _any;
}
