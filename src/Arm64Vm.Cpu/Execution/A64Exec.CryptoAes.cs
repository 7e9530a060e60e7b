using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// FEAT_AES: AESE, AESD, AESMC, AESIMC (Arm ARM C7.2.7-C7.2.10; ASL AESSubBytes, AESShiftRows, AESMixColumns and
/// their inverses). The 128-bit state is FIPS-197's, byte i of the register being state[i mod 4][i div 4]. The
/// portable code is table driven (tables computed from the GF(2^8) definitions at start-up); on x86 hosts with
/// AES-NI the same functions come from AESENCLAST/AESDECLAST/AESENC/AESIMC, whose state layout is the same.
/// </summary>
public static partial class A64Exec
{
    internal static readonly byte[] AesSbox = BuildAesSbox(out AesInvSboxTable);
    internal static readonly byte[] AesInvSboxTable;

    /// <summary>GF(2^8) product modulo x^8 + x^4 + x^3 + x + 1.</summary>
    internal static byte GfMul(byte a, byte b)
    {
        int r = 0, x = a;
        for (int i = 0; i < 8; i++)
        {
            if (((b >> i) & 1) != 0) r ^= x;
            x = (x << 1) ^ ((x & 0x80) != 0 ? 0x11B : 0);
        }
        return (byte)r;
    }

    /// <summary>S-box: multiplicative inverse in GF(2^8) (0 maps to 0) followed by the FIPS-197 affine map.</summary>
    private static byte[] BuildAesSbox(out byte[] inverse)
    {
        var s = new byte[256];
        inverse = new byte[256];
        for (int x = 0; x < 256; x++)
        {
            int inv = 0;
            for (int y = 1; y < 256 && x != 0; y++)
                if (GfMul((byte)x, (byte)y) == 1) { inv = y; break; }
            int b = inv;
            int r = b ^ Rol8(b, 1) ^ Rol8(b, 2) ^ Rol8(b, 3) ^ Rol8(b, 4) ^ 0x63;
            s[x] = (byte)r;
            inverse[r] = (byte)x;
        }
        return s;

        static int Rol8(int v, int n) => ((v << n) | (v >> (8 - n))) & 0xFF;
    }

    [InlineArray(16)]
    private struct AesState { private byte _b; }

    /// <summary>AESShiftRows then AESSubBytes (or their inverses) of <paramref name="x"/>.</summary>
    internal static Vector128<byte> AesSubShift(Vector128<byte> x, bool inverse)
    {
        if (X86Aes.IsSupported)
            return inverse ? X86Aes.DecryptLast(x, Vector128<byte>.Zero) : X86Aes.EncryptLast(x, Vector128<byte>.Zero);
        return AesSubShiftPortable(x, inverse);
    }

    internal static Vector128<byte> AesSubShiftPortable(Vector128<byte> x, bool inverse)
    {
        AesState r = default;
        byte[] box = inverse ? AesInvSboxTable : AesSbox;
        for (int row = 0; row < 4; row++)
            for (int col = 0; col < 4; col++)
            {
                // ShiftRows: out[row][col] = in[row][col + row]; InvShiftRows: in[row][col - row] (columns mod 4).
                int src = inverse ? (col - row) & 3 : (col + row) & 3;
                r[row + 4 * col] = box[x.GetElement(row + 4 * src)];
            }
        return Unsafe.As<AesState, Vector128<byte>>(ref r);
    }

    /// <summary>AESMixColumns / AESInvMixColumns: each column times {02 03 01 01} / {0e 0b 0d 09} (circulant).</summary>
    internal static Vector128<byte> AesMixColumns(Vector128<byte> x, bool inverse)
    {
        if (X86Aes.IsSupported)
        {
            if (inverse) return X86Aes.InverseMixColumns(x);
            // AESENC(InvSubBytes(InvShiftRows(x)), 0) = MixColumns(SubBytes(ShiftRows(...))) = MixColumns(x).
            return X86Aes.Encrypt(X86Aes.DecryptLast(x, Vector128<byte>.Zero), Vector128<byte>.Zero);
        }
        return AesMixColumnsPortable(x, inverse);
    }

    internal static Vector128<byte> AesMixColumnsPortable(Vector128<byte> x, bool inverse)
    {
        AesState r = default;
        byte c0 = inverse ? (byte)0x0E : (byte)2, c1 = inverse ? (byte)0x0B : (byte)3;
        byte c2 = inverse ? (byte)0x0D : (byte)1, c3 = inverse ? (byte)0x09 : (byte)1;
        for (int col = 0; col < 4; col++)
        {
            byte a0 = x.GetElement(4 * col), a1 = x.GetElement(4 * col + 1), a2 = x.GetElement(4 * col + 2), a3 = x.GetElement(4 * col + 3);
            r[4 * col] = (byte)(GfMul(a0, c0) ^ GfMul(a1, c1) ^ GfMul(a2, c2) ^ GfMul(a3, c3));
            r[4 * col + 1] = (byte)(GfMul(a0, c3) ^ GfMul(a1, c0) ^ GfMul(a2, c1) ^ GfMul(a3, c2));
            r[4 * col + 2] = (byte)(GfMul(a0, c2) ^ GfMul(a1, c3) ^ GfMul(a2, c0) ^ GfMul(a3, c1));
            r[4 * col + 3] = (byte)(GfMul(a0, c1) ^ GfMul(a1, c2) ^ GfMul(a2, c3) ^ GfMul(a3, c0));
        }
        return Unsafe.As<AesState, Vector128<byte>>(ref r);
    }

    /// <summary>AESE / AESD (the row passes inverse=1), C7.2.7/C7.2.8: Vd = [Inv]SubBytes([Inv]ShiftRows(Vd EOR Vn)).</summary>
    public static void AesRound(CpuCore cpu, int rd, int rn, bool inverse)
    {
        if (!cpu.Features.Aes) { cpu.TakeUndefined(); return; }
        if (cpu.FpAccessTrapped()) return;
        cpu.SetQ(rd, AesSubShift(cpu.GetQ(rd) ^ cpu.GetQ(rn), inverse));
    }

    /// <summary>AESMC / AESIMC (the row passes inverse=1), C7.2.9/C7.2.10: Vd = [Inv]MixColumns(Vn).</summary>
    public static void AesMix(CpuCore cpu, int rd, int rn, bool inverse)
    {
        if (!cpu.Features.Aes) { cpu.TakeUndefined(); return; }
        if (cpu.FpAccessTrapped()) return;
        cpu.SetQ(rd, AesMixColumns(cpu.GetQ(rn), inverse));
    }
}
