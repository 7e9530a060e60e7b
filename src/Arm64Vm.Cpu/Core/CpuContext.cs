namespace Arm64Vm.Cpu;

/// <summary>
/// The architectural state of one vCPU while it is not loaded on a PE: general, SIMD&amp;FP and system registers, PSTATE,
/// and the EL2 controls the host runs it with. What belongs to the physical PE — its TLB, its caches, its exclusive
/// monitor and its instruction counter — is not part of it: a vCPU that moves to another PE finds that PE's TLB as it
/// was (which is why the host must invalidate it, kvm_arch_vcpu_load).
/// </summary>
public sealed class CpuContext
{
    internal GeneralRegisterFile Xr;
    internal VectorRegisterFile Vr;
    internal ulong SpEl0, SpEl1, Pc, NextPc, VpidrEl2, VmpidrEl2, HcrEl2, VtcrEl2, VttbrEl2;
    internal uint Fpcr, Fpsr, Nzcv, Daif;
    internal int El, SpSel;
    internal bool IllegalState, IsHalted, EventRegister, PstateSs;
    internal readonly ulong[] SysRegs = new ulong[SystemRegisterTable.All.Count];
}

public sealed partial class CpuCore
{
    /// <summary>Copies this PE's vCPU state out (vcpu_put).</summary>
    public void SaveContext(CpuContext c)
    {
        c.Xr = Xr; c.Vr = Vr; c.SpEl0 = SpEl0; c.SpEl1 = SpEl1; c.Pc = Pc; c.NextPc = NextPc;
        c.VpidrEl2 = VpidrEl2; c.VmpidrEl2 = VmpidrEl2; c.HcrEl2 = _hcrEl2; c.VtcrEl2 = _vtcrEl2; c.VttbrEl2 = _vttbrEl2;
        c.Fpcr = Fpcr; c.Fpsr = Fpsr; c.Nzcv = Nzcv; c.Daif = Daif; c.El = El; c.SpSel = SpSel;
        c.IllegalState = IllegalState; c.IsHalted = IsHalted; c.EventRegister = EventRegister; c.PstateSs = PstateSs;
        SysRegs.CopyTo(c.SysRegs);
    }

    /// <summary>
    /// Loads a vCPU's state onto this PE (vcpu_load). The TLB is kept (entries are tagged by VMID and ASID; changing the
    /// VMID or the translation controls flushes it as the properties do); the local exclusive monitor is cleared.
    /// </summary>
    public void LoadContext(CpuContext c)
    {
        Xr = c.Xr; Vr = c.Vr; SpEl0 = c.SpEl0; SpEl1 = c.SpEl1; Pc = c.Pc; NextPc = c.NextPc;
        VpidrEl2 = c.VpidrEl2; VmpidrEl2 = c.VmpidrEl2;
        Fpcr = c.Fpcr; Fpsr = c.Fpsr; Nzcv = c.Nzcv; Daif = c.Daif; El = c.El; SpSel = c.SpSel;
        IllegalState = c.IllegalState; IsHalted = c.IsHalted; EventRegister = c.EventRegister; PstateSs = c.PstateSs;
        SysRegs.CopyFrom(c.SysRegs);
        HcrEl2 = c.HcrEl2;
        VtcrEl2 = c.VtcrEl2;
        VttbrEl2 = c.VttbrEl2;
        ClearExclusive();
        InvalidateFetch();
        OnElChanged();
    }
}
