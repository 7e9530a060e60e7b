using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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

    /// <summary>log2 of the element size of an imm5 field: its lowest set bit (the rows validate it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Imm5Log2(uint imm5) => BitOperations.TrailingZeroCount(imm5 | 0x10);

    /// <summary>The element index of an imm5 field: the bits above its lowest set bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Imm5Index(uint imm5, int log2) => (int)(imm5 >> (log2 + 1));

    /// <summary>DUP (element), C7.2.47; the scalar form (DUP_elem_s, MOV scalar) passes scalar=true.</summary>
    public static void DUP_elem(CpuCore cpu, int rd, int rn, uint imm5, bool q = false, bool scalar = false)
    {
        int s = Imm5Log2(imm5);
        var n = cpu.Vr[rn];
        ulong x = Lanes.Get(ref n, Imm5Index(imm5, s), s);
        if (scalar) cpu.SetD(rd, x);
        else WriteVec(cpu, rd, Broadcast(x, s), s, q);
    }

    /// <summary>DUP (general), C7.2.48.</summary>
    public static void DUP_gen(CpuCore cpu, int rd, int rn, uint imm5, bool q)
    {
        int s = Imm5Log2(imm5);
        WriteVec(cpu, rd, Broadcast(cpu.X(rn), s), s, q);
    }

    /// <summary>INS (general), C7.2.134: one lane from Xn/Wn; the other lanes are kept.</summary>
    public static void INS_gen(CpuCore cpu, int rd, int rn, uint imm5)
    {
        int s = Imm5Log2(imm5);
        var v = cpu.Vr[rd];
        Lanes.Set(ref v, Imm5Index(imm5, s), s, cpu.X(rn));
        cpu.Vr[rd] = v;
    }

    /// <summary>INS (element), C7.2.133: the source index is imm4 &gt;&gt; size.</summary>
    public static void INS_elem(CpuCore cpu, int rd, int rn, uint imm5, uint imm4)
    {
        int s = Imm5Log2(imm5);
        var n = cpu.Vr[rn];
        var v = cpu.Vr[rd];
        Lanes.Set(ref v, Imm5Index(imm5, s), s, Lanes.Get(ref n, (int)(imm4 >> s), s));
        cpu.Vr[rd] = v;
    }

    /// <summary>SMOV, C7.2.258: sign-extended lane to Wd (Q = 0) or Xd (Q = 1).</summary>
    public static void SMOV(CpuCore cpu, int rd, int rn, uint imm5, bool q)
    {
        int s = Imm5Log2(imm5);
        var n = cpu.Vr[rn];
        long x = Lanes.Sx(Lanes.Get(ref n, Imm5Index(imm5, s), s), s);
        if (q) cpu.SetX(rd, (ulong)x); else cpu.SetW(rd, (uint)x);
    }

    /// <summary>UMOV (MOV to general), C7.2.364.</summary>
    public static void UMOV(CpuCore cpu, int rd, int rn, uint imm5)
    {
        int s = Imm5Log2(imm5);
        var n = cpu.Vr[rn];
        cpu.SetX(rd, Lanes.Get(ref n, Imm5Index(imm5, s), s));
    }

    /// <summary>UZP1/UZP2 (C7.2.378/379): even or odd elements of the concatenation Vm:Vn.</summary>
    internal static void Uzp(CpuCore cpu, int rd, int rn, int rm, int size, bool q, int part)
    {
        int l = size;
        int n = ElemCount(q, false, l), half = n >> 1;
        var a = cpu.Vr[rn];
        var b = cpu.Vr[rm];
        Vector128<byte> r = default;
        for (int i = 0; i < half; i++)
        {
            Lanes.Set(ref r, i, l, Lanes.Get(ref a, 2 * i + part, l));
            Lanes.Set(ref r, half + i, l, Lanes.Get(ref b, 2 * i + part, l));
        }
        cpu.Vr[rd] = r;
    }

    /// <summary>TRN1/TRN2 (C7.2.374/375).</summary>
    internal static void Trn(CpuCore cpu, int rd, int rn, int rm, int size, bool q, int part)
    {
        int l = size;
        int n = ElemCount(q, false, l);
        var a = cpu.Vr[rn];
        var b = cpu.Vr[rm];
        Vector128<byte> r = default;
        for (int i = 0; i < n; i += 2)
        {
            Lanes.Set(ref r, i, l, Lanes.Get(ref a, i + part, l));
            Lanes.Set(ref r, i + 1, l, Lanes.Get(ref b, i + part, l));
        }
        cpu.Vr[rd] = r;
    }

    /// <summary>ZIP1/ZIP2 (C7.2.396/397): interleave the lower or upper halves.</summary>
    internal static void Zip(CpuCore cpu, int rd, int rn, int rm, int size, bool q, int part)
    {
        int l = size;
        int n = ElemCount(q, false, l), half = n >> 1;
        int off = part * half;
        var a = cpu.Vr[rn];
        var b = cpu.Vr[rm];
        Vector128<byte> r = default;
        for (int i = 0; i < half; i++)
        {
            Lanes.Set(ref r, 2 * i, l, Lanes.Get(ref a, off + i, l));
            Lanes.Set(ref r, 2 * i + 1, l, Lanes.Get(ref b, off + i, l));
        }
        cpu.Vr[rd] = r;
    }


    /// <summary>EXT, C7.2.69: bytes imm4.. of Vm:Vn (datasize 64 or 128).</summary>
    public static void EXT(CpuCore cpu, int rd, int rn, int rm, int imm4, bool q)
    {
        int pos = imm4;
        int bytes = q ? 16 : 8;
        var a = cpu.Vr[rn];
        var b = cpu.Vr[rm];
        Vector128<byte> r = default;
        for (int i = 0; i < bytes; i++)
        {
            int j = pos + i;
            Lanes.Set(ref r, i, 0, j < bytes ? Lanes.Get(ref a, j, 0) : Lanes.Get(ref b, j - bytes, 0));
        }
        cpu.Vr[rd] = r;
    }

    /// <summary>TBL/TBX, C7.2.372/373: table of len+1 consecutive registers (mod 32) from Vn; out-of-range indices
    /// give 0 (TBL) or keep the destination byte (TBX).</summary>
    internal static void TableLookup(CpuCore cpu, int rd, int rn, int rm, int len, bool q, bool extension)
    {
        int regs = len + 1;
        int bytes = q ? 16 : 8;
        Vec4 table = default;
        for (int i = 0; i < regs; i++) table[i] = cpu.Vr[(rn + i) & 31];
        var idx = cpu.Vr[rm];
        var r = extension ? cpu.Vr[rd] : default;
        int limit = regs * 16;
        for (int i = 0; i < bytes; i++)
        {
            int k = (int)Lanes.Get(ref idx, i, 0);
            if (k < limit) Lanes.Set(ref r, i, 0, Lanes.Get(ref table[k >> 4], k & 15, 0));
        }
        cpu.Vr[rd] = Lanes.Narrow(r, q);
    }

}
