using Arm64Vm.Host.Kvm;
using Xunit;
using static Arm64Vm.Host.Tests.Kvm.A64;

namespace Arm64Vm.Host.Tests.Kvm;

/// <summary>H10: loading a vCPU on a physical CPU where another vCPU of the VM ran last invalidates that CPU's TLB and I-cache.</summary>
public class VcpuLoadTests
{
    private const uint MrsMpidrX3 = 0xD53800A3;

    [Fact]
    public void H10_RunningWhereAnotherVcpuRanLastFlushesThatCpuOnly()
    {
        // Both vCPUs run "X3 = MPIDR_EL1; spin".
        using var rig = new KvmRig(new[] { MrsMpidrX3, B(0) }, new VmmOptions { CacheModel = CacheModelKind.Off }, cpus: 2);
        var v0 = rig.Vmm.Vcpus[0];
        var v1 = rig.Vmm.Vcpus[1];
        v1.Init();
        v1.Pc = KvmRig.Load;
        v1.SetX(5, 0x5555);

        v0.Run(100, physicalCpu: 0);
        v1.Run(100, physicalCpu: 1);
        var flushes = rig.Vm.Events.OfKind(HostEventKind.Tlbi).Select(e => (e.Vcpu, e.Detail)).ToList();
        Assert.Equal(new[] { (0, "vmalle1 cpu0"), (1, "vmalle1 cpu1") }, flushes);   // first run on each CPU (last_vcpu_ran = -1)

        v0.Run(100, physicalCpu: 0);                                    // same CPU as last time: nothing
        Assert.Equal(2, rig.Vm.Events.OfKind(HostEventKind.Tlbi).Count());

        v1.Run(100, physicalCpu: 0);                                    // vCPU 0 ran last on CPU 0: flush CPU 0
        var last = rig.Vm.Events.OfKind(HostEventKind.Tlbi).Last();
        Assert.Equal((1, "vmalle1 cpu0"), (last.Vcpu, last.Detail));
        Assert.Contains(rig.Vm.Events.OfKind(HostEventKind.IcacheInvalidate), e => e.Detail == "local cpu0" && e.Vcpu == 1);
        Assert.Equal(0, v1.PhysicalCpu);
        Assert.Equal(1, v0.PhysicalCpu);                                // the two vCPUs traded PEs
        Assert.Equal(0x5555UL, v1.GetX(5));                             // state moved with the vCPU
        Assert.Equal(0x8000_0001UL, v1.GetX(3));                        // MPIDR_EL1 follows the vCPU, not the PE
        Assert.Equal(0x8000_0000UL, v0.GetX(3));
        Assert.Equal(1, rig.Vm.LastRan(0));
    }

    /// <summary>Valid entries (usable or parked) in a PE's TLB.</summary>
    private static int TlbEntries(Arm64Vm.Cpu.CpuCore cpu)
    {
        int n = 0;
        cpu.FlushTlbWhere(_ => { n++; return false; });
        return n;
    }

    [Fact]
    public void H10_TheFlushIsVmalle1AndIcIalluOnTheTargetCpuOnlyAndDicDoesNotSkipIt()
    {
        using var rig = new KvmRig(new[] { MrsMpidrX3, B(0) }, new VmmOptions { Dic = true }, cpus: 2);
        var v0 = rig.Vmm.Vcpus[0];
        var v1 = rig.Vmm.Vcpus[1];
        v1.Init();
        v1.Pc = KvmRig.Load;
        v0.Run(100, physicalCpu: 0);
        v1.Run(100, physicalCpu: 1);
        var cpu0 = rig.Vmm.Machine.Cpus[0];
        var cpu1 = rig.Vmm.Machine.Cpus[1];
        int onCpu1 = TlbEntries(cpu1);
        Assert.True(onCpu1 > 0 && TlbEntries(cpu0) > 0);
        int tlbis = rig.Vm.Events.OfKind(HostEventKind.Tlbi).Count();
        v1.Run(0, physicalCpu: 0);                                      // load on CPU 0 (vCPU 0 ran there last), retire nothing
        Assert.Equal(0, TlbEntries(cpu0));                               // vCPU 0's entries are gone from CPU 0
        Assert.Equal(onCpu1, TlbEntries(cpu1));                          // a local TLBI: CPU 1 keeps its entries
        Assert.Equal(tlbis + 1, rig.Vm.Events.OfKind(HostEventKind.Tlbi).Count());
        Assert.Contains(rig.Vm.Events.OfKind(HostEventKind.IcacheInvalidate), e => e.Detail == "local cpu0" && e.Vcpu == 1);
    }
}
