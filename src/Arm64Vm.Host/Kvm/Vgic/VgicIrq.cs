namespace Arm64Vm.Host.Kvm;

/// <summary>
/// The state of one interrupt in the vgic (Arm GIC architecture spec IHI 0069, section 4.1 "Interrupt lifecycle"):
/// enable, group, priority, configuration, the pending latch and the input level (a level-sensitive interrupt is pending
/// while its input is asserted, GIC-4), the active state, and its route (GICD_IROUTER for GICv3, GICD_ITARGETSR for
/// GICv2). SGIs, PPIs are banked per vCPU; SPIs are one per VM.
/// </summary>
internal sealed class VgicIrq
{
    /// <param name="intid">The INTID.</param>
    /// <param name="candidates">
    /// GIC-15: the bitmap this interrupt keeps its bit of (bit intid - 32, an SPI of a <see cref="Vgic"/>), set exactly
    /// while it is enabled and pending; null for the banked interrupts and for snapshot copies.
    /// </param>
    public VgicIrq(int intid, ulong[]? candidates = null)
    {
        Intid = intid;
        _candidates = candidates;
    }

    public int Intid { get; }

    public bool Enabled { get => _enabled; set { _enabled = value; Sync(); } }
    /// <summary>Set by an edge, a write to ISPENDR or an SGI; cleared by acknowledge or ICPENDR.</summary>
    public bool PendingLatch { get => _pendingLatch; set { _pendingLatch = value; Sync(); } }
    public bool Active;
    /// <summary>The input level (PPIs from the timer, SPIs from devices).</summary>
    public bool Level { get => _level; set { _level = value; Sync(); } }
    /// <summary>GICD_ICFGR Int_config[1]: edge-triggered (SGIs always are).</summary>
    public bool Edge { get => _edge; set { _edge = value; Sync(); } }
    public bool Group1;
    public byte Priority;
    /// <summary>GICv3: the affinity of GICD_IROUTER (Aff3 in bits [39:32], Aff2..Aff0 in [23:0]).</summary>
    public ulong Route;
    /// <summary>GICv2: GICD_ITARGETSR (one bit per CPU interface).</summary>
    public byte Targets;
    /// <summary>GICv2 SGIs: pending per source CPU (GICD_SPENDSGIR).</summary>
    public byte SgiSources { get => _sgiSources; set { _sgiSources = value; Sync(); } }

    private bool _enabled, _pendingLatch, _level, _edge;
    private byte _sgiSources;
    private readonly ulong[]? _candidates;

    /// <summary>GIC-15: every input of "enabled and pending" is a property whose setter comes here, so the bit stays exact.</summary>
    private void Sync()
    {
        if (_candidates == null) return;
        int n = Intid - 32;
        ulong bit = 1UL << (n & 63);
        if (_enabled && Pending) _candidates[n >> 6] |= bit;
        else _candidates[n >> 6] &= ~bit;
    }

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
