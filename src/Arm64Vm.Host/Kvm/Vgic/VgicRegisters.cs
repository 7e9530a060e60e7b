namespace Arm64Vm.Host.Kvm;

/// <summary>
/// The per-interrupt register banks the distributor, the redistributors' SGI_base frame and the GICv2 distributor share
/// (IHI 0069 sections 12.9 and 12.11): IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER (32-bit, one bit per INTID),
/// IPRIORITYR (byte-accessible, GIC-3) and ICFGR (two bits per INTID, GIC-4). An INTID the bank does not hold (null)
/// is RAZ/WI, and so is an access of a width the register does not allow (GIC-10, as KVM's check_region).
/// </summary>
internal static class VgicRegisters
{
    public const ulong IGroupR = 0x080, ISEnableR = 0x100, ICEnableR = 0x180, ISPendR = 0x200, ICPendR = 0x280,
        ISActiveR = 0x300, ICActiveR = 0x380, IPriorityR = 0x400, ITargetsR = 0x800, ICfgR = 0xC00, IGrpModR = 0xD00,
        NsacR = 0xE00;

    /// <summary>Whether the offset is in one of the banks; <paramref name="value"/> is the read (0 for RAZ).</summary>
    public static bool TryRead(ulong off, int len, Func<int, VgicIrq?> irqAt, out ulong value)
    {
        value = 0;
        if (off >= IGroupR && off < IPriorityR)
        {
            if (len != 4 || (off & 3) != 0) return true;
            ulong bankBase = off & ~0x7FUL;
            int first = (int)(off - bankBase) * 8;
            for (int i = 0; i < 32; i++)
            {
                var irq = irqAt(first + i);
                if (irq != null && Bit(bankBase, irq)) value |= 1UL << i;
            }
            return true;
        }
        if (off >= IPriorityR && off < IPriorityR + 0x400)
        {
            if (len != 1 && len != 4) return true;
            int first = (int)(off - IPriorityR);
            for (int i = 0; i < len; i++) value |= (ulong)(irqAt(first + i)?.Priority ?? 0) << (8 * i);
            return true;
        }
        if (off >= ICfgR && off < ICfgR + 0x100)
        {
            if (len != 4 || (off & 3) != 0) return true;
            int first = (int)(off - ICfgR) * 4;
            for (int i = 0; i < 16; i++)
                if (irqAt(first + i) is { Edge: true }) value |= 2UL << (2 * i);
            return true;
        }
        // GIC-9: with a single Security state IGRPMODR and NSACR are RAZ/WI.
        return off >= IGrpModR && off < NsacR + 0x100;
    }

    private static bool Bit(ulong bank, VgicIrq irq) => bank switch
    {
        IGroupR => irq.Group1,
        ISEnableR or ICEnableR => irq.Enabled,
        ISPendR or ICPendR => irq.Pending,
        _ => irq.Active,
    };

    /// <summary>Writes a bank register; <paramref name="sgiPendingWritable"/> false makes the SGI pending bits WI (GICv2).</summary>
    public static bool TryWrite(ulong off, int len, ulong value, Func<int, VgicIrq?> irqAt, bool sgiPendingWritable = true)
    {
        if (off >= IGroupR && off < IPriorityR)
        {
            if (len != 4 || (off & 3) != 0) return true;
            ulong bank = off & ~0x7FUL;
            int first = (int)(off - bank) * 8;
            for (int i = 0; i < 32; i++)
            {
                var irq = irqAt(first + i);
                if (irq == null) continue;
                bool one = ((value >> i) & 1) != 0;
                if (bank == IGroupR) { irq.Group1 = one; continue; }
                if (!one) continue;
                switch (bank)
                {
                    case ISEnableR: irq.Enabled = true; break;
                    case ICEnableR: irq.Enabled = false; break;
                    case ISPendR when sgiPendingWritable || !irq.IsSgi: irq.PendingLatch = true; break;
                    // GIC-4: clearing the pending state of a level-sensitive interrupt whose input is still asserted
                    // leaves it pending (the latch goes, the level stays).
                    case ICPendR when sgiPendingWritable || !irq.IsSgi: irq.PendingLatch = false; break;
                    case ISActiveR: irq.Active = true; break;
                    case ICActiveR: irq.Active = false; break;
                }
            }
            return true;
        }
        if (off >= IPriorityR && off < IPriorityR + 0x400)
        {
            if (len != 1 && len != 4) return true;
            int first = (int)(off - IPriorityR);
            for (int i = 0; i < len; i++)
                if (irqAt(first + i) is { } irq) irq.Priority = (byte)((value >> (8 * i)) & Vgic.PriorityMask);
            return true;
        }
        if (off >= ICfgR && off < ICfgR + 0x100)
        {
            if (len != 4 || (off & 3) != 0) return true;
            int first = (int)(off - ICfgR) * 4;
            for (int i = 0; i < 16; i++)
            {
                // GIC-4: SGIs are always edge-triggered (Int_config RO 0b10); bit 0 of each field is RES0.
                if (irqAt(first + i) is { IsSgi: false } irq) irq.Edge = ((value >> (2 * i + 1)) & 1) != 0;
            }
            return true;
        }
        return off >= IGrpModR && off < NsacR + 0x100;
    }
}
