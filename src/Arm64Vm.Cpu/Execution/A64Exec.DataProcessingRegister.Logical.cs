using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>Logical (shifted register), Arm ARM C4.1.67: all registers ZR-capable, all four shift types.</summary>
public static partial class A64Exec
{
    /// <summary>AND (shifted register), 32-bit, C6.2 AND (shifted register).</summary>
    public static void AND_sreg_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, cpu.W(d.Rn) & ShiftedRm32(cpu, d.Raw));

    /// <summary>AND (shifted register), 64-bit.</summary>
    public static void AND_sreg_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, cpu.X(d.Rn) & ShiftedRm64(cpu, d.Raw));

    /// <summary>BIC (shifted register), 32-bit, C6.2 BIC (shifted register).</summary>
    public static void BIC_sreg_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, cpu.W(d.Rn) & ~ShiftedRm32(cpu, d.Raw));

    /// <summary>BIC (shifted register), 64-bit.</summary>
    public static void BIC_sreg_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, cpu.X(d.Rn) & ~ShiftedRm64(cpu, d.Raw));

    /// <summary>ORR (shifted register), 32-bit, C6.2 ORR (shifted register) (MOV register alias).</summary>
    public static void ORR_sreg_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, cpu.W(d.Rn) | ShiftedRm32(cpu, d.Raw));

    /// <summary>ORR (shifted register), 64-bit.</summary>
    public static void ORR_sreg_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, cpu.X(d.Rn) | ShiftedRm64(cpu, d.Raw));

    /// <summary>ORN (shifted register), 32-bit, C6.2 ORN (shifted register) (MVN alias).</summary>
    public static void ORN_sreg_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, cpu.W(d.Rn) | ~ShiftedRm32(cpu, d.Raw));

    /// <summary>ORN (shifted register), 64-bit.</summary>
    public static void ORN_sreg_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, cpu.X(d.Rn) | ~ShiftedRm64(cpu, d.Raw));

    /// <summary>EOR (shifted register), 32-bit, C6.2 EOR (shifted register).</summary>
    public static void EOR_sreg_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, cpu.W(d.Rn) ^ ShiftedRm32(cpu, d.Raw));

    /// <summary>EOR (shifted register), 64-bit.</summary>
    public static void EOR_sreg_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, cpu.X(d.Rn) ^ ShiftedRm64(cpu, d.Raw));

    /// <summary>EON (shifted register), 32-bit, C6.2 EON (shifted register).</summary>
    public static void EON_sreg_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, cpu.W(d.Rn) ^ ~ShiftedRm32(cpu, d.Raw));

    /// <summary>EON (shifted register), 64-bit.</summary>
    public static void EON_sreg_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, cpu.X(d.Rn) ^ ~ShiftedRm64(cpu, d.Raw));

    /// <summary>ANDS (shifted register), 32-bit, C6.2 ANDS (shifted register) (TST alias).</summary>
    public static void ANDS_sreg_w(CpuCore cpu, ref DecodedInst d)
    {
        uint r = cpu.W(d.Rn) & ShiftedRm32(cpu, d.Raw);
        cpu.Nzcv = LogicFlags32(r);
        cpu.SetW(d.Rd, r);
    }

    /// <summary>ANDS (shifted register), 64-bit.</summary>
    public static void ANDS_sreg_x(CpuCore cpu, ref DecodedInst d)
    {
        ulong r = cpu.X(d.Rn) & ShiftedRm64(cpu, d.Raw);
        cpu.Nzcv = LogicFlags64(r);
        cpu.SetX(d.Rd, r);
    }

    /// <summary>BICS (shifted register), 32-bit, C6.2 BICS (shifted register).</summary>
    public static void BICS_sreg_w(CpuCore cpu, ref DecodedInst d)
    {
        uint r = cpu.W(d.Rn) & ~ShiftedRm32(cpu, d.Raw);
        cpu.Nzcv = LogicFlags32(r);
        cpu.SetW(d.Rd, r);
    }

    /// <summary>BICS (shifted register), 64-bit.</summary>
    public static void BICS_sreg_x(CpuCore cpu, ref DecodedInst d)
    {
        ulong r = cpu.X(d.Rn) & ~ShiftedRm64(cpu, d.Raw);
        cpu.Nzcv = LogicFlags64(r);
        cpu.SetX(d.Rd, r);
    }
}
