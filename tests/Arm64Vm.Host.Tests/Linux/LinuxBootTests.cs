using System.Text;
using Xunit;

namespace Arm64Vm.Host.Tests.Linux;

/// <summary>
/// The stock Debian 6.1 kernel end to end (VIO-1, VIO-6, VIO-7): 1 vCPU, the state cache model, a virtio disk and a
/// virtio-rng, booted to userspace and powered off. The console must show the initramfs's marker, one CPU, the disk
/// (vda) and the entropy device, the kernel's power-down line, and no warning, error, oops, BUG or RCU stall line that
/// tools/linux-logdiff.allow does not explain.
/// </summary>
public sealed class LinuxBootTests : IDisposable
{
    private readonly ScratchDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    [DebianKernelFact]
    public void DebianKernelBootsWithAVirtioDiskAndRngAndPowersOff()
    {
        var (outcome, lines) = KernelLog.Boot(1, CacheModelKind.State, "arm64vm.note=LINUX-BOOT-TEST",
            _disk.Drives, rng: true);
        Assert.True(outcome.Reason == StopReason.SystemOff, $"{outcome.Message}\n{KernelLog.Tail(lines)}");
        Assert.Contains("ARM64VM-USERSPACE-OK", lines);
        Assert.Contains("cpus: 1", lines);
        Assert.Contains(lines, l => l.StartsWith("disks: vda"));
        Assert.Contains("vda-wrote: LINUX-BOOT-TEST", lines);
        Assert.Contains(lines, l => l.StartsWith("hwrng: virtio_rng"));
        Assert.Contains(lines, l => l.EndsWith("reboot: Power down"));
        Assert.Empty(KernelLog.Unexplained(lines));
        Assert.Equal("LINUX-BOOT-TEST", Encoding.ASCII.GetString(File.ReadAllBytes(_disk.Path), 0, 15));   // on the host file after exit
    }
}
