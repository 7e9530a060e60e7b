using Arm64Vm.Cpu;
using Arm64Vm.Memory;

namespace Arm64Vm.Host.Kvm;

/// <summary>
/// H10 (Linux 6.12, kvm_arch_vcpu_load(), __kvm_flush_cpu_context()): a vCPU can run on any physical CPU. Moving it
/// carries its architectural state, not the PE's TLB or caches; when the last vCPU of this VM that ran on the target PE
/// was another one (or none), that PE's stage-1 TLB entries for the VMID and its I-cache are invalidated with local
/// operations (TLBI VMALLE1, IC IALLU) before the vCPU runs.
/// </summary>
public sealed partial class Vcpu
{
    private readonly CpuContext _saved = new();

    /// <summary>The physical CPU the vCPU is loaded on.</summary>
    public int PhysicalCpu => Cpu.Index;

    private void Load(int physicalCpu)
    {
        if (physicalCpu < 0 || physicalCpu >= Vm.Machine.Cpus.Count)
            throw new ArgumentOutOfRangeException(nameof(physicalCpu), $"the machine has {Vm.Machine.Cpus.Count} CPUs");
        if (physicalCpu != Cpu.Index)
        {
            // The PEs hold one vCPU context each: the vCPU loaded on the target (if any) trades places with this one.
            var source = Cpu;
            var target = Vm.Machine.Cpus[physicalCpu];
            var other = Vm.LoadedOn(physicalCpu);
            source.SaveContext(_saved);
            if (other != null)
            {
                target.SaveContext(other._saved);
                source.LoadContext(other._saved);
                other.Cpu = source;
            }
            target.LoadContext(_saved);
            Cpu = target;
            Vm.SetLoaded(source.Index, other);
            Vm.SetLoaded(physicalCpu, this);
        }
        if (Vm.LastRan(physicalCpu) != Id)
        {
            Cpu.Mmu.TlbiVmalle1(innerShareable: false);                          // __tlbi(vmalle1); ic iallu
            Vm.Host.MemorySystem.InvalidateInstructionCaches(physicalCpu, broadcast: false);
            Vm.Counters.Tlbis++;
            Vm.Counters.IcacheInvalidations++;
            Vm.Log(HostEventKind.Tlbi, Id, 0, 0, detail: $"vmalle1 cpu{physicalCpu}");
            Vm.Log(HostEventKind.IcacheInvalidate, Id, 0, 0, detail: $"local cpu{physicalCpu}");
            Vm.SetLastRan(physicalCpu, Id);
        }
    }
}
