namespace Arm64Vm.Host.Kvm;

/// <summary>
/// The host layer's decisions, as switches: <see cref="Kvm"/> is faithful to Linux KVM/arm64; each other preset
/// removes (or misorders) one rule of specs/kvm-host.md so a scenario can show what breaks without it.
/// </summary>
public sealed record HostPolicy
{
    /// <summary>The kebab-case name used on the command line and in scenario files.</summary>
    public required string Name { get; init; }
    /// <summary>H1: a re-init of a vCPU that has run unmaps every RAM memslot from stage 2 (without FWB).</summary>
    public bool UnmapOnInit { get; init; } = true;
    /// <summary>Ablation of H1: clean+invalidate every mapped page at init instead of unmapping.</summary>
    public bool FlushOnInit { get; init; }
    /// <summary>H3: clean+invalidate a page to PoC before its stage-2 entry becomes valid (without FWB).</summary>
    public bool CmoOnFault { get; init; } = true;
    /// <summary>H2: clean+invalidate a cacheable leaf's range to PoC when it is unmapped (without FWB).</summary>
    public bool CmoOnUnmap { get; init; } = true;
    /// <summary>H3/H4: invalidate the I-cache for a page before it becomes executable (without DIC).</summary>
    public bool IcacheInvalOnExec { get; init; } = true;
    /// <summary>H1 with FWB: invalidate every I-cache (IC IALLUIS) at the re-init of a vCPU that has run.</summary>
    public bool IcacheInvalOnInit { get; init; } = true;
    /// <summary>H6: trap set/way maintenance (HCR_EL2.TSW) and turn it into whole-VM flushes.</summary>
    public bool TrapSetWay { get; init; } = true;
    /// <summary>H6 (kvm_toggle_cache): flush the whole VM when a trapped SCTLR_EL1 write turns MMU+caches on or off.</summary>
    public bool ToggleFlush { get; init; } = true;
    /// <summary>Ablation of H7: write-protect the dirty pages before harvesting (fetch-and-zero) their bits.</summary>
    public bool DirtyLogProtectBeforeHarvest { get; init; }

    public static readonly HostPolicy Kvm = new() { Name = "kvm" };
    public static readonly HostPolicy NoUnmapOnInit = new() { Name = "no-unmap-on-init", UnmapOnInit = false };
    public static readonly HostPolicy EagerFlushOnInit = new() { Name = "eager-flush-on-init", UnmapOnInit = false, FlushOnInit = true };
    public static readonly HostPolicy NoCmoOnFault = new() { Name = "no-cmo-on-fault", CmoOnFault = false };
    public static readonly HostPolicy NoCmoOnUnmap = new() { Name = "no-cmo-on-unmap", CmoOnUnmap = false };
    public static readonly HostPolicy NoIcacheInvalOnExec = new() { Name = "no-icache-inval-on-exec", IcacheInvalOnExec = false };
    public static readonly HostPolicy NoIcacheInvalOnInit = new() { Name = "no-icache-inval-on-init", IcacheInvalOnInit = false };
    public static readonly HostPolicy NoSetWayTrap = new() { Name = "no-set-way-trap", TrapSetWay = false };
    public static readonly HostPolicy NoToggleFlush = new() { Name = "no-toggle-flush", ToggleFlush = false };
    public static readonly HostPolicy DirtyLogProtectBeforeHarvestPolicy = new() { Name = "dirty-log-protect-before-harvest", DirtyLogProtectBeforeHarvest = true };

    public static IReadOnlyList<HostPolicy> All { get; } = new[]
    {
        Kvm, NoUnmapOnInit, EagerFlushOnInit, NoCmoOnFault, NoIcacheInvalOnExec, NoIcacheInvalOnInit, NoSetWayTrap, NoToggleFlush, DirtyLogProtectBeforeHarvestPolicy,
        NoCmoOnUnmap,
    };

    public static IEnumerable<string> Names => All.Select(p => p.Name);

    public static bool TryParse(string name, out HostPolicy policy)
    {
        policy = All.FirstOrDefault(p => p.Name == name.Trim().ToLowerInvariant())!;
        return policy != null;
    }

    public static HostPolicy Parse(string name) => TryParse(name, out var p)
        ? p
        : throw new ArgumentException($"unknown host policy '{name}' (known: {string.Join(", ", Names)})");

    public override string ToString() => Name;
}
