using System.Diagnostics;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>
/// The CLI's multi-core JIT profile (<c>Arm64Vm.Cli.JitProfile</c>): the built <c>arm64vm</c> run as its own process,
/// since the runtime writes the profile when the process ends.
/// </summary>
public class JitProfileTests
{
    private static readonly string Guest = Path.Combine(RepoPaths.Root, "tests", "guests", "bin", "hello.elf");

    private static (int Code, string Out, string Err) RunCli(string cache, string? profileSwitch)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "arm64vm"), new[] { "run", Guest })
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["XDG_CACHE_HOME"] = cache;
        psi.Environment.Remove("ARM64VM_JIT_PROFILE");
        if (profileSwitch != null) psi.Environment["ARM64VM_JIT_PROFILE"] = profileSwitch;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), "arm64vm did not end within a minute");
        return (p.ExitCode, output, err.Result);
    }

    [Fact]
    public void ARunRecordsItsProfileAndTheNextRunOfTheSameGuestPrintsTheSame()
    {
        using var dir = new ScenarioDir();
        string profile = Path.Combine(dir.Path, "arm64vm", "jit-profile", "run.jitprofile");
        var first = RunCli(dir.Path, null);
        Assert.Equal(0, first.Code);
        Assert.Contains("Hello from Arm64Vm", first.Out);
        Assert.True(File.Exists(profile) && new FileInfo(profile).Length > 0, "no profile at " + profile);
        var second = RunCli(dir.Path, null);     // replays the profile
        Assert.Equal((0, first.Out), (second.Code, second.Out));
    }

    [Fact]
    public void TheSwitchTurnsItOffAndACacheThatIsAFileLeavesItOff()
    {
        using var dir = new ScenarioDir();
        var off = RunCli(dir.Path, "0");
        Assert.Equal(0, off.Code);
        Assert.Contains("Hello from Arm64Vm", off.Out);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "arm64vm")), "ARM64VM_JIT_PROFILE=0 wrote a profile");
        string file = dir.Write("not-a-directory", "x");
        var blocked = RunCli(file, null);
        Assert.Equal(0, blocked.Code);
        Assert.Contains("Hello from Arm64Vm", blocked.Out);
        Assert.Equal("", blocked.Err);
    }
}
