using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// AdvSIMD load/store multiple structures (LD1-LD4/ST1-ST4) and single structure (lane and replicate forms),
/// with and without post-index (Arm ARM C4.1.66.1-4, shared pseudocode of C7.2.165 LD1 etc.).
/// </summary>
public static partial class A64Exec
{
    /// <summary>opcode -> rpt * 16 + selem; 0 marks unallocated.</summary>
    private static ReadOnlySpan<byte> MultLayout => [0x14, 0, 0x41, 0, 0x13, 0, 0x31, 0x11, 0x12, 0, 0x21, 0, 0, 0, 0, 0];

    public static bool SimdLdStMultValid(uint raw)
    {
        int layout = MultLayout[(int)((raw >> 12) & 0xF)];
        if (layout == 0) return false;
        bool q = ((raw >> 30) & 1) != 0;
        // size = 11 with Q = 0 is reserved when selem > 1 (one 64-bit element per register).
        return !(((raw >> 10) & 3) == 3 && !q && (layout & 0xF) != 1);
    }

    public static bool SimdLdStSingleValid(uint raw)
    {
        uint opcode = (raw >> 13) & 7, size = (raw >> 10) & 3;
        bool l = ((raw >> 22) & 1) != 0, s = ((raw >> 12) & 1) != 0;
        switch (opcode >> 1)
        {
            case 3: return l && !s;
            case 0: return true;
            case 1: return (size & 1) == 0;
            default: return (size & 2) == 0 && !(size == 1 && s);
        }
    }

    /// <summary>Post-index writeback (the _post rows pass post=1): Xn += Xm, or the transfer size when Rm = 31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StructWriteback(CpuCore cpu, bool post, int rn, int rm, ulong baseAddr, ulong bytes)
    {
        if (!post) return;
        cpu.SetXOrSp(rn, baseAddr + (rm == 31 ? bytes : cpu.X(rm)));
    }

    /// <summary>LD1/LD2/LD3/LD4 and ST1/ST2/ST3/ST4 (multiple structures), C7.2.165-C7.2.174, C7.2.303-C7.2.310.</summary>
    public static void SIMD_LDST_MULT(CpuCore cpu, bool q, bool l, uint opcode, int size, int rn, int rt, int rm = 0, bool post = false)
    {
        int layout = MultLayout[(int)opcode];
        int rpt = layout >> 4, selem = layout & 0xF;
        int log2 = size;
        int ebytes = 1 << log2;
        int regBytes = q ? 16 : 8;
        int elements = regBytes >> log2;
        int t = rt;
        bool load = l;
        ulong address = BaseAddress(cpu, rn);
        int total = rpt * selem * regBytes;
        cpu.CheckVectorAlignment(address, ebytes, write: !load);

        if (selem == 1)
        {
            // Consecutive registers, each a contiguous little-endian block: copy whole registers.
            if (load)
            {
                Vec4 tmp = default;
                for (int r = 0; r < rpt; r++)
                {
                    ulong a = address + (ulong)(r * regBytes);
                    tmp[r] = q ? cpu.VecRead128(a, ebytes) : Vector128.CreateScalar(cpu.VecRead64(a, ebytes)).AsByte();
                }
                for (int r = 0; r < rpt; r++) cpu.Vr[(t + r) & 31] = tmp[r];
            }
            else
            {
                cpu.PrepareVectorStore(address, total);
                for (int r = 0; r < rpt; r++)
                {
                    ulong a = address + (ulong)(r * regBytes);
                    var v = cpu.Vr[(t + r) & 31];
                    if (q) cpu.VecWrite128(a, v, ebytes);
                    else cpu.VecWrite64(a, v.AsUInt64().GetElement(0), ebytes);
                }
            }
        }
        else
        {
            // Interleaved structures: element e of register s is at (e * selem + s) * ebytes.
            if (load)
            {
                Vec4 tmp = default;
                ulong a = address;
                for (int e = 0; e < elements; e++)
                    for (int s = 0; s < selem; s++, a += (ulong)ebytes)
                        Lanes.Set(ref tmp[s], e, log2, cpu.Read(a, ebytes));
                for (int s = 0; s < selem; s++) cpu.Vr[(t + s) & 31] = tmp[s];
            }
            else
            {
                cpu.PrepareVectorStore(address, total);
                Vec4 src = default;
                for (int s = 0; s < selem; s++) src[s] = cpu.Vr[(t + s) & 31];
                ulong a = address;
                for (int e = 0; e < elements; e++)
                    for (int s = 0; s < selem; s++, a += (ulong)ebytes)
                        cpu.Write(a, ebytes, Lanes.Get(ref src[s], e, log2));
            }
        }
        StructWriteback(cpu, post, rn, rm, address, (ulong)total);
    }

    /// <summary>LD1-LD4/ST1-ST4 (single structure) and LD1R-LD4R, C7.2.166 etc.: one lane per register, or one
    /// element replicated to all lanes. Lane loads keep the other lanes (all 128 bits).</summary>
    public static void SIMD_LDST_SINGLE(CpuCore cpu, bool q, bool l, bool r, uint opcode, bool s, uint size, int rn, int rt, int rm = 0, bool post = false)
    {
        int selem = (int)(((opcode & 1) << 1) | (r ? 1u : 0u)) + 1;
        bool load = l;
        int scale = (int)(opcode >> 1);
        int index = 0;
        bool replicate = false;
        switch (scale)
        {
            case 3: scale = (int)size; replicate = true; break;
            case 0: index = (int)(((q ? 8u : 0) | (s ? 4u : 0) | size)); break;
            case 1: index = (int)(((q ? 4u : 0) | (s ? 2u : 0) | (size >> 1))); break;
            default:
                if ((size & 1) == 0) index = (q ? 2 : 0) | (s ? 1 : 0);
                else { index = q ? 1 : 0; scale = 3; }
                break;
        }
        int ebytes = 1 << scale;
        int t = rt;
        ulong address = BaseAddress(cpu, rn);
        cpu.CheckVectorAlignment(address, ebytes, write: !load);

        if (replicate)
        {
            Vec4 tmp = default;
            for (int i = 0; i < selem; i++)
            {
                ulong x = cpu.Read(address + (ulong)(i * ebytes), ebytes);
                tmp[i] = scale switch
                {
                    0 => Vector128.Create((byte)x),
                    1 => Vector128.Create((ushort)x).AsByte(),
                    2 => Vector128.Create((uint)x).AsByte(),
                    _ => Vector128.Create(x).AsByte(),
                };
            }
            for (int i = 0; i < selem; i++) cpu.Vr[(t + i) & 31] = Lanes.Narrow(tmp[i], q);
        }
        else if (load)
        {
            Vec4 tmp = default;
            for (int i = 0; i < selem; i++) tmp[i] = cpu.Vr[(t + i) & 31];
            for (int i = 0; i < selem; i++)
                Lanes.Set(ref tmp[i], index, scale, cpu.Read(address + (ulong)(i * ebytes), ebytes));
            for (int i = 0; i < selem; i++) cpu.Vr[(t + i) & 31] = tmp[i];
        }
        else
        {
            cpu.PrepareVectorStore(address, selem * ebytes);
            for (int i = 0; i < selem; i++)
            {
                var v = cpu.Vr[(t + i) & 31];
                cpu.Write(address + (ulong)(i * ebytes), ebytes, Lanes.Get(ref v, index, scale));
            }
        }
        StructWriteback(cpu, post, rn, rm, address, (ulong)(selem * ebytes));
    }
}
