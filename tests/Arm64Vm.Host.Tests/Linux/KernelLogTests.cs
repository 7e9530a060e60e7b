using Xunit;

namespace Arm64Vm.Host.Tests.Linux;

/// <summary>The kernel-log check the Linux tests apply (LOG-1..7, specs/deviations.md), on made-up lines: no boot.</summary>
public class KernelLogTests
{
    [Fact]
    public void WarningsErrorsOopsBadUnexpectedAndStallsAreReportedWithoutTheirTimestamps()
    {
        string[] log =
        [
            "[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]",
            "[    1.234567] WARNING: CPU: 1 PID: 0 at kernel/smp.c:912 smp_call_function_many_cond+0x3c/0x3f0",
            "[    2.000000] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:",
            "[    2.100000] Unable to handle kernel paging request: Internal error: Oops: 96000004 [#1] SMP",
            "[    2.200000] virtio_blk virtio1: bad descriptor",
            "[    2.300000] GICv3: unexpected interrupt 1023",
            "[    2.400000] i2c i2c-0: transfer error",
            "cpus: 4",
        ];
        Assert.Equal(log[1..7].Select(l => l[15..]), KernelLog.Unexplained(log));
    }

    [Fact]
    public void OnlyAnArm64VmOrBothRowOfTheAllowlistExplainsALineOfArm64VmsLog()
    {
        string[] log = ["[    2.300000] GICv3: unexpected interrupt 1023", "[    2.4] bad things"];
        Assert.Equal(["bad things"], KernelLog.Unexplained(log, ["arm64vm\tunexpected interrupt \\d+$\tLOG-X"]));
        Assert.Equal(["bad things"], KernelLog.Unexplained(log, ["# a comment", "both\tunexpected interrupt\tLOG-X"]));
        Assert.Equal(2, KernelLog.Unexplained(log, ["qemu\tunexpected interrupt\tLOG-X"]).Length);   // QEMU's side only
    }

    [Fact]
    public void TheRepositorysAllowlistExplainsNoWarningByDefault()
    {
        // No arm64vm or both row of tools/linux-logdiff.allow matches a made-up warning: the list is not a catch-all.
        Assert.Single(KernelLog.Unexplained(["[ 1.0] WARNING: CPU: 0 PID: 1 at mm/page_alloc.c:5526"]));
    }
}
