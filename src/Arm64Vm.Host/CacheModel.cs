using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Host;

/// <summary>Which memory system a machine gets: "off" (flat, coherent, QEMU-like and fastest) or "state" (the data-holding cache model).</summary>
public enum CacheModelKind { Off, State }

public static class CacheModel
{
    public static CacheModelKind Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "off" => CacheModelKind.Off,
        "state" => CacheModelKind.State,
        _ => throw new ArgumentException($"cache model '{text}' is not 'off' or 'state'"),
    };

    /// <summary>A memory-system factory for <see cref="MachineConfig.MemorySystemFactory"/>.</summary>
    public static Func<PhysicalMemoryMap, IMemorySystem> Factory(CacheModelKind kind, int cpus, bool idc = false, bool dic = false,
        ulong seed = 1, CacheConfig? caches = null) =>
        kind == CacheModelKind.Off
            // Flat memory is coherent, but the identification registers still say what was asked for (CTR_EL0.IDC/DIC).
            ? map => new FlatMemorySystem(map, (caches ?? CacheConfig.CortexA57(cpus)) with { Idc = idc, Dic = dic })
            : map => new CacheMemorySystem(map, (caches ?? CacheConfig.CortexA57(cpus)) with { Idc = idc, Dic = dic, Seed = seed });
}
