using Arm64Vm.Devices.Virtio;
using Arm64Vm.Host;
using Arm64Vm.Host.Images;

namespace Arm64Vm.Cli;

/// <summary>The run command's virtio options (--drive, --rng, --virtio-dma-coherent, --virtio-dma): parsing and their errors.</summary>
internal static class VirtioOptions
{
    /// <summary>--drive FILE[,readonly], repeatable: the file must exist (checked when the VMM opens it).</summary>
    public static IReadOnlyList<DriveSpec> ParseDrives(string[]? values)
    {
        var drives = new List<DriveSpec>();
        foreach (var value in values ?? [])
        {
            var parts = value.Split(',');
            if (parts[0].Length == 0) throw new UsageException($"--drive: '{value}' names no file (FILE[,readonly])");
            bool readOnly = false;
            foreach (var option in parts.Skip(1))
            {
                if (option == "readonly") readOnly = true;
                else throw new UsageException($"--drive: unknown option '{option}' in '{value}' (FILE[,readonly])");
            }
            drives.Add(new DriveSpec(parts[0], readOnly));
        }
        if (drives.Count >= VirtBoard.VirtioTransports)
            throw new UsageException($"--drive: {drives.Count} drives do not fit in the board's {VirtBoard.VirtioTransports} virtio-mmio transports");
        return drives;
    }

    public static bool ParseBool(string option, string text) => text switch
    {
        "true" or "on" => true,
        "false" or "off" => false,
        _ => throw new UsageException($"{option}: '{text}' is not 'true' or 'false'"),
    };

    public static DmaPath ParseDmaPath(string text) => text switch
    {
        "host" => DmaPath.HostCacheable,
        "poc" => DmaPath.Poc,
        _ => throw new UsageException($"--virtio-dma: '{text}' is not 'host' or 'poc'"),
    };

    /// <summary>The VMM; a drive that cannot be opened is one line naming it (exit 2).</summary>
    public static Vmm CreateVmm(VmmOptions options, LoadedImage image)
    {
        try { return new Vmm(options, new[] { image }); }
        catch (DriveException e) { throw new UsageException($"--drive: {e.Message}"); }
    }
}
