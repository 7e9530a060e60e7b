namespace Arm64Vm.Host.Kvm;

/// <summary>
/// The distributor's registers (IHI 0069 section 12.9 for GICv3, IHI 0048B section 4.3 for GICv2). GICv3 runs with
/// affinity routing always on (GICD_CTLR.ARE RAO/WI) and a single Security state (DS RAO/WI): the banks for INTIDs 0-31
/// are RAZ/WI here and live in the redistributors (GIC-7); SPIs are routed by GICD_IROUTER (GIC-8).
/// </summary>
public sealed partial class Vgic
{
    private const ulong GicdCtlr = 0x0, GicdTyper = 0x4, GicdIidr = 0x8, GicdTyper2 = 0xC, GicdSgir = 0xF00,
        GicdCpendSgir = 0xF10, GicdSpendSgir = 0xF20, GicdIrouter = 0x6000, GicdPidr2 = 0xFFE8;
    private const uint CtlrAre = 1u << 4, CtlrDs = 1u << 6;

    /// <summary>
    /// GICD_TYPER (GIC-11): ITLinesNumber = 7 (256 INTIDs), IDbits = 9 (10-bit INTIDs, KVM's INTERRUPT_ID_BITS_SPIS), A3V,
    /// No1N (1-of-N routing is not implemented: IROUTER.IRM is RAZ/WI), no LPIs, no MBIs, no Security Extensions.
    /// </summary>
    internal uint TyperV3 => (uint)(IrqCount / 32 - 1) | (9u << 19) | (1u << 24) | (1u << 25);

    private VgicIrq? SpiAt(int intid) => intid >= 32 && intid < IrqCount ? Spi(intid) : null;

    private ulong ReadDistributorV3(ulong off, int len)
    {
        if (off >= GicdIrouter && off < GicdIrouter + 8UL * (ulong)IrqCount)
        {
            // GIC-8: 64-bit, or either 32-bit half; INTIDs 0-31 have no IROUTER (RAZ/WI).
            var irq = SpiAt((int)((off - GicdIrouter) / 8));
            if (irq == null || !(len == 8 && (off & 7) == 0 || len == 4 && (off & 3) == 0)) return 0;
            return (off & 4) != 0 ? irq.Route >> 32 : len == 8 ? irq.Route : irq.Route & 0xFFFF_FFFF;
        }
        if (len != 4 || (off & 3) != 0) return VgicRegisters.TryRead(off, len, SpiAt, out ulong b) ? b : 0;
        switch (off)
        {
            case GicdCtlr: return DistributorControl | CtlrAre | CtlrDs;
            case GicdTyper: return TyperV3;
            case GicdIidr: return IidrV3;
            case GicdTyper2: return 0;
            case GicdPidr2: return Pidr2;
        }
        return VgicRegisters.TryRead(off, len, SpiAt, out ulong v) ? v : 0;
    }

    private void WriteDistributorV3(ulong off, int len, ulong value)
    {
        if (off >= GicdIrouter && off < GicdIrouter + 8UL * (ulong)IrqCount)
        {
            var irq = SpiAt((int)((off - GicdIrouter) / 8));
            if (irq == null) return;
            // Aff3 [39:32], Aff2..Aff0 [23:0]; IRM (bit 31) is RAZ/WI with GICD_TYPER.No1N = 1.
            const ulong mask = 0xFF_00FF_FFFFUL;
            if (len == 8 && (off & 7) == 0) irq.Route = value & mask;
            else if (len == 4 && (off & 4) == 0) irq.Route = (irq.Route & ~0xFFFF_FFFFUL) | (value & 0x00FF_FFFF);
            else if (len == 4) irq.Route = (irq.Route & 0xFFFF_FFFFUL) | ((value & 0xFF) << 32);
            return;
        }
        if (len == 4 && off == GicdCtlr)
        {
            // EnableGrp0, EnableGrp1; ARE and DS are RAO/WI, RWP reads 0 (writes take effect at once).
            DistributorControl = (uint)value & 3;
            return;
        }
        VgicRegisters.TryWrite(off, len, value, SpiAt);
    }

    // ------------------------------------------------------------------ GICv2 (IHI 0048B)

    /// <summary>GICv2 banks: INTIDs 0-31 are the accessing CPU's (banked), SPIs shared.</summary>
    private static Func<int, VgicIrq?> BankedAt(Vgic gic, VgicCpu cpu) =>
        intid => intid < 32 ? cpu.Private[intid] : gic.SpiAt(intid);

    /// <summary>GICD_TYPER for GICv2 (GIC-11): ITLinesNumber = 8, CPUNumber = vCPUs - 1, no Security Extensions.</summary>
    internal uint TyperV2 => (uint)(IrqCount / 32 - 1) | (uint)((Math.Max(1, _cpus.Count) - 1) << 5);

    private byte CpuMask => (byte)((1 << _cpus.Count) - 1);

    private ulong ReadDistributorV2(VgicCpu cpu, ulong off, int len)
    {
        if (off >= VgicRegisters.ITargetsR && off < VgicRegisters.ITargetsR + 0x400)
        {
            // GIC-13: byte-accessible; INTIDs 0-31 read the accessing CPU's own bit.
            if (len != 1 && len != 4) return 0;
            ulong v = 0;
            for (int i = 0; i < len; i++)
            {
                int intid = (int)(off - VgicRegisters.ITargetsR) + i;
                byte t = intid < 32 ? (byte)(1 << cpu.Id) : SpiAt(intid)?.Targets ?? 0;
                v |= (ulong)t << (8 * i);
            }
            return v;
        }
        if (off >= GicdCpendSgir && off < GicdSpendSgir + 0x10)
        {
            // GIC-14: one byte per SGI, one bit per source CPU.
            if (len != 1 && len != 4) return 0;
            ulong v = 0;
            for (int i = 0; i < len; i++) v |= (ulong)cpu.Private[(int)(off & 0xF) + i].SgiSources << (8 * i);
            return v;
        }
        if (len != 4 || (off & 3) != 0) return VgicRegisters.TryRead(off, len, BankedAt(this, cpu), out ulong b) ? b : 0;
        switch (off)
        {
            case GicdCtlr: return DistributorControl;
            case GicdTyper: return TyperV2;
            case GicdIidr: return IidrV2;
            case GicdSgir: return 0;                         // write-only
            case 0xFE8: return Pidr2;                       // GICD_PIDR2 of a GICv2 (IHI 0048B section 4.3.2)
        }
        return VgicRegisters.TryRead(off, len, BankedAt(this, cpu), out ulong r) ? r : 0;
    }

    private void WriteDistributorV2(VgicCpu cpu, ulong off, int len, ulong value)
    {
        if (off >= VgicRegisters.ITargetsR && off < VgicRegisters.ITargetsR + 0x400)
        {
            if (len != 1 && len != 4) return;
            for (int i = 0; i < len; i++)
            {
                int intid = (int)(off - VgicRegisters.ITargetsR) + i;
                // GIC-13: bits of CPU interfaces that do not exist are RAZ/WI; INTIDs 0-31 are read-only.
                if (SpiAt(intid) is { } irq) irq.Targets = (byte)((value >> (8 * i)) & CpuMask);
            }
            return;
        }
        if (off >= GicdCpendSgir && off < GicdSpendSgir + 0x10)
        {
            if (len != 1 && len != 4) return;
            bool set = off >= GicdSpendSgir;
            for (int i = 0; i < len; i++)
            {
                var irq = cpu.Private[(int)(off & 0xF) + i];
                byte bits = (byte)((value >> (8 * i)) & CpuMask);
                irq.SgiSources = set ? (byte)(irq.SgiSources | bits) : (byte)(irq.SgiSources & ~bits);
            }
            return;
        }
        if (len != 4 || (off & 3) != 0)
        {
            VgicRegisters.TryWrite(off, len, value, BankedAt(this, cpu), sgiPendingWritable: false);
            return;
        }
        switch (off)
        {
            case GicdCtlr: DistributorControl = (uint)value & 3; return;
            case GicdSgir: SendSgiV2(cpu, (uint)value); return;
        }
        // GIC-14: SGIs are permanently enabled in this GICv2 (ISENABLER0/ICENABLER0 bits 0-15 RAO/WI, as QEMU).
        if (off == VgicRegisters.ICEnableR) value &= ~0xFFFFUL;
        VgicRegisters.TryWrite(off, len, value, BankedAt(this, cpu), sgiPendingWritable: false);
    }

    /// <summary>GIC-14: GICD_SGIR: TargetListFilter [25:24] (list, all but self, self only, reserved), CPUTargetList [23:16], SGIINTID [3:0].</summary>
    private void SendSgiV2(VgicCpu source, uint value)
    {
        int intid = (int)(value & 0xF);
        uint filter = (value >> 24) & 3;
        int targets = filter switch
        {
            0 => (int)((value >> 16) & 0xFF),
            1 => CpuMask & ~(1 << source.Id),
            2 => 1 << source.Id,
            _ => 0,
        };
        foreach (var c in _cpus)
            if (((targets >> c.Id) & 1) != 0) c.Private[intid].SgiSources |= (byte)(1 << source.Id);
    }
}
