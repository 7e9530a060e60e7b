using Arm64Vm.Cpu;

namespace Arm64Vm.Host.Kvm;

/// <summary>
/// One vCPU's part of the vgic: its banked SGIs and PPIs (the GICv3 redistributor, or the GICv2 banked registers), and
/// its CPU interface — priority mask, binary points, the active-priority registers that give the running priority,
/// group enables and EOImode — with the acknowledge / priority-drop / deactivate cycle (GIC-2, GIC-3, GIC-5). It drives
/// the IRQ and FIQ inputs of the PE the vCPU runs on (GIC-6). The state belongs to the vCPU, not the PE: it goes with a
/// vCPU that moves to another physical CPU (H10).
/// </summary>
public sealed partial class VgicCpu : IGicCpuInterface
{
    internal readonly VgicIrq[] Private = new VgicIrq[32];

    internal VgicCpu(Vgic gic, Vcpu vcpu)
    {
        Gic = gic;
        Vcpu = vcpu;
        for (int i = 0; i < 32; i++) Private[i] = new VgicIrq(i);
        ResetRedistributor();
        ResetCpuInterface();
    }

    public Vgic Gic { get; }
    public Vcpu Vcpu { get; }
    public int Id => Vcpu.Id;
    /// <summary>The vCPU's affinity as GICD_IROUTER and GICR_TYPER hold it (Aff0 = vCPU id, KVM's reset_mpidr).</summary>
    public ulong Affinity => (ulong)Id;

    // ---- CPU interface state (ICC_*_EL1 for GICv3, GICC_* for GICv2) ----
    internal uint Pmr;
    internal uint Bpr0, Bpr1;
    internal bool Cbpr, EoiMode;
    internal bool GroupEnable0, GroupEnable1;
    /// <summary>Active priorities (ICC_AP0R0 / ICC_AP1R0, GICC_APR0 / GICC_NSAPR0): bit n = group priority n &lt;&lt; 3 (GIC-3).</summary>
    internal uint Ap0, Ap1;
    /// <summary>GICv2 GICC_CTLR.AckCtl (bit 2) and FIQEn (bit 3).</summary>
    internal bool AckCtl, FiqEn;
    /// <summary>GICR_WAKER.ProcessorSleep (GIC-9).</summary>
    internal bool ProcessorSleep;

    public bool SystemRegisterInterface => Gic.Version == 3;

    /// <summary>Smallest BPR0 with five priority bits (7 - 5); BPR1's is one more (IHI 0069 section 4.8.3).</summary>
    internal const uint MinBpr0 = 2, MinBpr1 = 3;

    internal VgicIrq Irq(int intid) => intid < 32 ? Private[intid] : Gic.Spi(intid);

    /// <summary>Redistributor reset (GIC-12): SGIs/PPIs disabled, Group 0, priority 0; PPIs level-sensitive; asleep.</summary>
    internal void ResetRedistributor()
    {
        foreach (var p in Private)
        {
            p.Reset();
            // GIC-14: a GICv2's SGIs are permanently enabled.
            if (Gic.Version == 2 && p.IsSgi) p.Enabled = true;
        }
        ProcessorSleep = true;
    }

    /// <summary>
    /// CPU interface reset (GIC-12): PMR 0 (everything masked), binary points at their minimum (BPR1 = BPR0 + 1), EOImode
    /// 0, groups disabled, nothing active. Done with the PE's reset (vCPU init and PSCI CPU_ON) and on a system reset.
    /// </summary>
    internal void ResetCpuInterface()
    {
        Pmr = 0;
        Bpr0 = MinBpr0;
        Bpr1 = MinBpr1;
        Cbpr = EoiMode = AckCtl = FiqEn = false;
        GroupEnable0 = GroupEnable1 = false;
        Ap0 = Ap1 = 0;
    }

    /// <summary>
    /// The highest-priority pending interrupt this CPU interface could be given (GIC-5): pending, not active, enabled, its
    /// group enabled in the distributor, and (SPIs) routed here; ties go to the lowest INTID, as QEMU's scan does.
    /// </summary>
    internal VgicIrq? HighestPending()
    {
        VgicIrq? best = null;
        uint ctlr = Gic.DistributorControl;
        foreach (var irq in Private) Consider(irq, ctlr, ref best);
        // GIC-15: only the SPIs that are enabled and pending, in increasing INTID order as before (ties: the lowest).
        var candidates = Gic.EnabledPendingSpis;
        for (int w = 0; w < candidates.Length; w++)
        {
            for (ulong m = candidates[w]; m != 0; m &= m - 1)
            {
                int intid = 32 + w * 64 + System.Numerics.BitOperations.TrailingZeroCount(m);
                if (intid >= Gic.IrqCount) return best;
                var spi = Gic.Spi(intid);
                if (Gic.Targets(spi, this)) Consider(spi, ctlr, ref best);
            }
        }
        return best;
    }

    private static void Consider(VgicIrq irq, uint ctlr, ref VgicIrq? best)
    {
        if (!irq.Enabled || irq.Active || !irq.Pending) return;
        if (((ctlr >> (irq.Group1 ? 1 : 0)) & 1) == 0) return;
        if (best == null || irq.Priority < best.Priority) best = irq;
    }

    /// <summary>The group-priority mask of a group (IHI 0069 section 4.8.3): BPR0 for Group 0, BPR1 - 1 for Group 1 unless CBPR.</summary>
    internal uint GroupPriorityMask(bool group1)
    {
        int bpr = group1 && !Cbpr ? (int)Bpr1 - 1 : (int)Bpr0;
        return (0xFFu << (bpr + 1)) & 0xFF;
    }

    /// <summary>GIC-3: the running priority: the highest active group priority (lowest set AP bit), 0xFF when idle.</summary>
    internal uint RunningPriority
    {
        get
        {
            uint ap = Ap0 | Ap1;
            return ap == 0 ? 0xFFu : (uint)System.Numerics.BitOperations.TrailingZeroCount(ap) << 3;
        }
    }

    /// <summary>
    /// GIC-3: the interrupt can be signalled: its group enabled at the CPU interface, priority strictly below (higher
    /// than) the PMR, and its group priority strictly higher than the running priority (preemption).
    /// </summary>
    internal bool CanSignal(VgicIrq irq)
    {
        if (!(irq.Group1 ? GroupEnable1 : GroupEnable0)) return false;
        if (irq.Priority >= Pmr) return false;
        return (irq.Priority & GroupPriorityMask(irq.Group1)) < RunningPriority;
    }

    /// <summary>GIC-6: drive the PE's inputs: Group 1 as IRQ, Group 0 as FIQ (GICv2: as IRQ unless GICC_CTLR.FIQEn).</summary>
    internal void UpdateLines()
    {
        var best = HighestPending();
        bool irq = false, fiq = false;
        if (best != null && CanSignal(best))
        {
            if (best.Group1 || (Gic.Version == 2 && !FiqEn)) irq = true;
            else fiq = true;
        }
        var cpu = Vcpu.Cpu;
        if (cpu.IrqLine != irq) cpu.SetIrqLine(irq);
        if (cpu.FiqLine != fiq) cpu.SetFiqLine(fiq);
    }

    /// <summary>
    /// GIC-5 acknowledge: the highest-priority pending interrupt, if it can be signalled and is of the group asked for,
    /// becomes active (and stays pending if a level input is still asserted); its group priority is set in the active
    /// priorities. Returns the INTID (GICv2 SGIs: with the source CPU in bits [12:10]) or 1023 (GICv2 Group 1 without
    /// AckCtl: 1022).
    /// </summary>
    internal uint Acknowledge(bool group1, bool anyGroup = false)
    {
        var best = HighestPending();
        if (best == null || !CanSignal(best)) return Vgic.SpuriousIntid;
        if (!anyGroup && best.Group1 != group1) return Vgic.SpuriousIntid;
        if (anyGroup && best.Group1 && !AckCtl) return 1022;
        uint result = (uint)best.Intid;
        if (best.SgiSources != 0)
        {
            int source = System.Numerics.BitOperations.TrailingZeroCount(best.SgiSources);
            best.SgiSources &= (byte)~(1 << source);
            result |= (uint)source << 10;
        }
        best.PendingLatch = false;
        best.Active = true;
        uint bit = 1u << (int)((best.Priority & GroupPriorityMask(best.Group1)) >> 3);
        if (best.Group1) Ap1 |= bit; else Ap0 |= bit;
        return result;
    }

    /// <summary>
    /// GIC-5 end of interrupt: drops the running priority (clears the highest active priority of the group), and with
    /// EOImode = 0 also deactivates the INTID. INTIDs 1020-1023 are ignored.
    /// </summary>
    internal void EndOfInterrupt(uint intid, bool group1)
    {
        if (intid >= 1020) return;
        if (group1) Ap1 &= Ap1 - 1; else Ap0 &= Ap0 - 1;
        if (!EoiMode) Deactivate(intid);
    }

    /// <summary>GIC-5 deactivate (ICC_DIR_EL1, GICC_DIR): only with EOImode = 1; otherwise the write is ignored.</summary>
    internal void DeactivateByDir(uint intid)
    {
        if (!EoiMode || intid >= 1020) return;
        Deactivate(intid);
    }

    private void Deactivate(uint intid)
    {
        if (intid < Gic.IrqCount) Irq((int)intid).Active = false;
    }

    /// <summary>The highest-priority pending INTID of a group as HPPIR reports it (no PMR or running-priority check), or 1023.</summary>
    internal uint HighestPendingId(bool group1, bool anyGroup = false)
    {
        var best = HighestPending();
        if (best == null || (!anyGroup && best.Group1 != group1)) return Vgic.SpuriousIntid;
        uint v = (uint)best.Intid;
        if (best.SgiSources != 0) v |= (uint)System.Numerics.BitOperations.TrailingZeroCount(best.SgiSources) << 10;
        return v;
    }

    /// <summary>A timer output (PPI 30/27, TMR-3) or the PMU overflow request (PPI 23, IRQ-4) changed: the level input of this vCPU's PPI (GIC-4).</summary>
    public void SetPpiLevel(int intid, bool level)
    {
        if (intid < 16 || intid >= 32) throw new ArgumentOutOfRangeException(nameof(intid), $"INTID {intid} is not a PPI");
        var irq = Private[intid];
        if (irq.Level == level) return;
        irq.Level = level;
        if (level && irq.Edge) irq.PendingLatch = true;
        Gic.Update();
    }
}
