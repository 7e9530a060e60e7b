using Arm64Vm.Host.Kvm;

namespace Arm64Vm.Scenarios.Model;

/// <summary>
/// Every key the scenario format knows, per object. The binder accepts exactly these (anything else is an error), and
/// a test checks that specs/scenario.schema.json declares the same keys under the same <c>$defs</c> names.
/// </summary>
public static class ScenarioKeys
{
    public static readonly string[] Root = { "name", "summary", "params", "machine", "host", "guest", "steps", "matrix", "expected", "sweep" };
    public static readonly string[] Machine = { "cpus", "memory", "cache-model", "caches", "features", "seed", "hugepages", "virtio", "drives" };
    public static readonly string[] Drive = { "size", "fill", "pattern", "read-only" };
    public static readonly string[] DrivePattern = { "at", "size", "tag" };
    public static readonly string[] Virtio = { "dma-coherent", "dma-path", "access-platform" };
    public static readonly string[] DmaPaths = { "host", "poc" };
    public static readonly string[] Caches =
    {
        "clusters", "cpus-per-cluster", "l1d", "l1i", "l2", "system-cache", "l2-per-cluster", "l2-inclusion", "point-of-unification",
        "non-cacheable-hit",
    };
    public static readonly string[] Cache = { "size", "ways", "line", "replacement" };
    public static readonly string[] Features = { "fwb", "dic", "idc" };
    public static readonly string[] Host = { "policy" };
    public static readonly string[] Guest = { "image", "load", "entry", "kernel", "kernel-dir", "initrd", "append" };

    public static readonly string[] StepKinds = { "run", "expect", "host-write", "host-fill", "vcpu-init", "reset", "set-registers", "dirty-log", "migrate",
        "host-read", "swap-page", "break-cow" };
    public static readonly string[] Run = { "until", "max-instructions" };
    public static readonly string[] HostWrite = { "image", "bytes", "at" };
    public static readonly string[] HostFill = { "at", "size", "value" };
    public static readonly string[] VcpuInit = { "vcpu", "power-off", "pc" };
    public static readonly string[] Reset = Array.Empty<string>();
    public static readonly string[] SetRegisters = new[] { "vcpu", "pc" }.Concat(Enumerable.Range(0, 31).Select(i => $"x{i}")).ToArray();
    public static readonly string[] DirtyLog = { "enable", "manual-protect", "initially-set" };
    public static readonly string[] Migrate = { "rounds", "run-instructions", "window-instructions", "final" };
    public static readonly string[] HostRead = { "at", "size" };
    public static readonly string[] SwapPage = { "at" };
    public static readonly string[] BreakCow = { "at", "bytes" };

    /// <summary>Keys of an <c>expect</c> step other than the host counters: its id and conditions, then the expectations.</summary>
    public static readonly string[] ExpectFixed =
    {
        "id", "when", "console-contains", "console-not-contains", "console-matches", "memory", "registers", "exit-status", "migrated-copy-equals-source", "disk", "instructions",
    };
    /// <summary>Every key of an <c>expect</c> step: the fixed ones, then every host counter (HostCounters.ToDictionary).</summary>
    public static IReadOnlyList<string> Expect { get; } = ExpectFixed.Concat(StaleReadMetrics.Names).Concat(HostCounters.Names).ToArray();
    public static readonly string[] Range = { "min", "max", "equals" };
    public static readonly string[] MemoryCheck = { "at", "equals-image", "equals", "size", "view" };
    public static readonly string[] DiskCheck = { "drive", "at", "text", "hex", "pattern", "fill", "size" };
    public static readonly string[] RegisterCheck = SetRegisters;
    public static readonly string[] ExpectedRowFixed = { "result", "fails", "observed" };
    public static readonly string[] Sweep = { "memory", "working-set", "policies", "metric" };

    public static readonly string[] Until = { "system-reset", "system-off", "exit", "instructions", "idle" };
    public static readonly string[] MemoryViews = { "host", "poc" };

    /// <summary>Object name (as in the schema's $defs) → its keys.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyCollection<string>> Objects { get; } = new Dictionary<string, IReadOnlyCollection<string>>
    {
        ["scenario"] = Root,
        ["machine"] = Machine,
        ["caches"] = Caches,
        ["cache"] = Cache,
        ["features"] = Features,
        ["virtio"] = Virtio,
        ["drive"] = Drive,
        ["drive-pattern"] = DrivePattern,
        ["host"] = Host,
        ["guest"] = Guest,
        ["step"] = StepKinds,
        ["run"] = Run,
        ["host-write"] = HostWrite,
        ["host-fill"] = HostFill,
        ["vcpu-init"] = VcpuInit,
        ["reset"] = Reset,
        ["set-registers"] = SetRegisters,
        ["dirty-log"] = DirtyLog,
        ["migrate"] = Migrate,
        ["host-read"] = HostRead,
        ["swap-page"] = SwapPage,
        ["break-cow"] = BreakCow,
        ["expect"] = Expect,
        ["range"] = Range,
        ["memory-check"] = MemoryCheck,
        ["disk-check"] = DiskCheck,
        ["register-check"] = RegisterCheck,
        ["sweep"] = Sweep,
    };

    /// <summary>Host counter names plus the runner's own totals usable in <c>sweep.metric</c>.</summary>
    public static IReadOnlyList<string> Metrics { get; } = HostCounters.Names.Concat(new[] { "instructions" }).ToArray();
}
