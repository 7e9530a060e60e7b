using System.Text;
using Arm64Vm.Host.Images;
using Xunit;

namespace Arm64Vm.Host.Tests.Linux;

/// <summary>
/// The stock Debian 6.1 kernel end to end (VIO-1, VIO-6, VIO-7): 1 vCPU, the state cache model, a virtio disk and a
/// virtio-rng, booted to userspace and powered off. The console must show the initramfs's marker, one CPU, the disk
/// (vda) and the entropy device, the kernel's power-down line, and no warning, oops, BUG or RCU stall.
/// </summary>
public sealed class LinuxBootTests : IDisposable
{
    private readonly string _disk = Path.GetTempFileName();

    public LinuxBootTests() => File.WriteAllBytes(_disk, new byte[1 << 20]);

    public void Dispose() => File.Delete(_disk);

    [DebianKernelFact]
    public void DebianKernelBootsWithAVirtioDiskAndRngAndPowersOff()
    {
        var console = new StringBuilder();
        var options = new VmmOptions
        {
            MemorySize = 512UL << 20,
            Cpus = 1,
            CacheModel = CacheModelKind.State,
            Bootargs = "console=ttyAMA0 arm64vm.note=LINUX-BOOT-TEST",
            Initrd = new InitrdFile(DebianKernel.Initramfs, File.ReadAllBytes(DebianKernel.Initramfs)),
            Drives = [new DriveSpec(_disk, ReadOnly: false)],
            VirtioRng = true,
            Console = b => console.Append((char)b),
        };
        RunOutcome outcome;
        using (var vmm = new Vmm(options, [ImageLoader.Load(DebianKernel.Image)]))
        {
            vmm.Boot();
            outcome = vmm.Run(8_000_000_000);
        }
        string log = console.ToString().Replace("\r", "");
        var lines = log.Split('\n');
        Assert.True(outcome.Reason == StopReason.SystemOff, $"{outcome.Message}\n{Tail(lines)}");
        Assert.Contains("ARM64VM-USERSPACE-OK", lines);
        Assert.Contains("cpus: 1", lines);
        Assert.Contains(lines, l => l.StartsWith("disks: vda"));
        Assert.Contains("vda-wrote: LINUX-BOOT-TEST", lines);
        Assert.Contains(lines, l => l.StartsWith("hwrng: virtio_rng"));
        Assert.Contains(lines, l => l.EndsWith("reboot: Power down"));
        Assert.DoesNotContain(lines, l => l.Contains("WARNING") || l.Contains("Oops") || l.Contains("BUG") || l.Contains("stall"));
        Assert.Equal("LINUX-BOOT-TEST", Encoding.ASCII.GetString(File.ReadAllBytes(_disk), 0, 15));   // on the host file after exit
    }

    private static string Tail(string[] lines) => string.Join('\n', lines.TakeLast(20));
}
