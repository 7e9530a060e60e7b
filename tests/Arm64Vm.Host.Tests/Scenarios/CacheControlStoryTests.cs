using Arm64Vm.Host.Kvm;
using Xunit;

namespace Arm64Vm.Host.Tests.Scenarios;

/// <summary>
/// Stories 5-8 of issue #6: set/way maintenance and the TVM cache toggles (H6), a guest bug at PSCI CPU_ON that KVM
/// must not hide (H8), and DC IVAC at EL1 under stage 2 (performed as DC CIVAC).
/// </summary>
public class CacheControlStoryTests
{
    // ---------------------------------------------------------------- set-way-boot

    private const string SetWayPrefix =
        "set-way-boot: vcpu0 up, caches on\nvcpu0 CPU_ON vcpu1\nvcpu1 wrote its data\nvcpu0 wrote its data\n" +
        "vcpu0 cleaned the caches by set/way\nvcpu0 MMU and caches off\n";

    [Theory]
    [InlineData("kvm", false, "vcpu0 data ok\nvcpu1 data ok\n")]
    [InlineData("no-set-way-trap", false,
        "vcpu0 data stale: words differing 8, first 0x0000000000000000\nvcpu1 data stale: words differing 8, first 0x0000000000000000\n")]
    [InlineData("kvm", true, "vcpu0 data ok\nvcpu1 data ok\n")]
    [InlineData("no-set-way-trap", true, "vcpu0 data ok\nvcpu1 data ok\n")]
    public void SetWayBoot(string policy, bool fwb, string verdict)
    {
        using var rig = new ScenarioRig("set-way-boot", new VmmOptions { Policy = HostPolicy.Parse(policy), Fwb = fwb }, cpus: 2);
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(SetWayPrefix + verdict, rig.Console);
    }

    [Fact]
    public void SetWayBoot_Kvm_TheTrappedLoopFlushesOnceThenTheCachesOffWriteFlushesAgain()
    {
        using var rig = new ScenarioRig("set-way-boot", new VmmOptions(), cpus: 2);
        rig.RunUntil(StopReason.SystemOff);
        // Both vCPUs' caches-on writes (toggle-on), the first trapped set/way, vCPU 0's caches-off write (toggle-off).
        Assert.Equal(new[] { (0, "toggle-on"), (1, "toggle-on"), (0, "set-way"), (0, "toggle-off") },
            rig.Vm.Events.OfKind(HostEventKind.VmFlush).Select(e => (e.Vcpu, e.Detail)));
        Assert.Equal(1, rig.Counters.SetWayTraps);                      // the fabricated CCSIDR: one set, one way, one level
    }

    [Fact]
    public void SetWayBoot_Fwb_IsCoherentWithoutAnyFlush()
    {
        using var rig = new ScenarioRig("set-way-boot", new VmmOptions { Fwb = true }, cpus: 2);
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(SetWayPrefix + "vcpu0 data ok\nvcpu1 data ok\n", rig.Console);
        Assert.Equal(1, rig.Counters.SetWayTraps);
        Assert.Equal(0, rig.Counters.VmFlushes);
        Assert.Equal(0, rig.Counters.LinesCleanedInvalidated);
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.Tvm));
    }

    // ---------------------------------------------------------------- tvm-toggle

    private const string TvmPrefix =
        "tvm-toggle: A = OLD written with the MMU off\nMMU and caches on\ncleaned the caches by set/way\n" +
        "caches on, A = 0x01d0000000000a01\ncaches off, wrote NEW to A, caches on\n";

    [Theory]
    [InlineData("kvm", false, "state", "A ok: new value")]
    [InlineData("no-toggle-flush", false, "state", "A stale: old value")]
    [InlineData("no-toggle-flush", false, "off", "A ok: new value")]
    // Without the set/way trap TVM is never set again once the caches are on: the toggles go unseen.
    [InlineData("no-set-way-trap", false, "state", "A stale: old value")]
    // FWB: the MMU-off write is cacheable, so it updates the line itself.
    [InlineData("no-toggle-flush", true, "state", "A ok: new value")]
    public void TvmToggle(string policy, bool fwb, string cacheModel, string verdict)
    {
        using var rig = new ScenarioRig("tvm-toggle", new VmmOptions { Policy = HostPolicy.Parse(policy), Fwb = fwb, CacheModel = CacheModel.Parse(cacheModel) });
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(TvmPrefix + verdict + "\n", rig.Console);
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

    // ---------------------------------------------------------------- cpu-on-stale

    private static string CpuOnStale(string verdict, string magic) =>
        "cpu-on-stale: primary up, caches on\nprimary wrote the boot block (not cleaned), CPU_ON secondary\n" +
        $"secondary (MMU off) read magic 0x{magic}\n{verdict}\nprimary: secondary is off\n";

    [Theory]
    [InlineData("state", false, "secondary: boot block stale", "0b100c0000000001")]
    [InlineData("off", false, "secondary: boot block ok", "0b100c0000000002")]
    [InlineData("state", true, "secondary: boot block ok", "0b100c0000000002")]
    public void CpuOnStale_KvmDoesNotHideTheGuestsMissingClean(string cacheModel, bool fwb, string verdict, string magic)
    {
        using var rig = new ScenarioRig("cpu-on-stale", new VmmOptions { CacheModel = CacheModel.Parse(cacheModel), Fwb = fwb }, cpus: 2);
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(CpuOnStale(verdict, magic), rig.Console);
        // H8: CPU_ON touched neither stage 2 nor the caches.
        Assert.Equal(0, rig.Counters.PagesUnmapped);
        Assert.DoesNotContain(rig.Vm.Events.Events, e => e.Kind == HostEventKind.VmFlush && e.Detail != "toggle-on");
    }

    // ---------------------------------------------------------------- dma-ivac

    private const ulong Buf = 0x4070_0000, Flag = 0x4070_1000;
    private const string DmaWait = "dma-ivac: caches on\ndma-ivac: buffer zeroed and handed over, waiting for the VMM\n";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DmaIvac_NothingIsLostBecauseIvacUnderStage2IsACleanAndInvalidate(bool fwb)
    {
        using var rig = new ScenarioRig("dma-ivac", new VmmOptions { Fwb = fwb });
        rig.RunUntil(StopReason.Idle);
        Assert.Equal(DmaWait, rig.Console);
        rig.Vm.FillGuest(Buf, 4096, 0x5A);                               // the "device" writes through the host's cache
        rig.WriteGuest(Flag, BitConverter.GetBytes(1UL));
        // The fill is dirty in the host's cache: a pure invalidate would drop it and leave the zeros in memory.
        Assert.Equal(0UL, rig.PocValue(Buf));
        Assert.Equal(0UL, rig.PocValue(Buf + 4088));
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(DmaWait + "dma-ivac: flag set, DC IVAC over the buffer\ndma-ivac: buffer ok\n", rig.Console);
        Assert.Equal(0x5A5A_5A5A_5A5A_5A5AUL, rig.PocValue(Buf));        // written back by the guest's DC IVAC
        Assert.Equal(0x5A5A_5A5A_5A5A_5A5AUL, rig.PocValue(Buf + 4088));
    }
}
