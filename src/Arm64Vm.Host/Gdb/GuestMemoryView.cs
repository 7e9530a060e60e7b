using Arm64Vm.Host.Kvm;
using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Host.Gdb;

/// <summary>Where a guest VA of one vCPU leads: IPA, host PA, and the attributes a load uses.</summary>
public readonly record struct ResolvedAddress(ulong Va, ulong Ipa, ulong Pa, MemoryAttributes Attributes, string How);

/// <summary>
/// The debugger's view of guest memory: <b>what the selected vCPU's load would read now</b>, with the cache model on.
/// The VA goes through the vCPU's current stage 1 (its EL and translation regime; stage 1 off is the identity), the
/// IPA through the memslots and stage 2 to a host PA. The bytes are those the vCPU's data read with its effective
/// attributes would return (<see cref="ICacheInspection.DebugSourceOf"/>): a Normal write-back view shows the newest
/// copy, a non-cacheable or Device view (an NC alias, the MMU off) shows memory at PoC even under a dirty line. A page
/// stage 2 does not map yet is shown as the vCPU would see it after the host's fault handling: without FWB the host
/// cleans it to PoC before mapping (H3), so the newest data. Nothing here changes a cache line, a TLB entry or
/// guest-visible state (the translation probes' table walks read through the memory system as any walk does). Writes land in
/// memory and in every cached copy (<see cref="ICacheInspection.DebugWrite"/>), so every observer sees them. MMIO is
/// never read or written (a device read has side effects).
/// </summary>
public sealed class GuestMemoryView
{
    private readonly Vmm _vmm;

    public GuestMemoryView(Vmm vmm) => _vmm = vmm;

    /// <summary>Resolves a VA through the vCPU's translation; null when it faults or is not guest RAM (why in <paramref name="error"/>).</summary>
    public ResolvedAddress? Resolve(Vcpu vcpu, ulong va, out string error)
    {
        var cpu = vcpu.Cpu;
        var vm = _vmm.Vm;
        if (!cpu.Mmu.TryTranslateStage1NoFault(va, AccessKind.Read, cpu.El, out ulong ipa, out var s1Attributes))
        {
            error = $"VA 0x{va:X} does not translate at stage 1 of vCPU {vcpu.Id} (EL{cpu.El})";
            return null;
        }
        var slot = vm.FindSlot(ipa);
        if (slot == null)
        {
            error = $"IPA 0x{ipa:X} is not guest RAM";
            return null;
        }
        if (slot.IsSwappedOut(ipa))
        {
            error = $"IPA 0x{ipa:X} is swapped out (H13)";
            return null;
        }
        error = "";
        if (cpu.TryTranslateNoFault(va, AccessKind.Read, cpu.El, out ulong pa, out var attributes))
            return new ResolvedAddress(va, ipa, pa, attributes, "stage 1 + stage 2");
        // Stage 2 does not map the page yet (or denies the read): the frame the memslot backs it with. H3: the vCPU's
        // first access faults and the host (without FWB) cleans the page to PoC before mapping it; with FWB stage 2
        // forces write-back. Either way the load then sees the newest data.
        bool coherent = vm.Features.Fwb || vm.Policy.CmoOnFault;
        return new ResolvedAddress(va, ipa, slot.ToHostPa(ipa), coherent ? MemoryAttributes.NormalWriteBackInnerShareable : s1Attributes,
            "stage 1; stage 2 not mapped yet");
    }

    /// <summary>Reads what the vCPU's loads would return, page by page; false (with a reason) at the first byte that cannot be read.</summary>
    public bool Read(Vcpu vcpu, ulong va, byte[] destination, out string error) =>
        ForEachPage(vcpu, va, destination.Length, (r, offset, n) => ReadPhysical(vcpu.Cpu.Index, r.Pa, destination.AsSpan(offset, n), r.Attributes), out error);

    /// <summary>Writes through the vCPU's translation into memory and every cached copy; false at the first byte that cannot be written (nothing of that page written).</summary>
    public bool Write(Vcpu vcpu, ulong va, byte[] data, out string error) =>
        ForEachPage(vcpu, va, data.Length, (r, offset, n) => WritePhysical(r.Pa, data.AsSpan(offset, n)), out error);

    /// <summary>Resolves [va, va + length) page by page (translations differ per page) and hands each piece to
    /// <paramref name="access"/> (resolved address, offset in the range, length); false at the first failure.</summary>
    private bool ForEachPage(Vcpu vcpu, ulong va, int length, Func<ResolvedAddress, int, int, bool> access, out string error)
    {
        error = "";
        for (int done = 0; done < length;)
        {
            ulong a = va + (ulong)done;
            int n = (int)Math.Min((ulong)(length - done), Stage2PageTable.PageSize - (a & (Stage2PageTable.PageSize - 1)));
            if (Resolve(vcpu, a, out error) is not { } r) return false;
            if (!access(r, done, n))
            {
                error = $"PA 0x{r.Pa:X} is not RAM";
                return false;
            }
            done += n;
        }
        return true;
    }

    /// <summary>What a data read by the agent with these attributes returns (the cache model's view, or RAM with flat memory).</summary>
    public bool ReadPhysical(int agent, ulong pa, Span<byte> destination, MemoryAttributes attributes)
    {
        var memory = _vmm.Machine.MemorySystem;
        if (memory.Inspection is { } caches) return caches.DebugRead(agent, pa, destination, attributes);
        var ram = memory.Map.FindRam(pa);
        if (ram == null || !ram.Contains(pa, (ulong)destination.Length)) return false;
        ram.Span(pa, destination.Length).CopyTo(destination);
        return true;
    }

    private bool WritePhysical(ulong pa, ReadOnlySpan<byte> data)
    {
        var memory = _vmm.Machine.MemorySystem;
        if (memory.Inspection is { } caches) return caches.DebugWrite(pa, data);
        var ram = memory.Map.FindRam(pa);
        if (ram == null || !ram.Contains(pa, (ulong)data.Length)) return false;
        data.CopyTo(ram.Span(pa, data.Length));
        ram.NoteWrite(pa, data.Length);
        return true;
    }
}
