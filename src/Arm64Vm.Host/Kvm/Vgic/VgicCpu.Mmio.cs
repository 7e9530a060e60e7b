namespace Arm64Vm.Host.Kvm;

/// <summary>
/// This vCPU's memory-mapped frames: the GICv3 redistributor (RD_base and SGI_base, IHI 0069 section 12.10/12.11) and the
/// GICv2 CPU interface (GICC, IHI 0048B section 4.4).
/// </summary>
public sealed partial class VgicCpu
{
    private const ulong GicrCtlr = 0x0, GicrIidr = 0x4, GicrTyper = 0x8, GicrStatusr = 0x10, GicrWaker = 0x14,
        GicrPidr2 = 0xFFE8, SgiBase = 0x1_0000;

    private VgicIrq? PrivateAt(int intid) => intid < 32 ? Private[intid] : null;

    /// <summary>
    /// GICR_TYPER (GIC-11): the affinity in [63:32], Processor_Number in [23:8], Last (bit 4) on the highest-numbered
    /// redistributor, no physical LPIs.
    /// </summary>
    internal ulong GicrTyperValue => (Affinity << 32) | ((ulong)Id << 8) | (Id == Gic.Cpus.Count - 1 ? 1UL << 4 : 0);

    internal ulong ReadRedistributor(ulong off, int len)
    {
        if (off >= SgiBase) return VgicRegisters.TryRead(off - SgiBase, len, PrivateAt, out ulong v) ? v : 0;
        if (off == GicrTyper && len == 8) return GicrTyperValue;
        if (off == GicrTyper + 4 && len == 4) return GicrTyperValue >> 32;
        if (len != 4) return 0;
        return off switch
        {
            GicrTyper => GicrTyperValue & 0xFFFF_FFFF,
            GicrIidr => Vgic.IidrV3,
            // GIC-9: ProcessorSleep (bit 1) and ChildrenAsleep (bit 2) follow each other at once.
            GicrWaker => ProcessorSleep ? 6UL : 0,
            GicrPidr2 => Gic.Pidr2,
            _ => 0,                                              // GICR_CTLR, STATUSR, PROPBASER, PENDBASER: RAZ (no LPIs)
        };
    }

    internal void WriteRedistributor(ulong off, int len, ulong value)
    {
        if (off >= SgiBase)
        {
            VgicRegisters.TryWrite(off - SgiBase, len, value, PrivateAt);
            return;
        }
        if (off == GicrWaker && len == 4) ProcessorSleep = (value & 2) != 0;
        // Everything else in RD_base is read-only or RAZ/WI here (GICR_CTLR.EnableLPIs is RES0 without LPIs).
    }

    // ------------------------------------------------------------------ GICv2 CPU interface

    private const ulong GiccCtlr = 0x00, GiccPmr = 0x04, GiccBpr = 0x08, GiccIar = 0x0C, GiccEoir = 0x10, GiccRpr = 0x14,
        GiccHppir = 0x18, GiccAbpr = 0x1C, GiccAiar = 0x20, GiccAeoir = 0x24, GiccAhppir = 0x28, GiccApr0 = 0xD0,
        GiccNsapr0 = 0xE0, GiccIidrOffset = 0xFC, GiccDir = 0x1000;

    /// <summary>GICC_CTLR without Security Extensions: EnableGrp0, EnableGrp1, AckCtl, FIQEn, CBPR, EOImode (bit 9).</summary>
    private uint GiccCtlrValue => (GroupEnable0 ? 1u : 0) | (GroupEnable1 ? 2u : 0) | (AckCtl ? 4u : 0) | (FiqEn ? 8u : 0)
                                  | (Cbpr ? 16u : 0) | (EoiMode ? 1u << 9 : 0);

    internal ulong ReadGicc(ulong off, int len)
    {
        if (len != 4) return 0;
        return off switch
        {
            GiccCtlr => GiccCtlrValue,
            GiccPmr => Pmr,
            GiccBpr => Bpr0,
            GiccIar => Acknowledge(group1: false, anyGroup: true),
            GiccRpr => RunningPriority,
            GiccHppir => HighestPendingId(group1: false, anyGroup: true),
            GiccAbpr => Cbpr ? Math.Min(Bpr0 + 1, 7) : Bpr1,
            GiccAiar => Acknowledge(group1: true),
            GiccAhppir => HighestPendingId(group1: true),
            GiccApr0 => Ap0,
            GiccNsapr0 => Ap1,
            GiccIidrOffset => Vgic.GiccIidr,
            _ => 0,
        };
    }

    internal void WriteGicc(ulong off, int len, ulong value)
    {
        if (len != 4) return;
        uint v = (uint)value;
        switch (off)
        {
            case GiccCtlr:
                GroupEnable0 = (v & 1) != 0;
                GroupEnable1 = (v & 2) != 0;
                AckCtl = (v & 4) != 0;
                FiqEn = (v & 8) != 0;
                Cbpr = (v & 16) != 0;
                EoiMode = (v & (1u << 9)) != 0;
                break;
            case GiccPmr: Pmr = v & Vgic.PriorityMask; break;
            case GiccBpr: Bpr0 = Math.Max(v & 7, MinBpr0); break;
            case GiccAbpr: if (!Cbpr) Bpr1 = Math.Max(v & 7, MinBpr1); break;
            case GiccEoir: EndOfInterrupt(v & 0x3FF, group1: (v & 0x3FF) < Gic.IrqCount && Irq((int)(v & 0x3FF)).Group1); break;
            case GiccAeoir: EndOfInterrupt(v & 0x3FF, group1: true); break;
            case GiccApr0: Ap0 = v; break;
            case GiccNsapr0: Ap1 = v; break;
            case GiccDir: DeactivateByDir(v & 0x3FF); break;
        }
    }
}
