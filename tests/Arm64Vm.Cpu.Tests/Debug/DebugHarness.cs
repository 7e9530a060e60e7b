namespace Arm64Vm.Cpu.Tests.Debug;

/// <summary>
/// A <see cref="CpuHarness"/> for the debug rules (specs/debug.md): the synchronous vectors (current EL with SP_ELx
/// and lower EL) save ESR/ELR/FAR/SPSR in X20-X23 and stop the run with the semihosting HLT, so the first exception's
/// syndrome is what the test sees. The OS lock is cleared, MDSCR_EL1.MDE/KDE set and PSTATE.D clear unless a test
/// says otherwise.
/// </summary>
internal static class DebugHarness
{
    public const uint AddX0 = 0x91000400;           // add x0, x0, #1
    public const uint Nop = 0xD503201F;
    public const uint Eret = 0xD69F03E0;
    public const uint Svc0 = 0xD4000001;
    public const uint Hlt = 0xD45E0000;             // hlt #0xF000: semihosting, ends Run
    public const uint StrX1X2 = 0xF9000041;         // str x1, [x2]
    public const uint LdrX3X2 = 0xF9400043;         // ldr x3, [x2]
    public const uint StrbW1X2 = 0x39000041;        // strb w1, [x2]
    public const uint LdtrX3X2 = 0xF8400843;        // ldtr x3, [x2]
    public const ulong Mde = 1UL << 15, Kde = 1UL << 13, Ss = 1;

    public static uint Mrs(int op0, int op1, int crn, int crm, int op2, int rt) =>
        0xD5300000u | (uint)((op0 - 2) << 19) | (uint)(op1 << 16) | (uint)(crn << 12) | (uint)(crm << 8) | (uint)(op2 << 5) | (uint)rt;

    public static uint Msr(int op0, int op1, int crn, int crm, int op2, int rt) => Mrs(op0, op1, crn, crm, op2, rt) & ~(1u << 21);

    /// <summary>The vector body: saves the syndrome registers, then stops.</summary>
    public static readonly uint[] SaveAndStop =
    {
        Mrs(3, 0, 5, 2, 0, 20),   // esr_el1
        Mrs(3, 0, 4, 0, 1, 21),   // elr_el1
        Mrs(3, 0, 6, 0, 0, 22),   // far_el1
        Mrs(3, 0, 4, 0, 0, 23),   // spsr_el1
        Hlt,
    };

    public static CpuHarness Create(ulong mdscr = Mde | Kde, bool osLock = false, bool debugMasked = false)
    {
        var h = new CpuHarness();
        h.Load(CpuHarness.VectorBase + 0x200, SaveAndStop);
        h.Load(CpuHarness.VectorBase + 0x400, SaveAndStop);
        h.Cpu.SysRegs.Set("OSLSR_EL1", osLock ? 0b1010UL : 0b1000UL);
        h.Cpu.SysRegs.Set("MDSCR_EL1", mdscr);
        h.Cpu.Daif = debugMasked ? 0x3C0u : 0x1C0u;
        return h;
    }

    /// <summary>Loads <paramref name="program"/> at CodeBase followed by the stop HLT and runs it in blocks.</summary>
    public static CpuExit RunProgram(this CpuHarness h, params uint[] program)
    {
        h.Load(CpuHarness.CodeBase, program.Append(Hlt).ToArray());
        h.Cpu.Pc = CpuHarness.CodeBase;
        return h.Cpu.Run(10_000);
    }

    /// <summary>
    /// Starts <paramref name="el0Program"/> (at CodeBase + 0x1000, then the stop HLT, UNDEFINED at EL0: an exception)
    /// at EL0 through an ERET from EL1 with SPSR_EL1 = <paramref name="spsr"/>.
    /// </summary>
    public static CpuExit RunAtEl0(this CpuHarness h, ulong spsr, params uint[] el0Program)
    {
        h.Load(CpuHarness.CodeBase + 0x1000, el0Program.Append(Hlt).ToArray());
        h.Cpu.SysRegs.ElrEl1 = CpuHarness.CodeBase + 0x1000;
        h.Cpu.SysRegs.SpsrEl1 = spsr;
        return h.RunProgram(Eret);
    }

    public static uint Ec(ulong esr) => (uint)(esr >> 26) & 0x3F;
    public static uint Iss(ulong esr) => (uint)esr & 0x1FF_FFFF;

    /// <summary>DBGBCR: E, PMC, BAS (bits [8:5]), BT.</summary>
    public static ulong Bcr(int pmc = 0b11, int bas = 0b1111, int bt = 0, int lbn = 0) =>
        1UL | (ulong)pmc << 1 | (ulong)bas << 5 | (ulong)lbn << 16 | (ulong)bt << 20;

    /// <summary>DBGWCR: E, PAC, LSC, BAS (bits [12:5]), MASK.</summary>
    public static ulong Wcr(int lsc, int bas = 0xFF, int pac = 0b11, int mask = 0) =>
        1UL | (ulong)pac << 1 | (ulong)lsc << 3 | (ulong)bas << 5 | (ulong)mask << 24;
}
