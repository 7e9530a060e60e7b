using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Exception generation and system instructions (Arm ARM C4.1.65.3-8): SVC/HVC/SMC/BRK/HLT, hints, barriers,
/// PSTATE writes, SYS/SYSL and MRS/MSR through the declarative system-register table.
/// </summary>
public static partial class A64Exec
{
    /// <summary>Immediate of HLT that requests a semihosting call (Arm semihosting spec, A64).</summary>
    public const uint SemihostingHltImmediate = 0xF000;

    private static uint Imm16(uint raw) => (raw >> 5) & 0xFFFF;

    /// <summary>SVC (C6.2.365): supervisor call to EL1, EC 0x15, preferred return = next instruction.</summary>
    public static void SVC(CpuCore cpu, ref DecodedInst d) => cpu.TakeException(ExceptionClass.Svc64, Imm16(d.Raw));

    /// <summary>HVC (C6.2.117): UNDEFINED at EL0 or when HCR_EL2.HCD is 1; otherwise to EL2 (the host).</summary>
    public static void HVC(CpuCore cpu, ref DecodedInst d)
    {
        if (cpu.El == 0 || (cpu.HcrEl2 & Hcr.HCD) != 0) { cpu.TakeUndefined(); return; }
        cpu.ExitToEl2(ExitReason.Hypercall, ExceptionClass.Hvc64, Imm16(d.Raw));
    }

    /// <summary>
    /// SMC (C6.2.278): UNDEFINED at EL0. At EL1, trapped to EL2 when HCR_EL2.TSC is 1 (preferred return = the SMC
    /// itself); otherwise UNDEFINED, because EL3 is not implemented.
    /// </summary>
    public static void SMC(CpuCore cpu, ref DecodedInst d)
    {
        if (cpu.El == 0 || (cpu.HcrEl2 & Hcr.TSC) == 0) { cpu.TakeUndefined(); return; }
        cpu.NextPc = cpu.Pc;
        cpu.ExitToEl2(ExitReason.SecureMonitorCall, ExceptionClass.Smc64, Imm16(d.Raw));
    }

    /// <summary>BRK (C6.2.36): breakpoint instruction exception to EL1, EC 0x3C, preferred return = the BRK.</summary>
    public static void BRK(CpuCore cpu, ref DecodedInst d)
    {
        cpu.NextPc = cpu.Pc;
        cpu.TakeException(ExceptionClass.Brk64, Imm16(d.Raw));
    }

    /// <summary>
    /// HLT (C6.2.114): with halting disabled it is UNDEFINED. HLT #0xF000 at EL1 is the semihosting trap when
    /// semihosting is enabled: the host performs the call, puts the result in X0 and resumes after the HLT.
    /// </summary>
    public static void HLT(CpuCore cpu, ref DecodedInst d)
    {
        if (cpu.Features.Semihosting && cpu.El == 1 && Imm16(d.Raw) == SemihostingHltImmediate)
        {
            cpu.ExitToHost(new CpuExit { Reason = ExitReason.Semihosting, Esr = d.Raw });
            return;
        }
        cpu.TakeUndefined();
    }

    public static bool DcpsValid(uint raw) => (raw & 3) != 0;

    /// <summary>DCPS1-3 (C6.2.88): UNDEFINED when not in Debug state.</summary>
    public static void DCPS(CpuCore cpu, ref DecodedInst d) => cpu.TakeUndefined();

    /// <summary>
    /// HINT space (C6.2.113): NOP, YIELD, WFE, WFI, SEV, SEVL; every other hint executes as a NOP, as the
    /// architecture requires for unimplemented hints (PAC, BTI, ESB...).
    /// </summary>
    /// <summary>
    /// CPU-RUN-6, validator of HINT_nop: every hint but WFE, WFI, SEV and SEVL (CRm = 0, op2 = 2..5) has no effect on this
    /// PE (Arm ARM C6.2.116 HINT: an unallocated or unimplemented hint executes as a NOP; FEAT_BTI and FEAT_PAuth are not
    /// implemented, see ID_AA64PFR1_EL1 and ID_AA64ISAR1_EL1).
    /// </summary>
    public static bool HintHasNoEffect(uint crm, uint op2) => crm != 0 || op2 < 2 || op2 > 5;

    /// <summary>A hint with no effect (CPU-RUN-6): nothing to do.</summary>
    public static void HintNop(CpuCore cpu, ref DecodedInst d) { }

    public static void HINT(CpuCore cpu, ref DecodedInst d)
    {
        switch ((d.Raw >> 5) & 0x7F)
        {
            case 2: cpu.ExecuteWaitForEvent(); break;
            case 3: cpu.ExecuteWaitForInterrupt(); break;
            case 4: cpu.System.SendEvent(); break;
            case 5: cpu.EventRegister = true; break;
        }
    }

    /// <summary>CLREX (C6.2.59): clears the local exclusive monitor.</summary>
    public static void CLREX(CpuCore cpu, ref DecodedInst d) => cpu.ClearExclusive();

    /// <summary>DSB (C6.2.94). The interpreter performs accesses in program order, so this is an ordering point only.</summary>
    public static void DSB(CpuCore cpu, ref DecodedInst d) => cpu.Barrier(BarrierKind.Dsb);

    /// <summary>DMB (C6.2.92): an ordering point.</summary>
    public static void DMB(CpuCore cpu, ref DecodedInst d) => cpu.Barrier(BarrierKind.Dmb);

    /// <summary>ISB (C6.2.121): context synchronization; later fetches see every completed context change.</summary>
    public static void ISB(CpuCore cpu, ref DecodedInst d) => cpu.Barrier(BarrierKind.Isb);

    /// <summary>PSTATE fields writable by MSR (immediate) on this PE (C6.2.230): SPSel, DAIFSet, DAIFClr.</summary>
    public static bool MsrImmValid(uint raw)
    {
        uint op1 = (raw >> 16) & 7, op2 = (raw >> 5) & 7;
        return (op1 == 0 && op2 == 5) || (op1 == 3 && (op2 == 6 || op2 == 7));
    }

    /// <summary>MSR (immediate) (C6.2.230).</summary>
    public static void MSR_imm(CpuCore cpu, ref DecodedInst d)
    {
        uint op1 = (d.Raw >> 16) & 7, op2 = (d.Raw >> 5) & 7, crm = (d.Raw >> 8) & 0xF;
        if (op1 == 0)
        {
            // SPSel: UNDEFINED at EL0 (op1 = 0 is an EL1 field).
            if (cpu.El == 0) { cpu.TakeUndefined(); return; }
            cpu.SpSel = (int)(crm & 1);
            return;
        }
        // DAIFSet/DAIFClr at EL0 need SCTLR_EL1.UMA, else they trap to EL1 with EC 0x18.
        if (cpu.El == 0 && (cpu.SysRegs.SctlrEl1 & (1UL << 9)) == 0)
        {
            cpu.NextPc = cpu.Pc;
            cpu.TakeException(ExceptionClass.SysReg64, SysRegIss(0, op1, 4, crm, op2, 31, read: false));
            return;
        }
        uint bits = (crm & 0xF) << 6;
        cpu.SetDaif(op2 == 6 ? cpu.Daif | bits : cpu.Daif & ~bits);
    }

    /// <summary>ISS of a trapped MSR/MRS/SYS (EC 0x18): Op0, Op2, Op1, CRn, Rt, CRm, Direction (Arm ARM D24.2.40).</summary>
    public static uint SysRegIss(uint op0, uint op1, uint crn, uint crm, uint op2, int rt, bool read) =>
        (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | ((uint)rt << 5) | (crm << 1) | (read ? 1u : 0u);

    private static uint SysRegIssOf(uint raw, bool read) =>
        SysRegIss((raw >> 19) & 3, (raw >> 16) & 7, (raw >> 12) & 0xF, (raw >> 8) & 0xF, (raw >> 5) & 7, (int)(raw & 31), read);

    /// <summary>Applies a trap decision; true when the access must not be performed.</summary>
    private static bool ApplyTrap(CpuCore cpu, SysRegTrap trap, uint raw, bool read)
    {
        switch (trap)
        {
            case SysRegTrap.None:
                return false;
            case SysRegTrap.Undefined:
                cpu.TakeUndefined();
                return true;
            case SysRegTrap.TrapToEl1:
                cpu.NextPc = cpu.Pc;
                cpu.TakeException(ExceptionClass.SysReg64, SysRegIssOf(raw, read));
                return true;
            case SysRegTrap.FpToEl1:
                cpu.NextPc = cpu.Pc;
                cpu.TakeException(ExceptionClass.FpAccess, 0);
                return true;
            default:
                cpu.NextPc = cpu.Pc;
                cpu.ExitToEl2(ExitReason.TrapToEl2, ExceptionClass.SysReg64, SysRegIssOf(raw, read));
                return true;
        }
    }

    /// <summary>MRS (C6.2.228).</summary>
    public static void MRS(CpuCore cpu, ref DecodedInst d)
    {
        var def = SystemRegisterTable.ByKey((int)((d.Raw >> 5) & 0xFFFF));
        if (def == null || def.Kind != SysRegKind.Register) { cpu.TakeUndefined(); return; }
        if (ApplyTrap(cpu, cpu.SysRegs.CheckAccess(def, read: true), d.Raw, read: true)) return;
        cpu.SetX(d.Rt, cpu.SysRegs.Read(def));
    }

    /// <summary>MSR (register) (C6.2.231).</summary>
    public static void MSR_reg(CpuCore cpu, ref DecodedInst d)
    {
        var def = SystemRegisterTable.ByKey((int)((d.Raw >> 5) & 0xFFFF));
        if (def == null || def.Kind != SysRegKind.Register) { cpu.TakeUndefined(); return; }
        if (ApplyTrap(cpu, cpu.SysRegs.CheckAccess(def, read: false), d.Raw, read: false)) return;
        cpu.SysRegs.Write(def, cpu.X(d.Rt));
    }

    /// <summary>SYS (C6.2.372): DC, IC, TLBI, AT... from the system-register table; unknown ones are UNDEFINED.</summary>
    public static void SYS(CpuCore cpu, ref DecodedInst d)
    {
        var def = SystemRegisterTable.ByKey((int)((d.Raw >> 5) & 0xFFFF));
        if (def == null || def.Kind != SysRegKind.Instruction || def.Execute == null) { cpu.TakeUndefined(); return; }
        if (ApplyTrap(cpu, cpu.SysRegs.CheckAccess(def, read: false), d.Raw, read: false)) return;
        def.Execute(cpu, cpu.X(d.Rt));
    }

    /// <summary>SYSL (C6.2.373): no SYSL operation is implemented, so every one is UNDEFINED.</summary>
    public static void SYSL(CpuCore cpu, ref DecodedInst d) => cpu.TakeUndefined();
}
