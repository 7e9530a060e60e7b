using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>
/// scenarios/linux-reboot.yaml: the stock Debian kernel boots, reboots from userspace and boots again. The kernel is
/// fetched outside the repository (tools/fetch-debian-kernel.sh, tools/make-reboot-initramfs.sh): without it every
/// combination is skipped — a verdict of its own, neither pass nor fail, never a mismatch. With it, this test runs
/// one combination (two boots, under a minute each); `arm64vm scenario run scenarios/linux-reboot.yaml --matrix` runs
/// the whole matrix against the same expected table.
/// </summary>
[Collection(KernelDirCollection.Name)]
public class LinuxRebootTests
{
    private static string File => Path.Combine(RepoPaths.Scenarios, "linux-reboot.yaml");

    private static bool KernelPresent() => FetchedKernel.Missing(["Image", "initramfs-reboot.cpio.gz"], "") == null;

    [Fact]
    public void WithoutTheFetchedKernelEveryCombinationIsSkippedNamingTheFetchScript()
    {
        var results = KernelDirCollection.RunWithoutTheKernel(File, out string dir);
        Assert.Equal(6, results.Count);
        Assert.All(results, r =>
        {
            KernelDirCollection.AssertSkippedNamingTheFetchScript(r, dir);
            Assert.Contains("tools/make-reboot-initramfs.sh (initramfs-reboot.cpio.gz)", r.SkipReason);
        });
    }

    [Fact]
    public void AKernelGuestOutsideTheFetchedFolderThatIsMissingIsAnErrorNotASkip()
    {
        using var dir = new ScenarioDir();
        string yaml = "guest: { kernel: no-such-Image }\nsteps:\n  - run: {}\n";
        var e = Assert.Throws<Arm64Vm.Scenarios.Yaml.ScenarioException>(() => dir.Load("k.yaml", yaml).Bind(Combination.Base, Array.Empty<Setting>()));
        Assert.Contains("no-such-Image does not exist", e.Message);
    }

    /// <summary>
    /// One combination (two Linux boots take minutes of one core): the policy the project's question is about, the
    /// re-init that neither unmaps nor cleans, without FWB. The CLI runs the whole matrix against the same table.
    /// </summary>
    [Theory]
    [InlineData("no-unmap-on-init", "false")]
    public void TheKernelRebootsAndBootsAgainAsTheExpectedTableSays(string policy, string fwb)
    {
        var doc = ScenarioDocument.Load(File);
        var results = ScenarioRunner.RunAll(doc, new RunRequest
        {
            Overrides = new[] { RunRequest.ParseSetting($"host.policy={policy}"), RunRequest.ParseSetting($"machine.features.fwb={fwb}") },
        });
        var r = Assert.Single(results);
        if (!KernelPresent())
        {
            Assert.True(r.Skipped, "the kernel is absent: the combination is skipped");
            return;
        }
        Assert.True(r.MatchesExpected, $"{r.Combination.Label}: {r.Mismatch}");
        // Both runs ended at the guest's SYSTEM_RESET, and userspace printed its marker once per boot.
        Assert.Equal(2, r.Runs.Count(x => x.Contains("PSCI SYSTEM_RESET", StringComparison.Ordinal)));
        Assert.Equal(2, r.Console.Split("ARM64VM-USERSPACE-OK").Length - 1);
        if (r.ExpectedFailure is { } want) Assert.All(r.Failures, f => Assert.Equal(want.Fails, f.ExpectId));
    }
}

/// <summary>Tests that set ARM64VM_KERNEL_DIR (process-wide) run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class KernelDirCollection
{
    public const string Name = "ARM64VM_KERNEL_DIR";

    /// <summary>Runs a scenario's whole matrix with ARM64VM_KERNEL_DIR naming an empty folder (restored after); <paramref name="dir"/> is that folder.</summary>
    public static IReadOnlyList<CombinationResult> RunWithoutTheKernel(string file, out string dir)
    {
        using var empty = new ScenarioDir();
        dir = empty.Path;
        string? saved = Environment.GetEnvironmentVariable("ARM64VM_KERNEL_DIR");
        Environment.SetEnvironmentVariable("ARM64VM_KERNEL_DIR", empty.Path);
        try { return ScenarioRunner.RunAll(ScenarioDocument.Load(file), new RunRequest { Matrix = true }); }
        finally { Environment.SetEnvironmentVariable("ARM64VM_KERNEL_DIR", saved); }
    }

    /// <summary>A skip: neither pass nor fail, nothing run, the reason naming the missing kernel and the fetch script.</summary>
    public static void AssertSkippedNamingTheFetchScript(CombinationResult r, string dir)
    {
        Assert.True(r.Skipped);
        Assert.Equal("skip", r.Result);
        Assert.False(r.Passed);
        Assert.Null(r.Mismatch);                      // neither pass nor fail: nothing to compare
        Assert.Contains("tools/fetch-debian-kernel.sh", r.SkipReason);
        Assert.Contains(Path.Combine(dir, "Image"), r.SkipReason);
        Assert.Equal(0UL, r.Instructions);
    }
}
