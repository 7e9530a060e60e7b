using System.Numerics;
using System.Runtime.Intrinsics;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>AdvSIMD copy, permute, extract and table lookup (Arm ARM C4.1.71).</summary>
public static partial class A64Exec
{
    /// <summary>log2 of the element size encoded by imm5 (lowest set bit); 4 when imm5&lt;3:0&gt; = 0 (reserved).</summary>
    private static int Imm5Size(uint raw) => BitOperations.TrailingZeroCount(((raw >> 16) & 0xF) | 0x10);

    public static bool InsValid(uint raw) => Imm5Size(raw) < 4;
    public static bool DupValid(uint raw) { int s = Imm5Size(raw); return s < 3 || (s == 3 && ((raw >> 30) & 1) != 0); }
    public static bool SmovValid(uint raw) { int s = Imm5Size(raw); return ((raw >> 30) & 1) != 0 ? s < 3 : s < 2; }
    public static bool UmovValid(uint raw) { int s = Imm5Size(raw); return ((raw >> 30) & 1) != 0 ? s == 3 : s < 3; }
    public static bool ExtValid(uint raw) => ((raw >> 30) & 1) != 0 || ((raw >> 14) & 1) == 0;

    private static Vector128<byte> Broadcast(ulong x, int log2) => log2 switch
    {
        0 => Vector128.Create((byte)x),
        1 => Vector128.Create((ushort)x).AsByte(),
        2 => Vector128.Create((uint)x).AsByte(),
        _ => Vector128.Create(x).AsByte(),
    };

    /// <summary>DUP (element), C7.2.47.</summary>
    public static void DUP_elem(CpuCore cpu, ref DecodedInst d)
    {
        int s = Imm5Size(d.Raw);
        var n = cpu.Vr[d.Rn];
        WriteVec(cpu, ref d, Broadcast(Lanes.Get(ref n, (int)(d.Bits(20, 16) >> (s + 1)), s), s), s);
    }

    /// <summary>DUP (element), scalar form (MOV scalar), C7.2.47.</summary>
    public static void DUP_elem_s(CpuCore cpu, ref DecodedInst d)
    {
        int s = Imm5Size(d.Raw);
        var n = cpu.Vr[d.Rn];
        cpu.SetD(d.Rd, Lanes.Get(ref n, (int)(d.Bits(20, 16) >> (s + 1)), s));
    }

    /// <summary>DUP (general), C7.2.48.</summary>
    public static void DUP_gen(CpuCore cpu, ref DecodedInst d)
    {
        int s = Imm5Size(d.Raw);
        WriteVec(cpu, ref d, Broadcast(cpu.X(d.Rn), s), s);
    }

    /// <summary>INS (general), C7.2.134: one lane from Xn/Wn; the other lanes are kept.</summary>
    public static void INS_gen(CpuCore cpu, ref DecodedInst d)
    {
        int s = Imm5Size(d.Raw);
        var v = cpu.Vr[d.Rd];
        Lanes.Set(ref v, (int)(d.Bits(20, 16) >> (s + 1)), s, cpu.X(d.Rn));
        cpu.Vr[d.Rd] = v;
    }

    /// <summary>INS (element), C7.2.133.</summary>
    public static void INS_elem(CpuCore cpu, ref DecodedInst d)
    {
        int s = Imm5Size(d.Raw);
        var n = cpu.Vr[d.Rn];
        var v = cpu.Vr[d.Rd];
        Lanes.Set(ref v, (int)(d.Bits(20, 16) >> (s + 1)), s, Lanes.Get(ref n, (int)(d.Bits(14, 11) >> s), s));
        cpu.Vr[d.Rd] = v;
    }

    /// <summary>SMOV, C7.2.258: sign-extended lane to Wd (Q = 0) or Xd (Q = 1).</summary>
    public static void SMOV(CpuCore cpu, ref DecodedInst d)
    {
        int s = Imm5Size(d.Raw);
        var n = cpu.Vr[d.Rn];
        long x = Lanes.Sx(Lanes.Get(ref n, (int)(d.Bits(20, 16) >> (s + 1)), s), s);
        if (d.Bit(30)) cpu.SetX(d.Rd, (ulong)x); else cpu.SetW(d.Rd, (uint)x);
    }

    /// <summary>UMOV (MOV to general), C7.2.364.</summary>
    public static void UMOV(CpuCore cpu, ref DecodedInst d)
    {
        int s = Imm5Size(d.Raw);
        var n = cpu.Vr[d.Rn];
        cpu.SetX(d.Rd, Lanes.Get(ref n, (int)(d.Bits(20, 16) >> (s + 1)), s));
    }

    /// <summary>UZP1/UZP2 (C7.2.378/379): even or odd elements of the concatenation Vm:Vn.</summary>
    internal static void Uzp(CpuCore cpu, ref DecodedInst d, int part)
    {
        int l = Size(ref d);
        int n = ElemCount(ref d, l), half = n >> 1;
        var a = cpu.Vr[d.Rn];
        var b = cpu.Vr[d.Rm];
        Vector128<byte> r = default;
        for (int i = 0; i < half; i++)
        {
            Lanes.Set(ref r, i, l, Lanes.Get(ref a, 2 * i + part, l));
            Lanes.Set(ref r, half + i, l, Lanes.Get(ref b, 2 * i + part, l));
        }
        cpu.Vr[d.Rd] = r;
    }

    /// <summary>TRN1/TRN2 (C7.2.374/375).</summary>
    internal static void Trn(CpuCore cpu, ref DecodedInst d, int part)
    {
        int l = Size(ref d);
        int n = ElemCount(ref d, l);
        var a = cpu.Vr[d.Rn];
        var b = cpu.Vr[d.Rm];
        Vector128<byte> r = default;
        for (int i = 0; i < n; i += 2)
        {
            Lanes.Set(ref r, i, l, Lanes.Get(ref a, i + part, l));
            Lanes.Set(ref r, i + 1, l, Lanes.Get(ref b, i + part, l));
        }
        cpu.Vr[d.Rd] = r;
    }

    /// <summary>ZIP1/ZIP2 (C7.2.396/397): interleave the lower or upper halves.</summary>
    internal static void Zip(CpuCore cpu, ref DecodedInst d, int part)
    {
        int l = Size(ref d);
        int n = ElemCount(ref d, l), half = n >> 1;
        int off = part * half;
        var a = cpu.Vr[d.Rn];
        var b = cpu.Vr[d.Rm];
        Vector128<byte> r = default;
        for (int i = 0; i < half; i++)
        {
            Lanes.Set(ref r, 2 * i, l, Lanes.Get(ref a, off + i, l));
            Lanes.Set(ref r, 2 * i + 1, l, Lanes.Get(ref b, off + i, l));
        }
        cpu.Vr[d.Rd] = r;
    }


    /// <summary>EXT, C7.2.69: bytes imm4.. of Vm:Vn (datasize 64 or 128).</summary>
    public static void EXT(CpuCore cpu, ref DecodedInst d)
    {
        int pos = (int)d.Bits(14, 11);
        int bytes = d.Bit(30) ? 16 : 8;
        var a = cpu.Vr[d.Rn];
        var b = cpu.Vr[d.Rm];
        Vector128<byte> r = default;
        for (int i = 0; i < bytes; i++)
        {
            int j = pos + i;
            Lanes.Set(ref r, i, 0, j < bytes ? Lanes.Get(ref a, j, 0) : Lanes.Get(ref b, j - bytes, 0));
        }
        cpu.Vr[d.Rd] = r;
    }

    /// <summary>TBL/TBX, C7.2.372/373: table of len+1 consecutive registers (mod 32) from Vn; out-of-range indices
    /// give 0 (TBL) or keep the destination byte (TBX).</summary>
    internal static void TableLookup(CpuCore cpu, ref DecodedInst d, bool extension)
    {
        int regs = (int)d.Bits(14, 13) + 1;
        int bytes = d.Bit(30) ? 16 : 8;
        Vec4 table = default;
        for (int i = 0; i < regs; i++) table[i] = cpu.Vr[(d.Rn + i) & 31];
        var idx = cpu.Vr[d.Rm];
        var r = extension ? cpu.Vr[d.Rd] : default;
        int limit = regs * 16;
        for (int i = 0; i < bytes; i++)
        {
            int k = (int)Lanes.Get(ref idx, i, 0);
            if (k < limit) Lanes.Set(ref r, i, 0, Lanes.Get(ref table[k >> 4], k & 15, 0));
        }
        cpu.Vr[d.Rd] = Lanes.Narrow(r, d.Bit(30));
    }

}
