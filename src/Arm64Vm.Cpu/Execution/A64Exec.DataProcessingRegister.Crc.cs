using System.Numerics;
using System.Runtime.CompilerServices;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// CRC32B/H/W/X and CRC32CB/H/W/X, Arm ARM C4.1.67 (FEAT_CRC32). The ASL
/// BitReverse(Poly32Mod2(BitReverse(acc):Zeros(size) EOR BitReverse(val):Zeros(32), poly)) is the bit-reflected
/// CRC update without pre/post inversion: CRC32 uses the reflected polynomial 0xEDB88320 (a table), CRC32C uses
/// 0x82F63B78 (<see cref="BitOperations.Crc32C(uint, byte)"/>, hardware-accelerated where available).
/// UNDEFINED when <see cref="CpuFeatures.Crc32"/> is false (ID_AA64ISAR0_EL1.CRC32 = 0).
/// </summary>
public static partial class A64Exec
{
    private static class Crc32Table
    {
        public static readonly uint[] Entries = Build();

        private static uint[] Build()
        {
            var t = new uint[256];
            for (uint i = 0; i < 256; i++)
            {
                uint c = i;
                for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB8_8320u & (0u - (c & 1)));
                t[i] = c;
            }
            return t;
        }
    }

    /// <summary>CRC32 (polynomial 0x04C11DB7) over the low <paramref name="bytes"/> bytes of <paramref name="val"/>, LSB first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Crc32Update(uint crc, ulong val, int bytes)
    {
        uint[] t = Crc32Table.Entries;
        for (int i = 0; i < bytes; i++)
        {
            crc = (crc >> 8) ^ t[(byte)(crc ^ (uint)val)];
            val >>= 8;
        }
        return crc;
    }

    /// <summary>False (after taking the UNDEFINED exception) when FEAT_CRC32 is not implemented.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool CrcImplemented(CpuCore cpu)
    {
        if (cpu.Features.Crc32) return true;
        cpu.TakeUndefined();
        return false;
    }

    /// <summary>
    /// CRC32B/H/W/X and CRC32CB/H/W/X, C6.2: Wd = CRC of the low 2^sz bytes of Rm into Wn, polynomial 0x04C11DB7
    /// (castagnoli: 0x1EDC6F41).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Crc32(CpuCore cpu, int rd, int rn, int rm, int sz, bool castagnoli)
    {
        if (!CrcImplemented(cpu)) return;
        uint crc = cpu.W(rn);
        ulong val = cpu.X(rm);
        if (!castagnoli) { cpu.SetW(rd, Crc32Update(crc, val, 1 << sz)); return; }
        cpu.SetW(rd, sz switch
        {
            0 => BitOperations.Crc32C(crc, (byte)val),
            1 => BitOperations.Crc32C(crc, (ushort)val),
            2 => BitOperations.Crc32C(crc, (uint)val),
            _ => BitOperations.Crc32C(crc, val),
        });
    }
}
