using Arm64Vm.Host.Kvm;
using Xunit;

namespace Arm64Vm.Host.Tests.Scenarios;

/// <summary>
/// fwb-icache and lazy-exec (with lazy-exec-init-first) are pinned by their YAML (scenarios/*.yaml: matrices, consoles,
/// what loads see, unmap/clean counters). What stays here is which I-cache invalidation the host issued and the order
/// of the host's events at page P: the scenario format exposes the number of invalidations, not their kind or order.
/// </summary>
public class InstructionCacheStoryTests
{
    private const ulong PageP = 0x4008_1000;

    private static ScenarioRig FwbIcache(HostPolicy policy)
    {
        var rig = new ScenarioRig("fwb-icache", new VmmOptions { Fwb = true, Policy = policy });
        rig.RunUntil(StopReason.SystemReset);
        rig.RestoreImage();
        rig.InitVcpus();
        rig.RunUntil(StopReason.SystemOff);
        return rig;
    }

    [Fact]
    public void FwbIcache_TheReinitsInvalidationIsAnIcIalluisOfEveryICache()
    {
        using (var kvm = FwbIcache(HostPolicy.Kvm))
            Assert.Contains(kvm.Vm.Events.OfKind(HostEventKind.IcacheInvalidate), e => e.Detail == "init-all");
        using var ablated = FwbIcache(HostPolicy.NoIcacheInvalOnInit);
        Assert.DoesNotContain(ablated.Vm.Events.OfKind(HostEventKind.IcacheInvalidate), e => e.Detail == "init-all");
    }

    [Fact]
    public void LazyExec_Kvm_ReadFaultMapsWithoutExecThenThePermissionFaultInvalidatesBeforeAddingX()
    {
        using var rig = new ScenarioRig("lazy-exec", new VmmOptions());
        rig.RunUntil(StopReason.SystemReset);
        rig.RestoreImage();
        rig.WriteGuest(PageP, new byte[] { 0x40, 0x00, 0x80, 0x52, 0xC0, 0x03, 0x5F, 0xD6 });   // MOVZ W0, #2; RET
        rig.InitVcpus();
        rig.RunUntil(StopReason.SystemOff);
        Assert.Contains("boot 2 ok: new code ran", rig.Console);
        var boot2 = rig.Vm.Events.Events.SkipWhile(e => !(e.Kind == HostEventKind.VcpuInit && e.Detail == "re-init"))
            .Where(e => e.Address == PageP && e.Kind is HostEventKind.Stage2Fault or HostEventKind.Map or HostEventKind.Relax or HostEventKind.IcacheInvalidate)
            .Select(e => $"{e.Kind} {e.Detail}").ToList();
        Assert.Equal(new[]
        {
            "Stage2Fault translation read", "Map Read, Write",
            "Stage2Fault permission exec", "IcacheInvalidate exec", "Relax Read, Write, Execute",
        }, boot2);
    }
}
