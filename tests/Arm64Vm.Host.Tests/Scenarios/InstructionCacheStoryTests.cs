using Arm64Vm.Host.Kvm;
using Xunit;

namespace Arm64Vm.Host.Tests.Scenarios;

/// <summary>
/// Stories 3 (fwb-icache) and 4 (lazy-exec) of issue #6: instructions a guest fetched before a reset must not run after
/// the VMM replaced them. With FWB the re-init's IC IALLUIS (H1) does it; without FWB the lazy exec permission (H3/H4)
/// invalidates the I-cache for a page when it becomes executable.
/// </summary>
public class InstructionCacheStoryTests
{
    private const ulong PatchFn = 0x4008_0800, PageP = 0x4008_1000;

    private const string FwbBoot1 =
        "fwb-icache: boot 1\nboot 1 patch_fn returned 1\nboot 1 patched patch_fn, it returned 2\nboot 1 SYSTEM_RESET\n";

    private static string RunFwbIcache(VmmOptions options, out ScenarioRig rigOut)
    {
        var rig = new ScenarioRig("fwb-icache", options);
        rigOut = rig;
        rig.RunUntil(StopReason.SystemReset);
        Assert.Equal(FwbBoot1, rig.Console);
        rig.RestoreImage();
        rig.InitVcpus();
        rig.RunUntil(StopReason.SystemOff);
        return rig.Console[FwbBoot1.Length..];
    }

    [Theory]
    [InlineData("kvm", true, "boot 2 ok: original code ran")]
    [InlineData("no-icache-inval-on-init", true, "boot 2 stale: patched code ran")]
    // Without FWB the MMU-off fetches are non-cacheable: what matters is memory, which the unmap at re-init cleans.
    [InlineData("kvm", false, "boot 2 ok: original code ran")]
    [InlineData("no-icache-inval-on-init", false, "boot 2 ok: original code ran")]
    [InlineData("no-unmap-on-init", false, "boot 2 stale: patched code ran")]
    public void FwbIcache(string policy, bool fwb, string verdict)
    {
        string boot2 = RunFwbIcache(new VmmOptions { Policy = HostPolicy.Parse(policy), Fwb = fwb }, out var rig);
        using (rig) Assert.Equal($"fwb-icache: boot 2\n{verdict}\n", boot2);
    }

    [Fact]
    public void FwbIcache_Kvm_ReinitInvalidatesEveryIcacheAndLeavesStage2()
    {
        RunFwbIcache(new VmmOptions { Fwb = true }, out var rig);
        using (rig)
        {
            Assert.Contains(rig.Vm.Events.OfKind(HostEventKind.IcacheInvalidate), e => e.Detail == "init-all");
            Assert.Equal(0, rig.Counters.PagesUnmapped);
            Assert.Equal(0, rig.Counters.LinesCleanedInvalidated);
            // The guest's patch is gone from every level: the host's restore is what the line holds now.
            Assert.Equal(rig.ImageWord(PatchFn), rig.ReadGuest64(PatchFn));
        }
    }

    [Fact]
    public void FwbIcache_NoIcacheInvalOnInit_TheStaleLineIsInTheInstructionCacheNotInMemory()
    {
        RunFwbIcache(new VmmOptions { Fwb = true, Policy = HostPolicy.NoIcacheInvalOnInit }, out var rig);
        using (rig)
        {
            Assert.DoesNotContain(rig.Vm.Events.OfKind(HostEventKind.IcacheInvalidate), e => e.Detail == "init-all");
            // Data reads (the host's, and through it the guest's) see the original instruction: only the I-cache is stale.
            Assert.Equal(0x52800020u, (uint)rig.ReadGuest64(PatchFn));       // MOVZ W0, #1
        }
    }

    // ---------------------------------------------------------------- lazy-exec

    private static readonly byte[] NewCode = { 0x40, 0x00, 0x80, 0x52, 0xC0, 0x03, 0x5F, 0xD6 };   // MOVZ W0, #2; RET
    private const string LazyBoot1 = "lazy-exec: boot 1\nboot 1 code on P returned 1\nboot 1 SYSTEM_RESET\n";

    private static ScenarioRig RunLazyExec(VmmOptions options, bool initFirst = false)
    {
        var rig = new ScenarioRig("lazy-exec", options);
        rig.RunUntil(StopReason.SystemReset);
        Assert.Equal(LazyBoot1, rig.Console);
        if (initFirst) rig.InitVcpus();
        rig.RestoreImage();
        rig.WriteGuest(PageP, NewCode);
        if (!initFirst) rig.InitVcpus();
        rig.RunUntil(StopReason.SystemOff);
        return rig;
    }

    [Theory]
    [InlineData("kvm", false, false, "boot 2 ok: new code ran")]
    [InlineData("kvm", true, false, "boot 2 ok: new code ran")]
    [InlineData("no-icache-inval-on-exec", false, false, "boot 2 stale: old code ran")]
    [InlineData("no-icache-inval-on-exec", true, false, "boot 2 stale: old code ran")]
    // FWB: P stays mapped and executable across the reset; the re-init's IC IALLUIS is what discards the old code.
    [InlineData("kvm", false, true, "boot 2 ok: new code ran")]
    [InlineData("no-icache-inval-on-exec", false, true, "boot 2 ok: new code ran")]
    [InlineData("no-icache-inval-on-init", false, true, "boot 2 stale: old code ran")]
    public void LazyExec(string policy, bool initFirst, bool fwb, string verdict)
    {
        using var rig = RunLazyExec(new VmmOptions { Policy = HostPolicy.Parse(policy), Fwb = fwb }, initFirst);
        Assert.Equal(LazyBoot1 + $"lazy-exec: boot 2\nboot 2 P as data: 0x0000000052800040\n{verdict}\n", rig.Console);
    }

    [Fact]
    public void LazyExec_Kvm_ReadFaultMapsWithoutExecThenThePermissionFaultInvalidatesBeforeAddingX()
    {
        using var rig = RunLazyExec(new VmmOptions());
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
