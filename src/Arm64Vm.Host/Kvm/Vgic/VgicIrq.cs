namespace Arm64Vm.Host.Kvm;

/// <summary>
/// The state of one interrupt in the vgic (Arm GIC architecture spec IHI 0069, section 4.1 "Interrupt lifecycle"):
/// enable, group, priority, configuration, the pending latch and the input level (a level-sensitive interrupt is pending
/// while its input is asserted, GIC-4), the active state, and its route (GICD_IROUTER for GICv3, GICD_ITARGETSR for
/// GICv2). SGIs, PPIs are banked per vCPU; SPIs are one per VM.
/// </summary>
internal sealed class VgicIrq
{
    public VgicIrq(int intid) => Intid = intid;

    public int Intid { get; }
    public bool Enabled;
    /// <summary>Set by an edge, a write to ISPENDR or an SGI; cleared by acknowledge or ICPENDR.</summary>
    public bool PendingLatch;
    public bool Active;
    /// <summary>The input level (PPIs from the timer, SPIs from devices).</summary>
    public bool Level;
    /// <summary>GICD_ICFGR Int_config[1]: edge-triggered (SGIs always are).</summary>
    public bool Edge;
    public bool Group1;
    public byte Priority;
    /// <summary>GICv3: the affinity of GICD_IROUTER (Aff3 in bits [39:32], Aff2..Aff0 in [23:0]).</summary>
    public ulong Route;
    /// <summary>GICv2: GICD_ITARGETSR (one bit per CPU interface).</summary>
    public byte Targets;
    /// <summary>GICv2 SGIs: pending per source CPU (GICD_SPENDSGIR).</summary>
    public byte SgiSources;

    public bool IsSgi => Intid < 16;

    /// <summary>GIC-4: pending = the latch, or (level-sensitive) the asserted input, or (GICv2 SGI) any source.</summary>
    public bool Pending => PendingLatch || (!Edge && Level) || SgiSources != 0;

    /// <summary>Reset values as QEMU's GIC reset writes them (GIC-12): disabled, Group 0, priority 0, level-sensitive.</summary>
    public void Reset()
    {
        Enabled = PendingLatch = Active = Group1 = false;
        Priority = 0;
        Edge = IsSgi;
        Route = 0;
        Targets = 0;
        SgiSources = 0;
        // The input level is the device's or timer's: a reset of the GIC does not change the wire.
    }

    public void CopyFrom(VgicIrq o)
    {
        Enabled = o.Enabled; PendingLatch = o.PendingLatch; Active = o.Active; Level = o.Level; Edge = o.Edge;
        Group1 = o.Group1; Priority = o.Priority; Route = o.Route; Targets = o.Targets; SgiSources = o.SgiSources;
    }
}
