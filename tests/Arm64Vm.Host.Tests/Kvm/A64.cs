namespace Arm64Vm.Host.Tests.Kvm;

/// <summary>A tiny A64 encoder for the host-layer tests' guest programs (encodings from the Arm ARM, section C6).</summary>
internal static class A64
{
    public const uint Nop = 0xD503201F, Isb = 0xD5033FDF, DsbSy = 0xD5033F9F;

    public static uint Movz(int rd, ushort imm, int shift = 0) => 0xD2800000u | ((uint)(shift / 16) << 21) | ((uint)imm << 5) | (uint)rd;
    public static uint Movk(int rd, ushort imm, int shift) => 0xF2800000u | ((uint)(shift / 16) << 21) | ((uint)imm << 5) | (uint)rd;

    /// <summary>MOVZ + 3 MOVK: any 64-bit constant.</summary>
    public static uint[] Mov(int rd, ulong value) => new[]
    {
        Movz(rd, (ushort)value), Movk(rd, (ushort)(value >> 16), 16), Movk(rd, (ushort)(value >> 32), 32), Movk(rd, (ushort)(value >> 48), 48),
    };

    public static uint StrX(int rt, int rn, uint offset = 0) => 0xF9000000u | ((offset / 8) << 10) | ((uint)rn << 5) | (uint)rt;
    public static uint LdrX(int rt, int rn, uint offset = 0) => 0xF9400000u | ((offset / 8) << 10) | ((uint)rn << 5) | (uint)rt;
    public static uint StrW(int rt, int rn, uint offset = 0) => 0xB9000000u | ((offset / 4) << 10) | ((uint)rn << 5) | (uint)rt;
    public static uint LdrW(int rt, int rn, uint offset = 0) => 0xB9400000u | ((offset / 4) << 10) | ((uint)rn << 5) | (uint)rt;
    public static uint StrB(int rt, int rn) => 0x39000000u | ((uint)rn << 5) | (uint)rt;
    public static uint LdrB(int rt, int rn) => 0x39400000u | ((uint)rn << 5) | (uint)rt;
    /// <summary>LDRSB Xt (sign-extends to 64 bits).</summary>
    public static uint LdrsbX(int rt, int rn) => 0x39800000u | ((uint)rn << 5) | (uint)rt;
    /// <summary>LDRSH Wt (sign-extends to 32 bits; the upper half of Xt is zero).</summary>
    public static uint LdrshW(int rt, int rn) => 0x79C00000u | ((uint)rn << 5) | (uint)rt;
    /// <summary>LDP Xt1, Xt2, [Xn] (no ISV syndrome on a stage-2 fault).</summary>
    public static uint LdpX(int rt1, int rt2, int rn) => 0xA9400000u | ((uint)rt2 << 10) | ((uint)rn << 5) | (uint)rt1;
    public static uint AddImm(int rd, int rn, uint imm) => 0x91000000u | (imm << 10) | ((uint)rn << 5) | (uint)rd;
    public static uint Hvc(ushort imm = 0) => 0xD4000002u | ((uint)imm << 5);
    public static uint B(int words) => 0x14000000u | ((uint)words & 0x3FFFFFF);
    public static uint Br(int rn) => 0xD61F0000u | ((uint)rn << 5);

    // System instructions: SYS/MSR/MRS base | op1 << 16 | CRn << 12 | CRm << 8 | op2 << 5 | Rt.
    private static uint Sys(uint baseWord, uint op1, uint crn, uint crm, uint op2, int rt) =>
        baseWord | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | (uint)rt;

    public static uint DcCivac(int rt) => Sys(0xD5080000, 3, 7, 14, 1, rt);
    public static uint DcIvac(int rt) => Sys(0xD5080000, 0, 7, 6, 1, rt);
    public static uint DcCisw(int rt) => Sys(0xD5080000, 0, 7, 14, 2, rt);
    public static uint IcIallu => Sys(0xD5080000, 0, 7, 5, 0, 31);

    // op0 = 3 registers: MSR base 0xD5180000, MRS base 0xD5380000.
    public static uint MsrSctlr(int rt) => Sys(0xD5180000, 0, 1, 0, 0, rt);
    public static uint MrsSctlr(int rt) => Sys(0xD5380000, 0, 1, 0, 0, rt);
    public static uint MsrTtbr0(int rt) => Sys(0xD5180000, 0, 2, 0, 0, rt);
    public static uint MsrTcr(int rt) => Sys(0xD5180000, 0, 2, 0, 2, rt);
    public static uint MsrMair(int rt) => Sys(0xD5180000, 0, 10, 2, 0, rt);
    public static uint MsrVbar(int rt) => Sys(0xD5180000, 0, 12, 0, 0, rt);
    public static uint MrsClidr(int rt) => Sys(0xD5380000, 1, 0, 0, 1, rt);
    public static uint MrsCcsidr(int rt) => Sys(0xD5380000, 1, 0, 0, 0, rt);
    public static uint MsrCsselr(int rt) => Sys(0xD5180000, 2, 0, 0, 0, rt);
    public static uint MrsCtr(int rt) => Sys(0xD5380000, 3, 0, 0, 1, rt);

    /// <summary>X0 = function; HVC #0 (a PSCI call).</summary>
    public static uint[] Psci(uint function) => Concat(Mov(0, function), new[] { Hvc() });

    public static uint[] SystemOff() => Psci(0x8400_0008);
    public static uint[] SystemReset() => Psci(0x8400_0009);

    public static uint[] Concat(params uint[][] parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] Bytes(uint[] words)
    {
        var b = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++) BitConverter.TryWriteBytes(b.AsSpan(i * 4), words[i]);
        return b;
    }
}
