namespace Arm64Vm.Host.Kvm;

/// <summary>
/// The vgic's state as a VMM saves and restores it (KVM_DEV_ARM_VGIC_GRP_DIST_REGS / REDIST_REGS / CPU_SYSREGS and
/// the level info): the distributor, every vCPU's banked interrupts and CPU interface. Input levels are included (KVM's
/// LEVEL_INFO). Restoring into a vgic of another version or vCPU count is refused.
/// </summary>
public sealed class VgicSnapshot
{
    internal int Version;
    internal uint DistributorControl;
    internal VgicIrq[] Spis = Array.Empty<VgicIrq>();
    internal CpuState[] Cpus = Array.Empty<CpuState>();

    internal sealed class CpuState
    {
        public VgicIrq[] Private = Array.Empty<VgicIrq>();
        public uint Pmr, Bpr0, Bpr1, Ap0, Ap1;
        public bool Cbpr, EoiMode, GroupEnable0, GroupEnable1, AckCtl, FiqEn, ProcessorSleep;
    }

    internal static VgicIrq[] Copy(VgicIrq[] source) => source.Select(i => { var c = new VgicIrq(i.Intid); c.CopyFrom(i); return c; }).ToArray();
}

public sealed partial class Vgic
{
    /// <summary>Saves the whole controller (GIC-12: what a VMM migrates or snapshots).</summary>
    public VgicSnapshot Save() => new()
    {
        Version = Version,
        DistributorControl = DistributorControl,
        Spis = VgicSnapshot.Copy(_spis),
        Cpus = _cpus.Select(c => c.SaveState()).ToArray(),
    };

    /// <summary>Restores a snapshot of a vgic with the same version and vCPU count, then re-evaluates every input.</summary>
    public void Restore(VgicSnapshot snapshot)
    {
        if (snapshot.Version != Version || snapshot.Cpus.Length != _cpus.Count)
            throw new ArgumentException($"a GICv{snapshot.Version} snapshot of {snapshot.Cpus.Length} vCPUs does not fit this GICv{Version} of {_cpus.Count}");
        DistributorControl = snapshot.DistributorControl;
        for (int i = 0; i < _spis.Length; i++) _spis[i].CopyFrom(snapshot.Spis[i]);
        for (int i = 0; i < _cpus.Count; i++) _cpus[i].RestoreState(snapshot.Cpus[i]);
        Update();
    }
}

public sealed partial class VgicCpu
{
    internal VgicSnapshot.CpuState SaveState() => new()
    {
        Private = VgicSnapshot.Copy(Private),
        Pmr = Pmr, Bpr0 = Bpr0, Bpr1 = Bpr1, Ap0 = Ap0, Ap1 = Ap1, Cbpr = Cbpr, EoiMode = EoiMode,
        GroupEnable0 = GroupEnable0, GroupEnable1 = GroupEnable1, AckCtl = AckCtl, FiqEn = FiqEn, ProcessorSleep = ProcessorSleep,
    };

    internal void RestoreState(VgicSnapshot.CpuState s)
    {
        for (int i = 0; i < Private.Length; i++) Private[i].CopyFrom(s.Private[i]);
        Pmr = s.Pmr; Bpr0 = s.Bpr0; Bpr1 = s.Bpr1; Ap0 = s.Ap0; Ap1 = s.Ap1; Cbpr = s.Cbpr; EoiMode = s.EoiMode;
        GroupEnable0 = s.GroupEnable0; GroupEnable1 = s.GroupEnable1; AckCtl = s.AckCtl; FiqEn = s.FiqEn; ProcessorSleep = s.ProcessorSleep;
    }
}
