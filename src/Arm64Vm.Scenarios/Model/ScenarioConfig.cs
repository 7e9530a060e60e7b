using Arm64Vm.Host;
using Arm64Vm.Host.Images;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Memory.Caches;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

/// <summary>The machine of one combination (<c>machine:</c>).</summary>
public sealed record MachineSpec
{
    public int Cpus { get; init; } = 1;
    public ulong Memory { get; init; } = 128UL << 20;
    public CacheModelKind CacheModel { get; init; } = CacheModelKind.State;
    /// <summary>null = the built-in Cortex-A57-like geometry.</summary>
    public CacheConfig? Caches { get; init; }
    public bool Fwb { get; init; }
    public bool Dic { get; init; }
    public bool Idc { get; init; }
    public ulong Seed { get; init; } = 1;
    /// <summary>H11: the VMM's RAM backing is huge-page-backed (stage-2 faults map 2 MiB blocks).</summary>
    public bool HugePages { get; init; }
    /// <summary><c>machine.virtio.dma-coherent</c>: the device tree marks the virtio-mmio transports dma-coherent (VmmOptions.VirtioDmaCoherent).</summary>
    public bool VirtioDmaCoherent { get; init; } = true;
    /// <summary><c>machine.virtio.dma-path</c>: how the virtio device models reach guest RAM (VmmOptions.VirtioDmaPath).</summary>
    public DmaPath VirtioDmaPath { get; init; } = DmaPath.HostCacheable;
    /// <summary><c>machine.virtio.access-platform</c>: the devices offer VIRTIO_F_ACCESS_PLATFORM (VIO-9; VmmOptions.VirtioAccessPlatform).</summary>
    public bool VirtioAccessPlatform { get; init; }
    /// <summary><c>machine.drives</c>: virtio-blk disks made fresh for each combination (VmmOptions.Drives).</summary>
    public IReadOnlyList<DriveTemplate> Drives { get; init; } = [];
}

/// <summary>One fully bound combination: machine, host policy, guest image and the steps to run.</summary>
/// <summary>
/// <see cref="Image"/> is null only when the combination is skipped (<see cref="SkipReason"/>: a fetched kernel is absent).
/// <see cref="Boot"/> is set for a kernel guest: the VMM then places the initrd and device tree as QEMU's -kernel does.
/// </summary>
public sealed record ScenarioConfig(MachineSpec Machine, HostPolicy Policy, LoadedImage? Image, IReadOnlyList<Step> Steps)
{
    public KernelBoot? Boot { get; init; }
    /// <summary>Why the combination cannot run here (neither pass nor fail), or null.</summary>
    public string? SkipReason { get; init; }

    /// <summary>The guest image of a combination that runs.</summary>
    public LoadedImage RunImage => Image ?? throw new InvalidOperationException($"skipped: {SkipReason}");

    /// <summary>
    /// Whether an expectation of this combination (its step applies: <c>when</c>) reads the stale-read detector (C10):
    /// the runner turns it on only then, since it slows every access down.
    /// </summary>
    public bool DetectsStaleReads => Steps.OfType<ExpectStep>().Any(s => s.Applies && s.Checks.Any(c => StaleReadMetrics.Names.Contains(c.Key)));

    /// <param name="drivePaths">The files made from <see cref="MachineSpec.Drives"/>, in order.</param>
    public VmmOptions ToVmmOptions(Action<byte> console, IReadOnlyList<string>? drivePaths = null) => new()
    {
        MemorySize = Machine.Memory,
        Cpus = Machine.Cpus,
        CacheModel = Machine.CacheModel,
        Caches = Machine.Caches,
        Fwb = Machine.Fwb,
        Dic = Machine.Dic,
        Idc = Machine.Idc,
        Policy = Policy,
        Seed = Machine.Seed,
        HugePages = Machine.HugePages,
        // A hand-made guest gets no device tree or initrd in RAM and x0 = 0 (scenarios/README.md "Boot"): every byte the
        // host writes is one the story names. A kernel guest boots as QEMU's -kernel boots it.
        BootDtb = Boot != null,
        Initrd = Boot?.Initrd,
        Bootargs = Boot?.Append,
        VirtioDmaCoherent = Machine.VirtioDmaCoherent,
        VirtioDmaPath = Machine.VirtioDmaPath,
        VirtioAccessPlatform = Machine.VirtioAccessPlatform,
        Drives = (drivePaths ?? []).Select((p, i) => new DriveSpec(p, Machine.Drives[i].ReadOnly)).ToArray(),
        Console = console,
    };
}

/// <summary>A matrix axis: a dotted path and the values it takes (nodes from the file, so errors point at them).</summary>
public sealed record MatrixAxis(string Path, SourceLocation Location, IReadOnlyList<YNode> Values);

/// <summary>A setting of one path: from the matrix, a sweep, --set or --policy.</summary>
public sealed record Setting(string Path, YNode Value)
{
    public override string ToString() => $"{Path}={Value.Value}";
}

/// <summary>One combination of matrix values (empty: the file as written).</summary>
public sealed record Combination(IReadOnlyList<Setting> Settings)
{
    public static readonly Combination Base = new(Array.Empty<Setting>());
    public string Label => Settings.Count == 0 ? "(as written)" : string.Join(" ", Settings.Select(s => s.ToString()));
}

/// <summary>
/// A row of <c>expected:</c>: conditions on paths and the result the matching combinations must give; a
/// <c>result: fail</c> row also says why (<see cref="Failure"/>).
/// </summary>
public sealed record ExpectedRow(IReadOnlyList<Setting> Conditions, bool Pass, SourceLocation Location, ExpectedFailure? Failure);

/// <summary>
/// What an expected failure must be: the expect step <see cref="Fails"/> (its id) fails, every failure of the combination
/// lies in it, and (when given) one of its failed expectations observed a value containing <see cref="Observed"/>.
/// </summary>
public sealed record ExpectedFailure(string Fails, string? Observed, SourceLocation Location)
{
    public override string ToString() => Observed == null ? $"'{Fails}' fails" : $"'{Fails}' fails, observing '{Observed}'";
}

/// <summary>The <c>sweep:</c> of a scenario: memory sizes × working sets × policies, one metric plotted.</summary>
public sealed record SweepSpec(IReadOnlyList<YNode> Memory, IReadOnlyList<YNode> WorkingSet, IReadOnlyList<YNode> Policies, string Metric, SourceLocation Location);
