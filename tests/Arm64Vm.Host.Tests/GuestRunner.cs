using System.Text;
using Arm64Vm.Host.Images;

namespace Arm64Vm.Host.Tests;

/// <summary>Runs a committed guest image on a default virt machine and captures its UART/semihosting output.</summary>
internal static class GuestRunner
{
    /// <summary>The repository root (the directory holding Arm64Vm.sln), found from the test binary's location.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "Arm64Vm.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("Arm64Vm.sln not found above " + AppContext.BaseDirectory);
    }

    public static string PathOf(string relative) => Path.Combine(RepoRoot, relative);

    /// <summary>Runs an image the way `arm64vm run` does (VMM on the KVM-like host layer), flat memory unless options say otherwise.</summary>
    public static (string Output, RunOutcome Outcome) Run(string imagePath, ulong maxInstructions, VmmOptions? options = null)
    {
        var output = new MemoryStream();
        var o = options ?? new VmmOptions { CacheModel = CacheModelKind.Off };
        var image = ImageLoader.Load(imagePath);
        using var vmm = new Vmm(new VmmOptions
        {
            MemorySize = o.MemorySize, Cpus = o.Cpus, CacheModel = o.CacheModel, Caches = o.Caches, Fwb = o.Fwb, Dic = o.Dic,
            Idc = o.Idc, Policy = o.Policy, Seed = o.Seed, Console = b => output.WriteByte(b),
            GicVersion = o.GicVersion, Bootargs = o.Bootargs, Initrd = o.Initrd, Dtb = o.Dtb, Clock = o.Clock, HostClock = o.HostClock,
        }, new[] { image });
        vmm.Boot();
        var outcome = vmm.Run(maxInstructions);
        return (Encoding.ASCII.GetString(output.ToArray()), outcome);
    }
}
