namespace Arm64Vm.Host.Kvm;

/// <summary>
/// What the hardware under a VM offers and KVM uses (KVM_CREATE_VM with the host's capabilities): FEAT_S2FWB
/// (stage 2 forces write-back, no cache maintenance for the guest's sake), CTR_EL0.DIC and IDC (instruction and
/// data caches need no maintenance to PoU), and the IPA size stage 2 translates.
/// </summary>
public sealed record VmFeatures
{
    public bool Fwb { get; init; }
    public bool Dic { get; init; }
    public bool Idc { get; init; }
    /// <summary>IPA size in bits (KVM_VM_TYPE_ARM_IPA_SIZE); 40 as KVM's default.</summary>
    public int IpaBits { get; init; } = 40;

    public override string ToString() => $"fwb={(Fwb ? 1 : 0)} dic={(Dic ? 1 : 0)} idc={(Idc ? 1 : 0)} ipa={IpaBits}";
}
