using Arm64Vm.Cpu;

namespace Arm64Vm.Host.Kvm;

/// <summary>
/// Sees a vCPU's KVM_RUN from the host side (a timeline; Tracing/Timeline.cs): when guest execution starts and every exit
/// the host services. Nothing per instruction; a vCPU without an observer pays one null test per exit.
/// </summary>
public interface IVcpuRunObserver
{
    /// <summary>KVM_RUN enters the guest (a pending MMIO completed, the vCPU awake).</summary>
    void Entered(Vcpu vcpu);

    /// <summary>The guest exited to the host (before the host handles the exit).</summary>
    void Exited(Vcpu vcpu, in CpuExit exit);
}
