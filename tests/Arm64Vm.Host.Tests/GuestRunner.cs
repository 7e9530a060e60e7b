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

    public static (string Output, RunOutcome Outcome) Run(string imagePath, ulong maxInstructions)
    {
        var output = new MemoryStream();
        var config = new MachineConfig { ConsoleOutput = b => output.WriteByte(b) };
        using var machine = new Machine(config);
        var image = ImageLoader.Load(imagePath);
        var vmm = new Vmm(machine, new[] { image }, b => output.WriteByte(b));
        vmm.Boot();
        var outcome = vmm.Run(maxInstructions);
        return (Encoding.ASCII.GetString(output.ToArray()), outcome);
    }
}
