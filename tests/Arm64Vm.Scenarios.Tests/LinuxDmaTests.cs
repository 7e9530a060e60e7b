using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>
/// scenarios/virtio-dma-nc.yaml: the stock Debian kernel writes and reads its virtio disk with the device tree's
/// dma-coherent on or off and the device model's DMA through the host's caches or at PoC. The kernel is fetched
/// outside the repository (tools/fetch-debian-kernel.sh, tools/make-dma-initramfs.sh): without it every combination
/// is skipped. The default run boots it once (the VIO-9 hazard, under a minute); the combination that waits for the
/// instruction limit is opt-in (ARM64VM_LINUX_LONG=1, tools/linux-long-tests.sh).
/// </summary>
[Collection(KernelDirCollection.Name)]
public class LinuxDmaTests
{
    private static string File => Path.Combine(RepoPaths.Scenarios, "virtio-dma-nc.yaml");

    [Fact]
    public void WithoutTheFetchedKernelEveryCombinationIsSkippedNamingTheFetchScript()
    {
        var results = KernelDirCollection.RunWithoutTheKernel(File, out string dir);
        Assert.Equal(16, results.Count);
        Assert.All(results, r =>
        {
            KernelDirCollection.AssertSkippedNamingTheFetchScript(r, dir);
            Assert.Contains("tools/make-dma-initramfs.sh (initramfs-dma.cpio.gz)", r.SkipReason);
        });
    }

    /// <summary>
    /// The combination the story is about: the device tree says dma-coherent, the device model reaches RAM at PoC (a
    /// model that leaves the cache maintenance to a guest that does none), the data-holding caches on. One boot.
    /// </summary>
    [LinuxLongFact("Image", "initramfs-dma.cpio.gz")]
    [Trait("Linux", "long")]
    public void ACoherentGuestAndAPocDeviceModelLoseDiskDataAsTheExpectedTableSays()
    {
        var results = ScenarioRunner.RunAll(ScenarioDocument.Load(File), new RunRequest
        {
            Overrides = new[] { "machine.virtio.dma-coherent=true", "machine.virtio.dma-path=poc", "machine.cache-model=state" }
                .Select(s => RunRequest.ParseSetting(s)).ToArray(),
        });
        var r = Assert.Single(results);
        Assert.True(r.MatchesExpected, $"{r.Combination.Label}: {r.Mismatch}");
        var want = Assert.IsType<ExpectedFailure>(r.ExpectedFailure);
        Assert.All(r.Failures, f => Assert.Equal((FailureKind.Expectation, want.Fails), (f.Kind, f.ExpectId)));
        // The first disk request never completes: insmod virtio_blk waits in the partition scan until the run's limit,
        // so /init never prints its marker nor reaches dd (scenarios/README.md, virtio-dma-nc findings).
        Assert.Contains("virtio_blk virtio0: [vda] 4096 512-byte logical blocks", r.Console);
        Assert.DoesNotContain("ARM64VM-USERSPACE-OK", r.Console);
        Assert.Contains(r.Runs, x => x.Contains("instruction limit", StringComparison.Ordinal));
    }

    /// <summary>
    /// VIO-9, the hazard of QEMU on KVM without FWB: the device offers ACCESS_PLATFORM, the device tree says the device
    /// is not coherent, so the guest maps its rings Non-cacheable and maintains its buffers, while the device model
    /// writes its replies through the host's caches. The guest's Non-cacheable reads of the used ring go around them.
    /// </summary>
    [LinuxFact("Image", "initramfs-dma.cpio.gz")]
    public void Vio9_ANonCoherentGuestAndADeviceModelWritingThroughTheHostsCachesLoseDiskDataWithoutFwb()
    {
        var results = ScenarioRunner.RunAll(ScenarioDocument.Load(File), new RunRequest
        {
            Overrides = new[] { "machine.virtio.access-platform=true", "machine.virtio.dma-coherent=false", "machine.virtio.dma-path=host", "machine.cache-model=state" }
                .Select(s => RunRequest.ParseSetting(s)).ToArray(),
        });
        var r = Assert.Single(results);
        Assert.True(r.MatchesExpected, $"{r.Combination.Label}: {r.Mismatch}");
        var want = Assert.IsType<ExpectedFailure>(r.ExpectedFailure);
        Assert.Equal("disk-data", want.Fails);
        Assert.All(r.Failures, f => Assert.Equal((FailureKind.Expectation, want.Fails), (f.Kind, f.ExpectId)));
        Assert.DoesNotContain("ARM64VM-USERSPACE-OK", r.Console);
    }
}

/// <summary>The skip reason of a test that boots the fetched kernel: the first of its files that is missing, or null.</summary>
internal static class FetchedKernel
{
    public static string? Missing(string[] files, string scripts) =>
        files.FirstOrDefault(f => !System.IO.File.Exists(Path.Combine(ScenarioBinder.DebianKernelDirectory(), f))) is { } missing
            ? $"{Path.Combine(ScenarioBinder.DebianKernelDirectory(), missing)} is missing: run {scripts}"
            : null;
}

/// <summary>A test that boots Linux once, in the default run: skipped, naming the scripts, when the fetched files are absent.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute(params string[] files) =>
        Skip = FetchedKernel.Missing(files, "tools/fetch-debian-kernel.sh and tools/make-dma-initramfs.sh");
}

/// <summary>
/// A test that boots Linux: it runs only with ARM64VM_LINUX_LONG=1 (tools/linux-long-tests.sh) and the fetched files
/// present, and is skipped otherwise, saying which.
/// </summary>
public sealed class LinuxLongFactAttribute : FactAttribute
{
    public LinuxLongFactAttribute(params string[] files) =>
        Skip = Environment.GetEnvironmentVariable("ARM64VM_LINUX_LONG") != "1"
            ? "boots Linux: set ARM64VM_LINUX_LONG=1 (tools/linux-long-tests.sh runs these tests)"
            : FetchedKernel.Missing(files, "tools/fetch-debian-kernel.sh and tools/make-dma-initramfs.sh (tools/linux-long-tests.sh)");
}
