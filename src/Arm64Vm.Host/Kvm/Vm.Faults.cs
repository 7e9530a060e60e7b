using Arm64Vm.Cpu;

namespace Arm64Vm.Host.Kvm;

/// <summary>What the fault handler decided for the vCPU.</summary>
internal enum FaultResolution
{
    /// <summary>Fixed (or nothing to do): re-execute the faulting instruction.</summary>
    Retry,
    /// <summary>The vCPU's PC/state was changed (abort injected, instruction skipped): resume there.</summary>
    Resume,
    /// <summary>An exit to the VMM (<see cref="FaultOutcome.Exit"/>).</summary>
    Exit,
}

internal readonly record struct FaultOutcome(FaultResolution Resolution, VcpuExit? Exit = null);

/// <summary>Stage-2 abort handling (kvm_handle_guest_abort, user_mem_abort, handle_access_fault, io_mem_abort): H3, H4, H5.</summary>
public sealed partial class Vm
{
    // ISS fields of a Data/Instruction Abort (Arm ARM D24.2.40).
    private const uint IssIsv = 1u << 24, IssSse = 1u << 21, IssSf = 1u << 15, IssS1ptw = 1u << 7, IssCm = 1u << 8, IssWnr = 1u << 6;

    internal FaultOutcome HandleStage2Abort(Vcpu vcpu, in CpuExit exit)
    {
        uint iss = exit.Iss;
        bool iabt = exit.ExceptionClass == ExceptionClass.InstructionAbortLowerEl;
        bool s1ptw = (iss & IssS1ptw) != 0;
        bool cm = !iabt && (iss & IssCm) != 0;
        uint fsc = iss & 0x3F;
        int type = (int)(fsc >> 2);                        // 1 translation, 2 access flag, 3 permission
        ulong ipa = exit.Ipa;
        ulong page = ipa & ~(Stage2PageTable.PageSize - 1);
        string access = iabt ? "exec" : s1ptw ? "walk" : cm ? "cmo" : (iss & IssWnr) != 0 ? "write" : "read";

        if (type is not (1 or 2 or 3))
            return Error(vcpu, $"unsupported stage-2 fault status 0x{fsc:X2} at IPA 0x{ipa:X} ({access})");

        if ((ipa >> Features.IpaBits) != 0)
        {
            // kvm_inject_size_fault: an IPA beyond the VM's IPA size is an address size fault at level 0 for the guest.
            Log(HostEventKind.Stage2Fault, vcpu.Id, ipa, 0, detail: $"beyond-ipa-size {access}");
            vcpu.InjectAbort(iabt, exit.Far, fsc: 0b000000);
            return new(FaultResolution.Resume);
        }

        var slot = FindSlot(ipa);
        // kvm_is_write_fault: a stage-1 walk is a write only on a permission fault; an instruction fetch never;
        // otherwise WnR (cache maintenance reports WnR = 1, so it counts as a write — H5).
        bool write = s1ptw ? type == 3 : !iabt && (iss & IssWnr) != 0;

        if (slot == null || (write && !slot.Writable))
        {
            // A device mapping (H12) is no memslot either: a stage-1 walk into it with HCR_EL2.PTW = 1 arrives here as a
            // permission fault with S1PTW and gets the external data abort below, as Linux gives it.
            string device = slot == null && FindDeviceMapping(ipa) != null
                ? $" (device mapping, {(type == 3 ? "permission" : type == 2 ? "access-flag" : "translation")} fault)"
                : "";
            Log(HostEventKind.Stage2Fault, vcpu.Id, ipa, 0, detail: $"outside-memslot {access}{device}");
            if (iabt)
            {
                vcpu.InjectAbort(instruction: true, exit.Far, fsc: 0b010000);           // H5: external instruction abort
                return new(FaultResolution.Resume);
            }
            if (s1ptw)
            {
                vcpu.InjectAbort(instruction: false, exit.Far, fsc: 0b010000);          // H5: external data abort
                return new(FaultResolution.Resume);
            }
            if (slot == null && cm)
            {
                // H5: cache maintenance outside every memslot cannot be about cached guest RAM: skip the instruction.
                Counters.SkippedCmos++;
                Log(HostEventKind.Emulate, vcpu.Id, ipa, 0, detail: "skip-cmo");
                vcpu.SkipInstruction();
                return new(FaultResolution.Resume);
            }
            return MmioAbort(vcpu, exit, ipa);
        }

        if (type == 2)
        {
            // H4 (handle_access_fault): set AF, nothing else.
            Counters.Stage2AccessFlagFaults++;
            Log(HostEventKind.Stage2Fault, vcpu.Id, page, Stage2PageTable.PageSize, detail: $"access-flag {access}");
            var leaf = Stage2.Lookup(page);
            if (leaf != null)
            {
                Stage2.SetPermissions(page, leaf.Value.Permissions, accessFlag: true);
                Log(HostEventKind.AccessFlag, vcpu.Id, page, Stage2PageTable.PageSize);
            }
            return new(FaultResolution.Retry);
        }

        SwapInIfNeeded(slot, page, vcpu.Id);           // H13: the fault brings a swapped-out page back first
        UserMemAbort(vcpu, slot, page, exec: iabt, write, permissionFault: type == 3, access);
        return new(FaultResolution.Retry);
    }

    /// <summary>user_mem_abort: map on a translation fault (H3), relax on a permission fault (H4).</summary>
    private void UserMemAbort(Vcpu vcpu, MemoryRegion slot, ulong page, bool exec, bool write, bool permissionFault, string access)
    {
        if (permissionFault) Counters.Stage2PermissionFaults++;
        else Counters.Stage2TranslationFaults++;
        Log(HostEventKind.Stage2Fault, vcpu.Id, page, Stage2PageTable.PageSize, detail: $"{(permissionFault ? "permission" : "translation")} {access}");

        // H3: readable always; writable if the slot allows it, but a read fault while logging maps read-only;
        // executable on an exec fault, or at once when the I-cache needs no maintenance (DIC).
        bool writable = slot.Writable && !(slot.Logging && !write);
        var prot = Stage2Permissions.Read;
        if (writable) prot |= Stage2Permissions.Write;
        if (exec || Features.Dic) prot |= Stage2Permissions.Execute;
        var existing = Stage2.Lookup(page);
        // H11 (user_mem_abort): dirty logging forces pages (force_pte); otherwise a huge-page backing maps the 2 MiB block
        // around the fault when it supports one (fault_supports_stage2_huge_mapping, transparent_hugepage_adjust).
        ulong granule = !slot.Logging && slot.SupportsBlock(page) ? Stage2PageTable.BlockSize : Stage2PageTable.PageSize;
        ulong mapIpa = page & ~(granule - 1);
        ulong pa = slot.ToHostPa(mapIpa);

        if (permissionFault && existing != null && existing.Value.Size == granule)
        {
            // H4 (kvm_pgtable_stage2_relax_perms): add W and/or X, TLBI by IPA; no data-cache maintenance. Adding X
            // first invalidates the I-cache for the whole leaf (lazy exec permission).
            var leaf = existing.Value;
            var old = leaf.Permissions;
            var now = old | prot;
            if ((now & Stage2Permissions.Execute) != 0 && (old & Stage2Permissions.Execute) == 0)
                InvalidateIcacheForExec(vcpu, leaf.Ipa, leaf.Pa, leaf.Size);
            if (now != old)
            {
                Stage2.SetPermissions(leaf.Ipa, now);
                Log(HostEventKind.Relax, vcpu.Id, leaf.Ipa, leaf.Size, detail: now.ToString());
            }
            // __kvm_tlb_flush_vmid_ipa_nsh, also when nothing changed (kvm_pgtable_stage2_relax_perms() flushes on 0 and
            // -EAGAIN): another vCPU relaxed the leaf with a local TLBI, and this PE's TLB may still hold the old
            // permissions — without the flush the fault would repeat for ever.
            TlbiIpa(leaf.Ipa, vcpu.Id, innerShareable: false);
        }
        else if (existing == null || permissionFault)
        {
            // A permission fault on a leaf of another size: a block that must become pages (dirty logging started since
            // it was mapped: stage2_map_walk_leaf splits it into an empty table, H11) — or pages a block now replaces.
            if (existing is { IsBlock: true } block && granule < block.Size && Stage2.SplitBlock(page) != null)
            {
                Counters.BlockSplits++;
                Log(HostEventKind.Split, vcpu.Id, block.Ipa, block.Size, detail: "fault");
                TlbiIpa(block.Ipa, vcpu.Id);                              // stage2_try_break_pte on a valid leaf
            }
            MapLeaf(vcpu, mapIpa, pa, granule, prot);
        }
        // else: another vCPU mapped it meanwhile (-EAGAIN): nothing to do, the access is retried.

        // mark_page_dirty after the mapping is installed (H7).
        if (writable) slot.MarkDirty(page);
    }

    /// <summary>
    /// H3 (stage2_map_walker_try_leaf): clean+invalidate the whole granule to PoC (skipped with FWB), invalidate the
    /// I-cache for it when it is executable, then publish the page or block. A block that replaced a table flushes the
    /// VMID's TLB entries (kvm_tlb_flush_vmid_range without range TLBIs).
    /// </summary>
    private void MapLeaf(Vcpu vcpu, ulong ipa, ulong pa, ulong granule, Stage2Permissions prot)
    {
        if (!Features.Fwb && Policy.CmoOnFault)
        {
            long lines = Host.CleanInvalidateToPoc(pa, granule);
            Log(HostEventKind.CleanInvalidate, vcpu.Id, ipa, granule, lines, "map");
        }
        if ((prot & Stage2Permissions.Execute) != 0) InvalidateIcacheForExec(vcpu, ipa, pa, granule);
        int memAttr = Features.Fwb ? Stage2PageTable.MemAttrFwbWriteBack : Stage2PageTable.MemAttrNormalWriteBack;
        if (granule == Stage2PageTable.PageSize) Stage2.MapPage(ipa, pa, prot, memAttr);
        else
        {
            Counters.BlocksMapped++;
            if (Stage2.MapBlock(ipa, pa, prot, memAttr)) TlbiVmid(vcpu.Id);
        }
        Counters.PagesMapped += (long)(granule >> Stage2PageTable.PageShift);
        Log(HostEventKind.Map, vcpu.Id, ipa, granule, detail: prot.ToString());
    }

    /// <summary>icache_inval_pou for a leaf about to become executable; nothing with DIC or under the ablation.</summary>
    private void InvalidateIcacheForExec(Vcpu vcpu, ulong ipa, ulong pa, ulong size)
    {
        if (Features.Dic || !Policy.IcacheInvalOnExec) return;
        long lines = Host.InvalidateIcacheToPou(pa, size);
        Log(HostEventKind.IcacheInvalidate, vcpu.Id, ipa, size, lines, "exec");
    }

    /// <summary>io_mem_abort (H5, H9): an MMIO exit decoded from the syndrome, or an error without a valid syndrome.</summary>
    private FaultOutcome MmioAbort(Vcpu vcpu, in CpuExit exit, ulong ipa)
    {
        uint iss = exit.Iss;
        if ((iss & IssIsv) == 0)
        {
            string what = vcpu.Cpu.TryPeekInstruction(vcpu.Cpu.Pc, out uint word)
                ? $"instruction 0x{word:X8}"
                : "an instruction that cannot be read";
            return Error(vcpu, $"MMIO access to IPA 0x{ipa:X} at PC 0x{vcpu.Cpu.Pc:X} by {what} has no valid syndrome (ISV=0): the host cannot emulate it");
        }
        bool isWrite = (iss & IssWnr) != 0;
        int length = 1 << (int)((iss >> 22) & 3);
        int rt = (int)((iss >> 16) & 31);
        ulong data = 0;
        if (isWrite)
        {
            data = vcpu.Cpu.X(rt);
            if (length < 8) data &= (1UL << (length * 8)) - 1;
        }
        var access = new MmioAccess
        {
            Ipa = ipa, Length = length, IsWrite = isWrite, Data = data, Register = rt,
            SignExtend = (iss & IssSse) != 0, SixtyFourBit = (iss & IssSf) != 0, Va = exit.Far,
        };
        Counters.MmioExits++;
        return new(FaultResolution.Exit, new VcpuExit(VcpuExitReason.Mmio, 0) { Mmio = access });
    }

    private FaultOutcome Error(Vcpu vcpu, string message)
    {
        Log(HostEventKind.Exit, vcpu.Id, 0, 0, detail: "internal-error");
        return new(FaultResolution.Exit, new VcpuExit(VcpuExitReason.InternalError, 0) { Message = message });
    }
}
