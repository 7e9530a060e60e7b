using Arm64Vm.Host;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Scenarios.Model;

namespace Arm64Vm.Scenarios.Running;

/// <summary>
/// Pre-copy live migration as a VMM does it with KVM's dirty log: enable logging on memslot 0 and copy all of RAM
/// to a destination buffer; each round runs the guest, harvests the log with <see cref="Vm.GetDirtyLog"/> (the guest
/// keeps running inside <see cref="Vm.DirtyLogWindow"/>, standing for the vCPUs that run during the harvest on real
/// hardware) and copies the reported pages; the final round harvests with the guest stopped.
/// </summary>
internal sealed partial class CombinationRun
{
    private const int PageSize = (int)Stage2PageTable.PageSize;
    private const ulong MaxMigratedMemory = 1UL << 30;
    private byte[]? _destination;

    private void SetDirtyLog(DirtyLogStep step)
    {
        var vm = _vmm.Vm;
        var slot = vm.MemoryRegions.First(s => s.Slot == 0);
        if (step.Enable)
        {
            // H7: manual protect (KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2), optionally with INITIALLY_SET as QEMU enables it.
            if (step.ManualProtect) vm.EnableManualDirtyLogProtect(step.InitiallySet);
            else vm.ManualDirtyLogProtect = false;
            vm.SetUserMemoryRegion(0, slot.Ipa, slot.Size, slot.HostPa, MemoryRegionFlags.LogDirtyPages);
            if (slot.Size > MaxMigratedMemory)
            {
                _result.Failures.Add(new Failure(step.Label, "migration", $"the runner copies at most {MaxMigratedMemory >> 20} MiB", step.Location.ToString(), FailureKind.Run));
                return;
            }
            _destination = new byte[slot.Size];
            GuestMemoryReader.Read(vm, slot.Ipa, _destination, MemoryView.Host);        // the bulk copy
            _result.Extra["pages-copied"] = (long)(slot.Size / (ulong)PageSize);
        }
        else vm.SetUserMemoryRegion(0, slot.Ipa, slot.Size, slot.HostPa, MemoryRegionFlags.None);
    }

    private bool Migrate(MigrateStep step)
    {
        if (_destination == null)
        {
            _result.Failures.Add(new Failure(step.Label, "migrate", "dirty logging is not enabled (add a dirty-log step first)", step.Location.ToString(), FailureKind.Run));
            return false;
        }
        var vm = _vmm.Vm;
        for (int round = 0; round < step.Rounds; round++)
        {
            if (step.RunInstructions > 0 && !RunFor(step, step.RunInstructions)) return false;
            vm.DirtyLogWindow = step.WindowInstructions > 0 ? () => RunFor(step, step.WindowInstructions) : null;
            try { CopyReported(vm.GetDirtyLog(0)); }
            finally { vm.DirtyLogWindow = null; }
            _result.Extra["migration-rounds"] = _result.Extra.GetValueOrDefault("migration-rounds") + 1;
        }
        if (step.Final)
        {
            CopyReported(vm.GetDirtyLog(0));                                                // the guest is stopped
            _result.Extra["migration-rounds"] = _result.Extra.GetValueOrDefault("migration-rounds") + 1;
        }
        return true;
    }

    /// <summary>The guest runs on during migration; ending (SYSTEM_OFF, an error) is fine, but stops the rounds only on an error.</summary>
    private bool RunFor(MigrateStep step, ulong instructions)
    {
        var outcome = _vmm.Run(instructions);
        _result.Instructions += outcome.Instructions;
        if (outcome.Reason is StopReason.GuestError or StopReason.Interrupted)
        {
            _result.Failures.Add(new Failure(step.Label, "migrate", $"the guest stopped with {outcome.Message}", step.Location.ToString(), FailureKind.Run));
            return false;
        }
        return true;
    }

    private void CopyReported(ulong[] log)
    {
        var vm = _vmm.Vm;
        var slot = vm.MemoryRegions.First(s => s.Slot == 0);
        if (vm.ManualDirtyLogProtect) vm.ClearDirtyLog(0, 0, log);                     // re-protect before copying
        long copied = 0;
        for (int w = 0; w < log.Length; w++)
        {
            ulong word = log[w];
            while (word != 0)
            {
                int bit = System.Numerics.BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                ulong page = (ulong)w * 64 + (ulong)bit;
                GuestMemoryReader.Read(vm, slot.Ipa + page * (ulong)PageSize, _destination.AsSpan((int)(page * (ulong)PageSize), PageSize), MemoryView.Host);
                copied++;
            }
        }
        _result.Extra["pages-copied"] = _result.Extra.GetValueOrDefault("pages-copied") + copied;
    }

    /// <summary>Observed: "equal", or the differing pages ("16 page(s) differ: 0x40800000, …", every page listed).</summary>
    private CheckOutcome MigrationProblem(MigrationCheck check)
    {
        if (_destination == null) return new("there is no migrated copy (no dirty-log step ran)", "no copy");
        var vm = _vmm.Vm;
        var slot = vm.MemoryRegions.First(s => s.Slot == 0);
        var page = new byte[PageSize];
        var differing = new List<ulong>();
        for (ulong o = 0; o < (ulong)_destination.Length; o += (ulong)PageSize)
        {
            GuestMemoryReader.Read(vm, slot.Ipa + o, page, MemoryView.Host);
            if (!page.AsSpan().SequenceEqual(_destination.AsSpan((int)o, PageSize))) differing.Add(slot.Ipa + o);
        }
        bool equal = differing.Count == 0;
        string observed = equal ? "equal" : $"{differing.Count} page(s) differ: {string.Join(", ", differing.Select(a => $"0x{a:X}"))}";
        if (equal == check.Equal) return new(null, observed);
        return new(equal ? "the copy equals the source"
            : $"{differing.Count} page(s) differ: {string.Join(", ", differing.Take(4).Select(a => $"0x{a:X}"))}{(differing.Count > 4 ? ", …" : "")}", observed);
    }
}
