using Arm64Vm.Host.Kvm;
using Xunit;

namespace Arm64Vm.Host.Tests.Scenarios;

/// <summary>
/// set-way-boot, tvm-toggle, cpu-on-stale and dma-ivac are pinned by their YAML (scenarios/*.yaml: matrices, consoles,
/// memory at PoC, flush/TVM/set-way counters). What stays here is the order and attribution of the host's VM flushes
/// and TVM changes (which vCPU, which trigger) and the final HCR_EL2.TVM: the scenario format exposes counters, not the
/// event log or a vCPU's HCR_EL2.
/// </summary>
public class CacheControlStoryTests
{
    [Fact]
    public void SetWayBoot_Kvm_TheFirstTrappedSetWayFlushesOnceThenTheCachesOffWriteFlushesAgain()
    {
        using var rig = new ScenarioRig("set-way-boot", new VmmOptions(), cpus: 2);
        rig.RunUntil(StopReason.SystemOff);
        Assert.Contains("vcpu1 data ok", rig.Console);
        // Both vCPUs' caches-on writes (toggle-on), the first trapped set/way, vCPU 0's caches-off write (toggle-off).
        Assert.Equal(new[] { (0, "toggle-on"), (1, "toggle-on"), (0, "set-way"), (0, "toggle-off") },
            rig.Vm.Events.OfKind(HostEventKind.VmFlush).Select(e => (e.Vcpu, e.Detail)));
    }

    [Fact]
    public void TvmToggle_Kvm_FlushesOnEveryTrappedToggleAndClearsTvmWhenTheCachesAreBackOn()
    {
        using var rig = new ScenarioRig("tvm-toggle", new VmmOptions());
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(new[] { "toggle-on", "set-way", "toggle-off", "toggle-on" }, rig.Vm.Events.OfKind(HostEventKind.VmFlush).Select(e => e.Detail));
        Assert.Equal(new[] { "clear", "set", "clear" }, rig.Vm.Events.OfKind(HostEventKind.Tvm).Select(e => e.Detail));
        Assert.Equal(0UL, rig.Vmm.Vcpus[0].Hcr & Arm64Vm.Cpu.Hcr.TVM);
    }

    [Fact]
    public void CpuOnStale_TheOnlyVmFlushIsThePrimarysCachesOnToggle()
    {
        using var rig = new ScenarioRig("cpu-on-stale", new VmmOptions(), cpus: 2);
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(new[] { (0, "toggle-on") }, rig.Vm.Events.OfKind(HostEventKind.VmFlush).Select(e => (e.Vcpu, e.Detail)));
    }
}
