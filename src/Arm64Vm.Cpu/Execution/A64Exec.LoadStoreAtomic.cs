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










    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Atomic(CpuCore cpu, ref DecodedInst d, AtomicOp op)
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









    internal static void CompareAndSwap(CpuCore cpu, ref DecodedInst d)
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

    internal static void CompareAndSwapPair(CpuCore cpu, ref DecodedInst d)
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
