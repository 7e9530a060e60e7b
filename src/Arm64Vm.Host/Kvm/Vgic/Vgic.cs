using Arm64Vm.Devices;

namespace Arm64Vm.Host.Kvm;

/// <summary>
/// The in-kernel interrupt controller of a <see cref="Vm"/> (KVM's vgic): a GICv3 (distributor, one redistributor per
/// vCPU, the ICC_* CPU interface) or a GICv2 (distributor, memory-mapped GICC CPU interface), a single Security state
/// (GICD_CTLR.DS = 1), no ITS and no LPIs. Guest accesses to its frames are served in the host before any MMIO exit
/// (<see cref="HandleMmio"/>), as KVM's io-device bus does; every change re-evaluates which interrupt each vCPU's IRQ and
/// FIQ inputs signal (GIC-6). Rule ids GIC-n / IRQ-n refer to specs/interrupts.md.
/// </summary>
public sealed partial class Vgic
{
    // ---- The board's GIC frames (QEMU virt's map; the device tree reads these) ----
    public const ulong DistributorBase = 0x0800_0000;
    public const ulong DistributorSize = 0x1_0000;
    /// <summary>GICv2 CPU interface (GICC).</summary>
    public const ulong CpuInterfaceBase = 0x0801_0000;
    public const ulong CpuInterfaceSize = 0x1_0000;
    /// <summary>GICv3 redistributors: two 64 KiB frames per vCPU (RD_base, SGI_base), vCPU n at base + n * stride.</summary>
    public const ulong RedistributorBase = 0x080A_0000;
    public const ulong RedistributorStride = 0x2_0000;
    /// <summary>QEMU virt's redistributor region (room for 123 vCPUs).</summary>
    public const ulong RedistributorRegionSize = 0x00F6_0000;

    /// <summary>
    /// INTIDs of the board's GIC as QEMU 7.2's virt machine sizes it (and hands to KVM with KVM_DEV_ARM_VGIC_GRP_NR_IRQS):
    /// 256 for a GICv3 (GICD_TYPER.ITLinesNumber 7, 224 SPIs), 288 for a GICv2 (ITLinesNumber 8, 256 SPIs).
    /// </summary>
    public const int IrqCountV3 = 256, IrqCountV2 = 288;
    /// <summary>The most SPIs either version has.</summary>
    public const int MaxSpiCount = IrqCountV2 - 32;
    /// <summary>A GICv2 has at most 8 CPU interfaces.</summary>
    public const int MaxGicV2Cpus = 8;
    /// <summary>Implemented priority bits (GIC-3): 32 levels, as KVM's vgic (VGIC_PRI_BITS) and QEMU's GICv3.</summary>
    public const int PriorityBits = 5;
    public const byte PriorityMask = 0xF8;
    public const int SpuriousIntid = 1023;

    /// <summary>GICD_CTLR / GICC_IIDR values (GIC-11): KVM's product id 0x4B, implementer Arm (0x43B).</summary>
    public const uint IidrV3 = 0x4B00_343B;
    public const uint IidrV2 = 0x4B00_243B;
    public const uint GiccIidr = 0x04B2_043B;

    private readonly VgicIrq[] _spis = new VgicIrq[MaxSpiCount];

    /// <summary>
    /// GIC-15: the SPIs that are enabled and pending, bit intid - 32, kept by the SPIs themselves (<see cref="VgicIrq"/>),
    /// so the scan for the highest-priority pending interrupt, run before every slice, visits only these.
    /// </summary>
    internal readonly ulong[] EnabledPendingSpis = new ulong[(MaxSpiCount + 63) / 64];
    private readonly List<VgicCpu> _cpus = new();

    public Vgic(int version)
    {
        if (version is not (2 or 3)) throw new ArgumentException($"GIC version {version} must be 2 or 3");
        Version = version;
        for (int i = 0; i < MaxSpiCount; i++) _spis[i] = new VgicIrq(32 + i, EnabledPendingSpis);
        Reset();
    }

    public int Version { get; }
    /// <summary>INTIDs 0..IrqCount-1 exist (GIC-1).</summary>
    public int IrqCount => Version == 3 ? IrqCountV3 : IrqCountV2;
    /// <summary>GICD_CTLR.EnableGrp0 (bit 0) and EnableGrp1 (bit 1).</summary>
    internal uint DistributorControl;
    public IReadOnlyList<VgicCpu> Cpus => _cpus;

    /// <summary>The redistributor frames the vCPUs use (GICv3).</summary>
    public ulong RedistributorSize => (ulong)Math.Max(1, _cpus.Count) * RedistributorStride;

    internal VgicIrq Spi(int intid) => _spis[intid - 32];

    internal VgicCpu AddVcpu(Vcpu vcpu)
    {
        if (Version == 2 && _cpus.Count >= MaxGicV2Cpus)
            throw new InvalidOperationException($"a GICv2 serves at most {MaxGicV2Cpus} CPUs");
        var c = new VgicCpu(this, vcpu);
        _cpus.Add(c);
        return c;
    }

    /// <summary>
    /// GIC-12: the whole controller's reset as QEMU performs it on a system reset (arm_gicv3_common_reset /
    /// arm_gic_common_reset written into KVM): distributor and redistributors to their reset values, every CPU interface
    /// reset, input levels kept.
    /// </summary>
    public void Reset()
    {
        DistributorControl = 0;
        foreach (var s in _spis) s.Reset();
        foreach (var c in _cpus) c.ResetRedistributor();
        foreach (var c in _cpus) c.ResetCpuInterface();
        Update();
    }

    /// <summary>KVM_IRQ_LINE for an SPI (GIC-4): the level of a device's interrupt output.</summary>
    public void SetSpiLevel(int intid, bool level)
    {
        if (intid < 32 || intid >= IrqCount) throw new ArgumentOutOfRangeException(nameof(intid), $"INTID {intid} is not an SPI of this GIC (32..{IrqCount - 1})");
        var irq = Spi(intid);
        if (irq.Level == level) return;
        irq.Level = level;
        if (level && irq.Edge) irq.PendingLatch = true;    // GIC-4: a rising edge latches the pending state
        Update();
    }

    /// <summary>An <see cref="IInterruptLine"/> a device model drives the SPI with (SPI n = INTID 32 + n).</summary>
    public IInterruptLine SpiLine(int spi) => new Line(this, 32 + spi);

    private sealed class Line(Vgic vgic, int intid) : IInterruptLine
    {
        public void SetLevel(bool asserted) => vgic.SetSpiLevel(intid, asserted);
    }

    /// <summary>GIC-6: re-evaluates the IRQ and FIQ inputs of every vCPU.</summary>
    internal void Update()
    {
        foreach (var c in _cpus) c.UpdateLines();
    }

    /// <summary>The vCPU an SPI is routed to (GICv3 GIC-8: IROUTER affinity; GICv2: the lowest set ITARGETSR bit is not used — every targeted CPU sees it).</summary>
    internal bool Targets(VgicIrq spi, VgicCpu cpu) =>
        Version == 3 ? spi.Route == cpu.Affinity : ((spi.Targets >> cpu.Id) & 1) != 0;

    /// <summary>A vCPU's CPU interface by affinity (GICv3: Aff0 = vCPU id, as KVM's reset_mpidr for up to 16 vCPUs).</summary>
    internal VgicCpu? ByAffinity(ulong affinity)
    {
        foreach (var c in _cpus) if (c.Affinity == affinity) return c;
        return null;
    }

    /// <summary>
    /// Serves a guest access to the distributor, a redistributor or the GICv2 CPU interface (GIC-10): true when the
    /// address is the GIC's (a read's data is then in <paramref name="access"/>), false for the VMM's devices.
    /// </summary>
    public bool HandleMmio(Vcpu vcpu, MmioAccess access)
    {
        var cpu = _cpus[vcpu.Id];
        ulong ipa = access.Ipa;
        if (ipa >= DistributorBase && ipa < DistributorBase + DistributorSize)
        {
            Access(access, (off, len) => Version == 3 ? ReadDistributorV3(off, len) : ReadDistributorV2(cpu, off, len),
                (off, len, v) => { if (Version == 3) WriteDistributorV3(off, len, v); else WriteDistributorV2(cpu, off, len, v); },
                ipa - DistributorBase);
            return true;
        }
        if (Version == 3 && ipa >= RedistributorBase && ipa < RedistributorBase + RedistributorSize)
        {
            ulong rel = ipa - RedistributorBase;
            var target = _cpus[(int)(rel / RedistributorStride)];
            Access(access, (off, len) => target.ReadRedistributor(off, len), (off, len, v) => target.WriteRedistributor(off, len, v),
                rel % RedistributorStride);
            return true;
        }
        if (Version == 2 && ipa >= CpuInterfaceBase && ipa < CpuInterfaceBase + CpuInterfaceSize)
        {
            Access(access, (off, len) => cpu.ReadGicc(off, len), (off, len, v) => cpu.WriteGicc(off, len, v), ipa - CpuInterfaceBase);
            return true;
        }
        return false;
    }

    private void Access(MmioAccess access, Func<ulong, int, ulong> read, Action<ulong, int, ulong> write, ulong offset)
    {
        if (access.IsWrite) write(offset, access.Length, access.Data);
        else access.Data = read(offset, access.Length);
        Update();
    }

    /// <summary>Peripheral ID 2 (GIC-11): ArchRev in bits [7:4] (3 or 2), JEDEC bit 3 and the JEP106 identity bits 0b011.</summary>
    internal uint Pidr2 => Version == 3 ? 0x3Bu : 0x2Bu;
}
