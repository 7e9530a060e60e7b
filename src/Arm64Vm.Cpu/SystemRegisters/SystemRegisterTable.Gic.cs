namespace Arm64Vm.Cpu;

/// <summary>
/// The GICv3 CPU interface system registers (Arm GIC architecture spec IHI 0069, chapter 12; IRQ-1 in
/// specs/interrupts.md). Every access goes to the vCPU's CPU interface in the host's vgic through
/// <see cref="IGicCpuInterface"/>; without a GICv3 (no GIC, or a GICv2) the encodings are UNDEFINED, as on a PE whose
/// ID_AA64PFR0_EL1.GIC is 0. EL0 accesses are UNDEFINED (minimum EL 1). Under KVM the guest reaches the ICV_* views of
/// the same registers without a trap, which behave as these.
/// </summary>
public static partial class SystemRegisterTable
{
    private static void AddGic(List<SysRegDef> list)
    {
        Icc(list, "ICC_PMR_EL1", 4, 6, 0, IccRegister.Pmr);
        Icc(list, "ICC_IAR0_EL1", 12, 8, 0, IccRegister.Iar0, writable: false);
        Icc(list, "ICC_EOIR0_EL1", 12, 8, 1, IccRegister.Eoir0, readable: false);
        Icc(list, "ICC_HPPIR0_EL1", 12, 8, 2, IccRegister.Hppir0, writable: false);
        Icc(list, "ICC_BPR0_EL1", 12, 8, 3, IccRegister.Bpr0);
        // Five bits of preemption (32 levels): only AP0R0/AP1R0 exist (ICC_CTLR_EL1.PRIbits = 4).
        Icc(list, "ICC_AP0R0_EL1", 12, 8, 4, IccRegister.Ap0r0);
        Icc(list, "ICC_AP1R0_EL1", 12, 9, 0, IccRegister.Ap1r0);
        Icc(list, "ICC_DIR_EL1", 12, 11, 1, IccRegister.Dir, readable: false);
        Icc(list, "ICC_RPR_EL1", 12, 11, 3, IccRegister.Rpr, writable: false);
        Icc(list, "ICC_SGI1R_EL1", 12, 11, 5, IccRegister.Sgi1r, readable: false);
        Icc(list, "ICC_ASGI1R_EL1", 12, 11, 6, IccRegister.Asgi1r, readable: false);
        Icc(list, "ICC_SGI0R_EL1", 12, 11, 7, IccRegister.Sgi0r, readable: false);
        Icc(list, "ICC_IAR1_EL1", 12, 12, 0, IccRegister.Iar1, writable: false);
        Icc(list, "ICC_EOIR1_EL1", 12, 12, 1, IccRegister.Eoir1, readable: false);
        Icc(list, "ICC_HPPIR1_EL1", 12, 12, 2, IccRegister.Hppir1, writable: false);
        Icc(list, "ICC_BPR1_EL1", 12, 12, 3, IccRegister.Bpr1);
        Icc(list, "ICC_CTLR_EL1", 12, 12, 4, IccRegister.Ctlr);
        Icc(list, "ICC_SRE_EL1", 12, 12, 5, IccRegister.Sre);
        Icc(list, "ICC_IGRPEN0_EL1", 12, 12, 6, IccRegister.Igrpen0);
        Icc(list, "ICC_IGRPEN1_EL1", 12, 12, 7, IccRegister.Igrpen1);
    }

    private static void Icc(List<SysRegDef> list, string name, int crn, int crm, int op2, IccRegister register,
        bool readable = true, bool writable = true) =>
        list.Add(R(name, 3, 0, crn, crm, op2, readable: readable, writable: writable,
            read: c => c.GicCpuInterface!.ReadIcc(register),
            write: (c, v) => c.GicCpuInterface!.WriteIcc(register, v),
            trap: (c, _) => c.GicCpuInterface is { SystemRegisterInterface: true } ? SysRegTrap.None : SysRegTrap.Undefined));
}
