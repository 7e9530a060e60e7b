namespace Arm64Vm.Host.Kvm;

[Flags]
public enum MemoryRegionFlags
{
    None = 0,
    /// <summary>KVM_MEM_READONLY: guest writes exit to the VMM as MMIO.</summary>
    ReadOnly = 1,
    /// <summary>KVM_MEM_LOG_DIRTY_PAGES: writes are tracked in a dirty bitmap (H7).</summary>
    LogDirtyPages = 2,
}

/// <summary>
/// A memslot (KVM_SET_USER_MEMORY_REGION): guest-physical [Ipa, Ipa + Size) backed by host-physical pages from
/// <see cref="HostPa"/>, with its dirty bitmap (one bit per 4 KiB page, 64 pages per word) when logging.
/// </summary>
public sealed class MemoryRegion
{
    internal MemoryRegion(int slot, ulong ipa, ulong size, ulong hostPa, MemoryRegionFlags flags)
    {
        Slot = slot;
        Ipa = ipa;
        Size = size;
        HostPa = hostPa;
        Flags = flags;
        DirtyBitmap = new ulong[(Pages + 63) / 64];
    }

    public int Slot { get; }
    public ulong Ipa { get; }
    public ulong Size { get; }
    public ulong HostPa { get; }
    public MemoryRegionFlags Flags { get; internal set; }
    public ulong Pages => Size >> Stage2PageTable.PageShift;
    public bool Writable => (Flags & MemoryRegionFlags.ReadOnly) == 0;
    public bool Logging => (Flags & MemoryRegionFlags.LogDirtyPages) != 0;
    internal ulong[] DirtyBitmap { get; }

    public bool Contains(ulong ipa) => ipa - Ipa < Size;
    public ulong ToHostPa(ulong ipa) => HostPa + (ipa - Ipa);

    internal void MarkDirty(ulong ipa)
    {
        if (!Logging) return;
        ulong page = (ipa - Ipa) >> Stage2PageTable.PageShift;
        DirtyBitmap[page / 64] |= 1UL << (int)(page % 64);
    }
}
