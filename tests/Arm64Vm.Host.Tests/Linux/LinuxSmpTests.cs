using System.Diagnostics;
using Xunit;

namespace Arm64Vm.Host.Tests.Linux;

/// <summary>
/// SMP Linux: the secondaries come up through PSCI CPU_ON, the kernel's IPIs and broadcast TLB invalidations work, and
/// nproc (the initramfs's "cpus: N") counts every vCPU; the kernel log holds no warning, error, oops, "bad",
/// "unexpected" or stall line that tools/linux-logdiff.allow does not explain (specs/deviations.md, LOG-1..7). The
/// default run boots 2 vCPUs once; 4 vCPUs under both cache models and the diff against QEMU need ARM64VM_LINUX_LONG=1
/// (tools/linux-long-tests.sh).
/// </summary>
public sealed class LinuxSmpTests : IDisposable
{
    private readonly ScratchDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    private void BootsCleanly(int cpus, CacheModelKind model)
    {
        var (outcome, lines) = KernelLog.Boot(cpus, model, drives: _disk.Drives, rng: true);
        Assert.True(outcome.Reason == StopReason.SystemOff, $"{outcome.Message}\n{KernelLog.Tail(lines)}");
        Assert.Contains("ARM64VM-USERSPACE-OK", lines);
        Assert.Contains($"cpus: {cpus}", lines);                                         // nproc
        Assert.Contains(lines, l => l.Contains($"SMP: Total of {cpus} processors activated"));
        Assert.Contains(lines, l => l.EndsWith("reboot: Power down"));
        var unexplained = KernelLog.Unexplained(lines);
        Assert.True(unexplained.Length == 0, "unexplained kernel log lines:\n" + string.Join('\n', unexplained));
    }

    /// <summary>The default run's second Linux boot (LinuxBootTests boots 1 vCPU under the state model): 2 vCPUs on flat
    /// memory, the faster model, to keep the suite's time down.</summary>
    [DebianKernelFact]
    public void TwoVcpusBootToUserspaceWithACleanLogAndNprocTwo() => BootsCleanly(2, CacheModelKind.Off);

    [LinuxLongTheory]
    [Trait("Linux", "long")]
    [InlineData(CacheModelKind.State)]
    [InlineData(CacheModelKind.Off)]
    public void FourVcpusBootToUserspaceWithACleanLogAndNprocFour(CacheModelKind model) => BootsCleanly(4, model);

    /// <summary>tools/linux-logdiff.py boots 1, 2 and 4 vCPUs under Arm64Vm and QEMU and fails on any difference of
    /// the normalised logs that tools/linux-logdiff.allow does not explain.</summary>
    [LinuxLongFact]
    [Trait("Linux", "long")]
    public void KernelLogDiffersFromQemusOnlyByExplainedLines()
    {
        var psi = new ProcessStartInfo("python3", ["tools/linux-logdiff.py", "--cpus", "1,2,4"])
        {
            WorkingDirectory = GuestRunner.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode != 2, $"linux-logdiff could not run: {stderr.Result}");
        Assert.True(p.ExitCode == 0, stdout + stderr.Result);
        Assert.Contains("unexplained differences: 0", stdout);
    }
}
