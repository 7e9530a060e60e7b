using System.Text;
using Arm64Vm.Host.Images;
using Arm64Vm.Memory.Caches;
using Xunit;

namespace Arm64Vm.Host.Tests;

/// <summary>
/// The reboot-relocate story (scenarios/guests/relocate.S) under KVM with FEAT_S2FWB and a 4 KiB direct-mapped L2:
/// the faithful combination that showed the run loop executing an instruction whose own store had reset its
/// pre-decoded slot. Boot 1's relocation copy stores into a line whose allocation evicts the copy loop's own line
/// from the (inclusive) L2, and with it from the L1I; the post-indexed store then lost its write-back and the copy
/// landed one line off, so boot 1 never reached "words changed 64" and boot 2 never saw its restored table. The
/// instruction completes as fetched (Arm ARM (DDI 0487K.a) section B2.2.5), so both boots print what they print
/// with any other geometry.
/// </summary>
public class CodeSlotRegressionTests
{
    private const ulong Load = 0x4008_0000;
    private const string Boot1 =
        "relocate: boot 1\nboot 1 table ok\nboot 1 relocated, running at 0x00000000406000c0\n" +
        "boot 1 overwrote the table with the MMU off: words changed 64\nboot 1 SYSTEM_RESET\n";
    private const string Boot2 = "relocate: boot 2\nboot 2 ok: table restored\n";

    [Theory]
    [InlineData(4 * 1024, 1)]       // the combination that failed: every store may evict the copy loop's line
    [InlineData(2 * 1024 * 1024, 16)]   // the default geometry (never failed): the same output
    public void RebootRelocate_KvmWithFwb_SmallL2_RestoredImageIsSeenByBoot2(int l2Bytes, int l2Ways)
    {
        var console = new StringBuilder();
        var image = ImageLoader.Parse("relocate", File.ReadAllBytes(GuestRunner.PathOf("scenarios/guests/bin/relocate.bin")), Load);
        using var vmm = new Vmm(new VmmOptions
        {
            MemorySize = 16UL << 20,
            Fwb = true,
            Caches = CacheConfig.CortexA57(1) with { L2 = new CacheGeometry(l2Bytes, l2Ways) },
            Console = b => console.Append((char)b),
        }, new[] { image });
        vmm.StopOnReset = true;
        vmm.Boot();

        var first = vmm.Run(5_000_000);
        Assert.True(first.Reason == StopReason.SystemReset, $"boot 1 ended with {first.Reason} ({first.Message}):\n{console}");
        Assert.Equal(Boot1, console.ToString());

        vmm.LoadImages();   // the VMM restores the image through the host's cacheable path, as QEMU does on reset
        vmm.InitVcpus();
        var second = vmm.Run(5_000_000);
        Assert.True(second.Reason == StopReason.SystemOff, $"boot 2 ended with {second.Reason} ({second.Message}):\n{console}");
        Assert.Equal(Boot1 + Boot2, console.ToString());
    }
}
