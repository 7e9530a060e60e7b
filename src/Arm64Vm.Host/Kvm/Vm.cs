using Arm64Vm.Cpu;

namespace Arm64Vm.Host.Kvm;

/// <summary>
/// A virtual machine of the KVM-like host layer (KVM_CREATE_VM): memslots, the host-owned stage-2 tables, its vCPUs,
/// the host policy, and the event log and counters of every host action. Rule ids (H1..H13) refer to
/// specs/kvm-host.md. The host runs single-threaded and deterministically: "concurrent" guest activity during a
/// host operation is modelled by explicit hooks (<see cref="DirtyLogWindow"/>).
/// </summary>
public sealed partial class Vm
{
    public const ushort DefaultVmid = 1;
    private readonly List<MemoryRegion> _slots = new();
    private readonly List<Vcpu> _vcpus = new();
    private readonly Vcpu?[] _loaded;
    private readonly int[] _lastRan;

    /// <param name="machine">The physical machine the host runs on.</param>
    /// <param name="tablePoolPa">Host-physical pages (outside every memslot) for the stage-2 tables.</param>
    /// <param name="gicVersion">The in-kernel interrupt controller (KVM_CREATE_DEVICE of a vgic): 3 or 2.</param>
    public Vm(Machine machine, VmFeatures features, HostPolicy policy, ulong tablePoolPa, ulong tablePoolSize, int gicVersion = 3)
    {
        if (gicVersion == 2 && machine.Cpus.Count > Vgic.MaxGicV2Cpus)
            throw new ArgumentException($"a GICv2 serves at most {Vgic.MaxGicV2Cpus} CPUs");
        Vgic = new Vgic(gicVersion);
        Machine = machine;
        Features = features;
        Policy = policy;
        Counters = new HostCounters();
        Events = new HostEventLog();
        Host = new HostMemory(machine.MemorySystem, Counters);
        if (!machine.Ram.Contains(tablePoolPa, tablePoolSize))
            throw new ArgumentException($"stage-2 table pool 0x{tablePoolPa:X}+0x{tablePoolSize:X} is not in host RAM");
        TablePool = (tablePoolPa, tablePoolSize);
        Stage2 = new Stage2PageTable(Host, tablePoolPa, tablePoolSize, features.IpaBits);
        _loaded = new Vcpu?[machine.Cpus.Count];
        _lastRan = Enumerable.Repeat(-1, machine.Cpus.Count).ToArray();  // kvm_init_stage2_mmu: last_vcpu_ran = -1
    }

    internal Vcpu? LoadedOn(int physicalCpu) => _loaded[physicalCpu];
    internal void SetLoaded(int physicalCpu, Vcpu? vcpu) => _loaded[physicalCpu] = vcpu;
    /// <summary>The id of the last vCPU of this VM that ran on a physical CPU (mmu->last_vcpu_ran), -1 if none.</summary>
    public int LastRan(int physicalCpu) => _lastRan[physicalCpu];
    internal void SetLastRan(int physicalCpu, int vcpu) => _lastRan[physicalCpu] = vcpu;

    public Machine Machine { get; }
    public VmFeatures Features { get; }
    public HostPolicy Policy { get; }
    public HostCounters Counters { get; }
    public HostEventLog Events { get; }
    public HostMemory Host { get; }
    public Stage2PageTable Stage2 { get; }
    public (ulong Pa, ulong Size) TablePool { get; }
    public ushort Vmid => DefaultVmid;
    public ulong Vttbr => Stage2.Root | ((ulong)Vmid << 48);
    public IReadOnlyList<Vcpu> Vcpus => _vcpus;
    public IReadOnlyList<MemoryRegion> MemoryRegions => _slots;
    /// <summary>The VM's in-kernel GIC (GIC-1).</summary>
    public Vgic Vgic { get; }
    /// <summary>CNTVOFF_EL2 of every vCPU (KVM's per-VM virtual counter offset, TMR-1): CNTVCT = CNTPCT - CounterOffset.</summary>
    public ulong CounterOffset { get; set; }

    /// <summary>KVM_IRQ_LINE for an SPI (INTID 32..287): a device's level (GIC-4).</summary>
    public void SetIrqLine(int intid, bool level) => Vgic.SetSpiLevel(intid, level);

    /// <summary>
    /// Spare host frames a swap-in or a copy-on-write break takes a page's new backing from (H13); null = the host has
    /// none, and those operations fail.
    /// </summary>
    public HostFramePool? Frames { get; set; }

    /// <summary>
    /// Forward SMCCC calls the host does not implement to the VMM as <see cref="VcpuExitReason.Hypercall"/> exits
    /// (KVM_ARM_VM_SMCCC_FILTER with FWD_TO_USER); off, they return NOT_SUPPORTED in X0 as KVM does by default.
    /// </summary>
    public bool ForwardUnknownHypercalls { get; set; }

    /// <summary>KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2: GetDirtyLog only snapshots; ClearDirtyLog re-protects.</summary>
    public bool ManualDirtyLogProtect { get; set; }

    /// <summary>
    /// Stands for the vCPUs that keep running while the VMM harvests the dirty log: invoked once per non-zero bitmap
    /// word in the window between the two steps of the harvest (tests use it to interleave guest writes).
    /// </summary>
    public Action? DirtyLogWindow { get; set; }

    /// <summary>KVM_CREATE_VCPU: vCPU n runs on physical CPU n of the machine.</summary>
    public Vcpu CreateVcpu()
    {
        int id = _vcpus.Count;
        if (id >= Machine.Cpus.Count) throw new InvalidOperationException($"the machine has only {Machine.Cpus.Count} CPUs");
        var v = new Vcpu(this, id, Machine.Cpus[id]);
        _vcpus.Add(v);
        v.AttachGic(Vgic.AddVcpu(v));
        _loaded[id] = v;
        return v;
    }

    // ------------------------------------------------------------------ memslots

    /// <summary>
    /// KVM_SET_USER_MEMORY_REGION: creates, changes the flags of, or (size 0) deletes a memslot. Enabling dirty logging
    /// write-protects the slot (H7); deleting unmaps it (H2). <paramref name="hugePages"/> says the VMM's backing of a
    /// new slot is huge-page-backed (H11: stage-2 faults may then map 2 MiB blocks).
    /// </summary>
    public MemoryRegion? SetUserMemoryRegion(int slot, ulong ipa, ulong size, ulong hostPa, MemoryRegionFlags flags = MemoryRegionFlags.None,
        bool hugePages = false)
    {
        var existing = _slots.FirstOrDefault(s => s.Slot == slot);
        if (size == 0)
        {
            if (existing == null) throw new ArgumentException($"memslot {slot} does not exist");
            UnmapRange(existing.Ipa, existing.Size, vcpu: -1);
            _slots.Remove(existing);
            return null;
        }
        if (existing != null)
        {
            if (existing.Ipa != ipa || existing.Size != size || existing.HostPa != hostPa)
                throw new ArgumentException($"memslot {slot}: only the flags of an existing slot can change");
            bool startLogging = !existing.Logging && (flags & MemoryRegionFlags.LogDirtyPages) != 0;
            existing.Flags = flags;
            if (startLogging) WriteProtectSlot(existing);
            return existing;
        }
        CheckNewRange($"memslot {slot}", ipa, size, hostPa);
        if (!Machine.Ram.Contains(hostPa, size))
            throw new ArgumentException($"memslot {slot}: host pages 0x{hostPa:X}+0x{size:X} are not host RAM");
        var region = new MemoryRegion(slot, ipa, size, hostPa, flags, hugePages);
        _slots.Add(region);
        if (region.Logging) WriteProtectSlot(region);
        return region;
    }

    /// <summary>
    /// The checks a new memslot or device mapping (H12) passes: 4 KiB aligned, inside the IPA space, clear of every
    /// memslot and device mapping, its host pages clear of the stage-2 table pool.
    /// </summary>
    private void CheckNewRange(string what, ulong ipa, ulong size, ulong hostPa)
    {
        if (size == 0 || ((ipa | size | hostPa) & (Stage2PageTable.PageSize - 1)) != 0)
            throw new ArgumentException($"{what}: IPA, size and host address must be 4 KiB aligned");
        if (((ipa + size - 1) >> Features.IpaBits) != 0)
            throw new ArgumentException($"{what}: 0x{ipa:X}+0x{size:X} is beyond the {Features.IpaBits}-bit IPA space");
        if (hostPa < TablePool.Pa + TablePool.Size && TablePool.Pa < hostPa + size)
            throw new ArgumentException($"{what}: host pages overlap the stage-2 table pool");
        foreach (var s in _slots)
            if (ipa < s.Ipa + s.Size && s.Ipa < ipa + size)
                throw new ArgumentException($"{what} overlaps memslot {s.Slot}");
        foreach (var d in _devices)
            if (ipa < d.Ipa + d.Size && d.Ipa < ipa + size)
                throw new ArgumentException($"{what} overlaps the device mapping at IPA 0x{d.Ipa:X}");
    }

    public MemoryRegion? FindSlot(ulong ipa)
    {
        foreach (var s in _slots) if (s.Contains(ipa)) return s;
        return null;
    }

    // ------------------------------------------------------------------ the VMM's access to guest memory

    /// <summary>Writes guest RAM through the host's cacheable mapping (the VMM's memcpy): the data may stay dirty in the host's cache.</summary>
    public void WriteGuest(ulong ipa, ReadOnlySpan<byte> data)
    {
        foreach (var (offset, pa, n) in HostChunks(ipa, (ulong)data.Length)) Host.Write(pa, data.Slice((int)offset, (int)n));
    }

    public void FillGuest(ulong ipa, ulong size, byte value)
    {
        foreach (var (_, pa, n) in HostChunks(ipa, size)) Host.Fill(pa, n, value);
    }

    /// <summary>Reads guest RAM through the host's cacheable mapping.</summary>
    public void ReadGuest(ulong ipa, Span<byte> destination)
    {
        foreach (var (offset, pa, n) in HostChunks(ipa, (ulong)destination.Length)) Host.Read(pa, destination.Slice((int)offset, (int)n));
    }

    /// <summary>
    /// A guest range as pieces contiguous in host memory (offset in the range, host address, length): one piece, or one
    /// per page once pages of the slot have moved (H13). A swapped-out page is swapped in when its piece is reached.
    /// </summary>
    internal IEnumerable<(ulong Offset, ulong HostPa, ulong Length)> HostChunks(ulong ipa, ulong size)
    {
        var slot = FindSlot(ipa);
        if (slot == null || size > slot.Size - (ipa - slot.Ipa))
            throw new ArgumentOutOfRangeException(nameof(ipa), $"0x{ipa:X}+0x{size:X} is not guest RAM");
        for (ulong done = 0; done < size;)
        {
            ulong a = ipa + done;
            SwapInIfNeeded(slot, a, -1);
            ulong n = size - done;
            if (slot.HasMovedPages) n = Math.Min(n, Stage2PageTable.PageSize - (a & (Stage2PageTable.PageSize - 1)));
            yield return (done, slot.ToHostPa(a), n);
            done += n;
        }
    }

    public bool IsGuestRam(ulong ipa, ulong size)
    {
        var s = FindSlot(ipa);
        return s != null && size <= s.Size - (ipa - s.Ipa);
    }

    // ------------------------------------------------------------------ stage-2 maintenance shared by the rules

    internal void Log(HostEventKind kind, int vcpu, ulong address, ulong size, long lines = 0, string detail = "") =>
        Events.Add(kind, vcpu, address, size, lines, detail);

    /// <summary>The PE a host TLBI runs on: the vCPU's (a local TLBI must reach its TLB), else any PE of the VM.</summary>
    private Arm64Vm.Cpu.CpuCore IssuingCpu(int vcpu) => _vcpus.Count > 0 ? _vcpus[vcpu < 0 ? 0 : vcpu].Cpu : Machine.Cpus[0];

    /// <summary>
    /// H2: the stage-2 TLB flush for one IPA as Linux 6.12's __kvm_tlb_flush_vmid_ipa() (and its _nsh form) issues it:
    /// TLBI IPAS2E1(IS), DSB, then TLBI VMALLE1(IS) — TLBs may hold combined stage-1 + stage-2 entries that an
    /// invalidation by IPA need not remove, so every stage-1 translation of the VMID goes too.
    /// </summary>
    internal void TlbiIpa(ulong ipa, int vcpu, bool innerShareable = true)
    {
        var cpu = IssuingCpu(vcpu);
        cpu.Mmu.TlbiIpas2e1(ipa, innerShareable);
        cpu.Mmu.TlbiVmalle1(innerShareable);
        Counters.Tlbis++;
        Log(HostEventKind.Tlbi, vcpu, ipa, Stage2PageTable.PageSize, detail: innerShareable ? "ipa-is+vmalle1is" : "ipa+vmalle1");
    }

    /// <summary>TLBI VMALLS12E1IS + DSB: every translation of this VMID on every PE.</summary>
    internal void TlbiVmid(int vcpu)
    {
        IssuingCpu(vcpu).Mmu.TlbiVmalls12e1(innerShareable: true);
        Counters.Tlbis++;
        Log(HostEventKind.Tlbi, vcpu, 0, 0, detail: "vmid-is");
    }

    /// <summary>
    /// H2 (stage2_unmap_walker): for each valid leaf overlapping the range (a block whole, H11), clear it, TLBI by IPA,
    /// then — when the old leaf was cacheable and the VM has no FWB — clean+invalidate everything it mapped to PoC. A
    /// Device leaf is never cleaned (H12). Returns the leaves removed.
    /// </summary>
    public int UnmapRange(ulong ipa, ulong size, int vcpu)
    {
        var leaves = Stage2.Leaves(ipa, size);
        foreach (var leaf in leaves)
        {
            Stage2.UnmapPage(leaf.Ipa);
            Counters.PagesUnmapped += (long)(leaf.Size >> Stage2PageTable.PageShift);
            Log(HostEventKind.Unmap, vcpu, leaf.Ipa, leaf.Size, detail: leaf.Permissions.ToString());
            TlbiIpa(leaf.Ipa, vcpu);
            if (!Features.Fwb && leaf.Cacheable(fwb: false) && Policy.CmoOnUnmap)
            {
                long lines = Host.CleanInvalidateToPoc(leaf.Pa, leaf.Size);
                Log(HostEventKind.CleanInvalidate, vcpu, leaf.Ipa, leaf.Size, lines, "unmap");
            }
        }
        return leaves.Count;
    }

    /// <summary>stage2_unmap_vm: unmaps every RAM memslot (H1 re-init without FWB).</summary>
    public void UnmapVm(int vcpu)
    {
        foreach (var s in _slots) UnmapRange(s.Ipa, s.Size, vcpu);
    }

    /// <summary>
    /// stage2_flush_vm (H6, and the eager-flush ablation of H1): cleans+invalidates to PoC every mapped cacheable page of
    /// every memslot; nothing to do with FWB.
    /// </summary>
    public void FlushVm(int vcpu, string why)
    {
        Counters.VmFlushes++;
        long lines = 0;
        ulong pages = 0;
        if (!Features.Fwb)
        {
            foreach (var s in _slots)
                foreach (var leaf in Stage2.Leaves(s.Ipa, s.Size))
                {
                    if (!leaf.Cacheable(fwb: false)) continue;
                    lines += Host.CleanInvalidateToPoc(leaf.Pa, leaf.Size);
                    pages += leaf.Size >> Stage2PageTable.PageShift;
                }
        }
        Log(HostEventKind.VmFlush, vcpu, 0, pages * Stage2PageTable.PageSize, lines, why);
    }
}
