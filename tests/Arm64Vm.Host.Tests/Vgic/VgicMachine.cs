using Arm64Vm.Cpu;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Host.Tests.Kvm;
using Xunit;
using Gic = Arm64Vm.Host.Kvm.Vgic;

namespace Arm64Vm.Host.Tests.Interrupts;

/// <summary>
/// A VM with a vgic whose registers the vgic tests drive as a guest's accesses would (GIC-10): MMIO reads and writes of
/// the distributor, redistributor and GICv2 CPU interface frames by a chosen vCPU, and the ICC registers.
/// </summary>
internal sealed class VgicMachine : IDisposable
{
    private readonly KvmRig _rig;

    public VgicMachine(int cpus = 2, int gic = 3) =>
        _rig = new KvmRig(new uint[] { 0xD503207F }, new VmmOptions { Cpus = cpus, GicVersion = gic, CacheModel = CacheModelKind.Off });

    public Gic Gic => _rig.Vm.Vgic;
    public Vcpu Vcpu(int n) => _rig.Vmm.Vcpus[n];
    public VgicCpu Cpu(int n) => Gic.Cpus[n];

    public ulong Read(ulong ipa, int len = 4, int vcpu = 0)
    {
        var a = new MmioAccess { Ipa = ipa, Length = len, IsWrite = false };
        Assert.True(Gic.HandleMmio(Vcpu(vcpu), a));
        return a.Data;
    }

    public void Write(ulong ipa, ulong value, int len = 4, int vcpu = 0) =>
        Assert.True(Gic.HandleMmio(Vcpu(vcpu), new MmioAccess { Ipa = ipa, Length = len, IsWrite = true, Data = value }));

    /// <summary>Wakes a vCPU's redistributor and enables its CPU interface for Group 1 with PMR 0xf0.</summary>
    public void EnableCpu(int n)
    {
        Write(Gic.RedistributorBase + (ulong)n * Gic.RedistributorStride + 0x14, 0);
        Cpu(n).WriteIcc(IccRegister.Pmr, 0xF0);
        Cpu(n).WriteIcc(IccRegister.Igrpen1, 1);
    }

    public void Dispose() => _rig.Dispose();
}
