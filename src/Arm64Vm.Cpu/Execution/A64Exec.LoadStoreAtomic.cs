using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>The operation of an LSE atomic memory instruction (opc field, o3 = 0; SWP is o3 = 1, opc = 000).</summary>
internal enum AtomicOp : byte { Add, Clr, Eor, Set, Smax, Smin, Umax, Umin, Swp }

/// <summary>
/// FEAT_LSE (Arm ARM C4.1.68): atomic memory operations LDADD..LDUMIN and SWP (every size and A/R ordering; the
/// ST&lt;op&gt; aliases are Rt = 31), CAS and CASP. UNDEFINED when <see cref="CpuFeatures.Lse"/> is false.
/// Each instruction translates once (alignment, read and write permission checked before any access), then reads
/// and writes that physical address; the write tells the global exclusive monitor.
/// </summary>
public static partial class A64Exec
{
    /// <summary>CASP: Rs and Rt must be even (Arm ARM C6.2: an odd register number is UNDEFINED).</summary>
    public static bool CaspValid(uint raw) => (raw & 1) == 0 && ((raw >> 16) & 1) == 0;

    /// <summary>LDADD, LDADDA, LDADDAL, LDADDL (+B/H, STADD aliases) (Arm ARM C6.2).</summary>
    public static void LDADD(CpuCore cpu, ref DecodedInst d) => Atomic(cpu, ref d, AtomicOp.Add);

    /// <summary>LDCLR* (Arm ARM C6.2): memory AND NOT Rs.</summary>
    public static void LDCLR(CpuCore cpu, ref DecodedInst d) => Atomic(cpu, ref d, AtomicOp.Clr);

    /// <summary>LDEOR* (Arm ARM C6.2).</summary>
    public static void LDEOR(CpuCore cpu, ref DecodedInst d) => Atomic(cpu, ref d, AtomicOp.Eor);

    /// <summary>LDSET* (Arm ARM C6.2).</summary>
    public static void LDSET(CpuCore cpu, ref DecodedInst d) => Atomic(cpu, ref d, AtomicOp.Set);

    /// <summary>LDSMAX* (Arm ARM C6.2): signed maximum at the access size.</summary>
    public static void LDSMAX(CpuCore cpu, ref DecodedInst d) => Atomic(cpu, ref d, AtomicOp.Smax);

    /// <summary>LDSMIN* (Arm ARM C6.2): signed minimum at the access size.</summary>
    public static void LDSMIN(CpuCore cpu, ref DecodedInst d) => Atomic(cpu, ref d, AtomicOp.Smin);

    /// <summary>LDUMAX* (Arm ARM C6.2): unsigned maximum.</summary>
    public static void LDUMAX(CpuCore cpu, ref DecodedInst d) => Atomic(cpu, ref d, AtomicOp.Umax);

    /// <summary>LDUMIN* (Arm ARM C6.2): unsigned minimum.</summary>
    public static void LDUMIN(CpuCore cpu, ref DecodedInst d) => Atomic(cpu, ref d, AtomicOp.Umin);

    /// <summary>SWP, SWPA, SWPAL, SWPL (+B/H) (Arm ARM C6.2).</summary>
    public static void SWP(CpuCore cpu, ref DecodedInst d) => Atomic(cpu, ref d, AtomicOp.Swp);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Atomic(CpuCore cpu, ref DecodedInst d, AtomicOp op)
    {
        if (!cpu.Features.Lse) { cpu.TakeUndefined(); return; }
        int sizeLog = (int)(d.Raw >> 30);
        int size = 1 << sizeLog, bits = 8 << sizeLog;
        ulong mask = ulong.MaxValue >> (64 - bits);
        ulong address = BaseAddress(cpu, d.Rn);
        ulong operand = cpu.X(d.Rs) & mask;
        ulong pa = cpu.TranslateAtomic(address, size, out var attributes);
        ulong old = cpu.ReadPhysical(address, pa, size, attributes);
        ulong result = op switch
        {
            AtomicOp.Add => old + operand,
            AtomicOp.Clr => old & ~operand,
            AtomicOp.Eor => old ^ operand,
            AtomicOp.Set => old | operand,
            AtomicOp.Smax => SignExtend(old, bits) >= SignExtend(operand, bits) ? old : operand,
            AtomicOp.Smin => SignExtend(old, bits) <= SignExtend(operand, bits) ? old : operand,
            AtomicOp.Umax => old >= operand ? old : operand,
            AtomicOp.Umin => old <= operand ? old : operand,
            _ => operand,
        };
        cpu.WritePhysical(address, pa, size, result & mask, attributes);
        cpu.SetX(d.Rt, old);   // zero-extended old value; Rt = 31 (ST<op>) discards it
    }

    /// <summary>CAS, CASA, CASL, CASAL (+B/H) (Arm ARM C6.2): compare Rs with memory, store Rt if equal; Rs = old value.</summary>
    public static void CAS(CpuCore cpu, ref DecodedInst d) => CompareAndSwap(cpu, ref d);

    /// <summary>CASL (Arm ARM C6.2).</summary>
    public static void CASL(CpuCore cpu, ref DecodedInst d) => CompareAndSwap(cpu, ref d);

    /// <summary>CASA (Arm ARM C6.2).</summary>
    public static void CASA(CpuCore cpu, ref DecodedInst d) => CompareAndSwap(cpu, ref d);

    /// <summary>CASAL (Arm ARM C6.2).</summary>
    public static void CASAL(CpuCore cpu, ref DecodedInst d) => CompareAndSwap(cpu, ref d);

    /// <summary>CASP (Arm ARM C6.2): compare and swap a pair of W or X registers.</summary>
    public static void CASP(CpuCore cpu, ref DecodedInst d) => CompareAndSwapPair(cpu, ref d);

    /// <summary>CASPL (Arm ARM C6.2).</summary>
    public static void CASPL(CpuCore cpu, ref DecodedInst d) => CompareAndSwapPair(cpu, ref d);

    /// <summary>CASPA (Arm ARM C6.2).</summary>
    public static void CASPA(CpuCore cpu, ref DecodedInst d) => CompareAndSwapPair(cpu, ref d);

    /// <summary>CASPAL (Arm ARM C6.2).</summary>
    public static void CASPAL(CpuCore cpu, ref DecodedInst d) => CompareAndSwapPair(cpu, ref d);

    private static void CompareAndSwap(CpuCore cpu, ref DecodedInst d)
    {
        if (!cpu.Features.Lse) { cpu.TakeUndefined(); return; }
        int sizeLog = (int)(d.Raw >> 30);
        int size = 1 << sizeLog;
        ulong mask = ulong.MaxValue >> (64 - (8 << sizeLog));
        ulong address = BaseAddress(cpu, d.Rn);
        ulong compare = cpu.X(d.Rs) & mask, swap = cpu.X(d.Rt) & mask;
        // Write permission is checked even when the comparison fails (the access is a read-modify-write).
        ulong pa = cpu.TranslateAtomic(address, size, out var attributes);
        ulong old = cpu.ReadPhysical(address, pa, size, attributes);
        if (old == compare) cpu.WritePhysical(address, pa, size, swap, attributes);
        cpu.SetX(d.Rs, old);
    }

    private static void CompareAndSwapPair(CpuCore cpu, ref DecodedInst d)
    {
        if (!cpu.Features.Lse) { cpu.TakeUndefined(); return; }
        bool x = ((d.Raw >> 30) & 1) != 0;
        int s = d.Rs, t = d.Rt;   // even; s + 1 / t + 1 may be 31 (XZR)
        ulong address = BaseAddress(cpu, d.Rn);
        if (!x)
        {
            ulong compare = (ulong)cpu.W(s) | (ulong)cpu.W(s + 1) << 32;
            ulong swap = (ulong)cpu.W(t) | (ulong)cpu.W(t + 1) << 32;
            ulong pa = cpu.TranslateAtomic(address, 8, out var attributes);
            ulong old = cpu.ReadPhysical(address, pa, 8, attributes);
            if (old == compare) cpu.WritePhysical(address, pa, 8, swap, attributes);
            cpu.SetW(s, (uint)old);
            cpu.SetW(s + 1, (uint)(old >> 32));
        }
        else
        {
            ulong c1 = cpu.X(s), c2 = cpu.X(s + 1), n1 = cpu.X(t), n2 = cpu.X(t + 1);
            ulong pa = cpu.TranslateAtomic(address, 16, out var attributes);
            ulong o1 = cpu.ReadPhysical(address, pa, 8, attributes);
            ulong o2 = cpu.ReadPhysical(address + 8, pa + 8, 8, attributes);
            if (o1 == c1 && o2 == c2)
            {
                cpu.WritePhysical(address, pa, 8, n1, attributes);
                cpu.WritePhysical(address + 8, pa + 8, 8, n2, attributes);
            }
            cpu.SetX(s, o1);
            cpu.SetX(s + 1, o2);
        }
    }
}
