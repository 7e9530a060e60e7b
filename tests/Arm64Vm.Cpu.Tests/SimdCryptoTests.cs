using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using Arm64Vm.Cpu.Execution;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Arm64Vm.Cpu.Tests.SimdTestUtil;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// FEAT_AES/SHA1/SHA256 instructions end to end: the FIPS-197 AES-128 example and the FIPS 180 "abc" digests for
/// SHA-1 and SHA-256, computed by running AESE/AESMC/AESD/AESIMC and SHA1C/P/M/H/SU0/SU1, SHA256H/H2/SU0/SU1 one
/// at a time on the emulator (the standard ARMv8 crypto-extension sequences); the portable AES code against the
/// x86 AES-NI path; feature gating and ID_AA64ISAR0_EL1. The bit-exact comparison with QEMU is FpDiffTests.
/// </summary>
public class SimdCryptoTests
{
    private const uint Aese = 0x4E284800, Aesd = 0x4E285800, Aesmc = 0x4E286800, Aesimc = 0x4E287800; // aese v0.16b, v1.16b = 0x4E284820
    private const uint Sha256H = 0x5E004000, Sha256H2 = 0x5E005000;   // sha256h q0, q1, v4.4s = 0x5E044020
    private const uint Sha256Su0 = 0x5E282800, Sha256Su1 = 0x5E006000; // sha256su0 v16.4s, v17.4s = 0x5E282A30
    private const uint Sha1C = 0x5E000000, Sha1P = 0x5E001000, Sha1M = 0x5E002000, Sha1H = 0x5E280800; // sha1c q0, s1, v4.4s = 0x5E040020
    private const uint Sha1Su0 = 0x5E003000, Sha1Su1 = 0x5E281800;     // sha1su1 v16.4s, v19.4s = 0x5E281A70

    private static uint R3(uint op, int d, int n, int m) => op | (uint)m << 16 | (uint)n << 5 | (uint)d;
    private static uint R2(uint op, int d, int n) => op | (uint)n << 5 | (uint)d;

    private static void Exec(CpuHarness h, uint word)
    {
        long before = (long)h.Cpu.ExceptionsTaken;
        Step(h, word);
        Assert.True((long)h.Cpu.ExceptionsTaken == before, $"0x{word:X8} took an exception (ESR 0x{h.Cpu.SysRegs.EsrEl1:X})");
    }

    private static Vector128<byte> Hex(string s) => Vector128.Create(Convert.FromHexString(s));

    // ---- AES ----

    /// <summary>FIPS-197 key expansion (AES-128), using the emulator's S-box table only for SubWord.</summary>
    private static Vector128<byte>[] ExpandKey(byte[] key)
    {
        var w = new uint[44];
        for (int i = 0; i < 4; i++) w[i] = BinaryPrimitives.ReadUInt32BigEndian(key.AsSpan(4 * i));
        uint rcon = 1;
        for (int i = 4; i < 44; i++)
        {
            uint t = w[i - 1];
            if (i % 4 == 0)
            {
                t = (t << 8) | (t >> 24);
                t = (uint)(A64Exec.AesSbox[t >> 24] << 24 | A64Exec.AesSbox[(t >> 16) & 0xFF] << 16 | A64Exec.AesSbox[(t >> 8) & 0xFF] << 8 | A64Exec.AesSbox[t & 0xFF]);
                t ^= rcon << 24;
                rcon = A64Exec.GfMul((byte)rcon, 2);
            }
            w[i] = w[i - 4] ^ t;
        }
        var rk = new Vector128<byte>[11];
        var b = new byte[16];
        for (int r = 0; r < 11; r++)
        {
            for (int j = 0; j < 4; j++) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4 * j), w[4 * r + j]);
            rk[r] = Vector128.Create(b);
        }
        return rk;
    }

    [Fact]
    public void Aes128Fips197ExampleEncryptsAndDecrypts()
    {
        using var h = NewHarness();
        var rk = ExpandKey(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"));
        var plain = Hex("00112233445566778899aabbccddeeff");
        var cipher = Hex("69c4e0d86a7b0430d8cdb78070b4c55a");

        // Encryption: AESE (AddRoundKey, ShiftRows, SubBytes) + AESMC for rounds 1-9, AESE + final AddRoundKey.
        h.Cpu.SetQ(0, plain);
        for (int r = 0; r < 10; r++)
        {
            h.Cpu.SetQ(1, rk[r]);
            Exec(h, R2(Aese, 0, 1));
            if (r < 9) Exec(h, R2(Aesmc, 0, 0));
        }
        Assert.Equal(cipher, h.Cpu.GetQ(0) ^ rk[10]);

        // Decryption (equivalent inverse cipher): AESD with InvMixColumns applied to the middle round keys.
        h.Cpu.SetQ(0, cipher);
        for (int r = 10; r > 0; r--)
        {
            h.Cpu.SetQ(2, rk[r]);
            if (r != 10) Exec(h, R2(Aesimc, 2, 2));
            h.Cpu.SetQ(1, h.Cpu.GetQ(2));
            Exec(h, R2(Aesd, 0, 1));
            if (r > 1) Exec(h, R2(Aesimc, 0, 0));
        }
        Assert.Equal(plain, h.Cpu.GetQ(0) ^ rk[0]);
    }

    [Fact]
    public void PortableAesMatchesTheHostAesInstructions()
    {
        Assert.Equal((byte)0x63, A64Exec.AesSbox[0]);      // FIPS-197 Figure 7
        Assert.Equal((byte)0x16, A64Exec.AesSbox[0xFF]);
        Assert.Equal((byte)0x52, A64Exec.AesInvSboxTable[0]);
        if (!System.Runtime.Intrinsics.X86.Aes.IsSupported) return;   // the portable code is then the only path (and the KAT covers it)
        Prop.ForAll(ArbMap.Default.GeneratorFor<ulong>().ToArbitrary(), ArbMap.Default.GeneratorFor<ulong>().ToArbitrary(), (lo, hi) =>
        {
            var x = Vector128.Create(lo, hi).AsByte();
            return A64Exec.AesSubShiftPortable(x, false) == A64Exec.AesSubShift(x, false)
                   && A64Exec.AesSubShiftPortable(x, true) == A64Exec.AesSubShift(x, true)
                   && A64Exec.AesMixColumnsPortable(x, false) == A64Exec.AesMixColumns(x, false)
                   && A64Exec.AesMixColumnsPortable(x, true) == A64Exec.AesMixColumns(x, true);
        }).QuickCheckThrowOnFailure();
    }

    // ---- SHA ----

    /// <summary>The single padded block of the 3-byte message "abc" as 16 big-endian words.</summary>
    private static uint[] AbcBlock()
    {
        var block = new byte[64];
        block[0] = (byte)'a'; block[1] = (byte)'b'; block[2] = (byte)'c'; block[3] = 0x80;
        block[63] = 24;                                    // message length in bits
        var w = new uint[16];
        for (int i = 0; i < 16; i++) w[i] = BinaryPrimitives.ReadUInt32BigEndian(block.AsSpan(4 * i));
        return w;
    }

    private static Vector128<uint> Lanes(uint a, uint b, uint c, uint d) => Vector128.Create(a, b, c, d);
    private static void SetV(CpuHarness h, int v, Vector128<uint> x) => h.Cpu.SetQ(v, x.AsByte());
    private static Vector128<uint> GetV(CpuHarness h, int v) => h.Cpu.GetQ(v).AsUInt32();

    private static readonly uint[] K256 =
    {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };

    [Fact]
    public void Sha256OfAbcByTheShaInstructions()
    {
        using var h = NewHarness();
        var iv0 = Lanes(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a);
        var iv1 = Lanes(0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);
        SetV(h, 0, iv0);                                  // V0 = a b c d (lane 0 = a), V1 = e f g h
        SetV(h, 1, iv1);
        var w = AbcBlock();
        for (int i = 0; i < 4; i++) SetV(h, 16 + i, Lanes(w[4 * i], w[4 * i + 1], w[4 * i + 2], w[4 * i + 3]));
        for (int g = 0; g < 16; g++)
        {
            int s0 = 16 + g % 4;
            SetV(h, 4, GetV(h, s0) + Lanes(K256[4 * g], K256[4 * g + 1], K256[4 * g + 2], K256[4 * g + 3]));
            h.Cpu.SetQ(2, h.Cpu.GetQ(0));
            Exec(h, R3(Sha256H, 0, 1, 4));                // sha256h  q0, q1, v4.4s
            Exec(h, R3(Sha256H2, 1, 2, 4));               // sha256h2 q1, q2, v4.4s
            if (g < 12)
            {
                Exec(h, R2(Sha256Su0, s0, 16 + (g + 1) % 4));
                Exec(h, R3(Sha256Su1, s0, 16 + (g + 2) % 4, 16 + (g + 3) % 4));
            }
        }
        var a = GetV(h, 0) + iv0;
        var e = GetV(h, 1) + iv1;
        string digest = string.Concat(Enumerable.Range(0, 4).Select(i => a.GetElement(i).ToString("x8")))
                      + string.Concat(Enumerable.Range(0, 4).Select(i => e.GetElement(i).ToString("x8")));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", digest);
    }

    [Fact]
    public void Sha1OfAbcByTheShaInstructions()
    {
        using var h = NewHarness();
        var iv = Lanes(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476);
        const uint ivE = 0xc3d2e1f0;
        SetV(h, 0, iv);                                   // V0 = a b c d, S1 = e
        h.Cpu.SetS(1, ivE);
        var w = AbcBlock();
        for (int i = 0; i < 4; i++) SetV(h, 16 + i, Lanes(w[4 * i], w[4 * i + 1], w[4 * i + 2], w[4 * i + 3]));
        for (int g = 0; g < 20; g++)
        {
            int s0 = 16 + g % 4;
            uint k = g < 5 ? 0x5a827999u : g < 10 ? 0x6ed9eba1u : g < 15 ? 0x8f1bbcdcu : 0xca62c1d6u;
            SetV(h, 4, GetV(h, s0) + Vector128.Create(k));
            Exec(h, R2(Sha1H, 3, 0));                     // next e = ROL(a, 30), before the rounds change a
            uint op = g < 5 ? Sha1C : g < 10 || g >= 15 ? Sha1P : Sha1M;
            Exec(h, R3(op, 0, 1, 4));                     // sha1c/p/m q0, s1, v4.4s
            h.Cpu.SetQ(1, h.Cpu.GetQ(3));
            if (g < 16)
            {
                Exec(h, R3(Sha1Su0, s0, 16 + (g + 1) % 4, 16 + (g + 2) % 4));
                Exec(h, R2(Sha1Su1, s0, 16 + (g + 3) % 4));
            }
        }
        var a = GetV(h, 0) + iv;
        uint e = h.Cpu.GetS(1) + ivE;
        string digest = string.Concat(Enumerable.Range(0, 4).Select(i => a.GetElement(i).ToString("x8"))) + e.ToString("x8");
        Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", digest);
    }

    // ---- Gating ----

    [Fact]
    public void UndefinedWithoutTheFeatureAndAdvertisedWithIt()
    {
        uint[] words = { R2(Aese, 0, 1), R2(Aesimc, 0, 0), R3(Sha1C, 0, 1, 4), R2(Sha1H, 3, 0), R3(Sha256H, 0, 1, 4), R2(Sha256Su0, 16, 17) };
        using (var h = new CpuHarness(new CpuFeatures { FpSimd = true, Aes = false, Pmull = false, Sha1 = false, Sha256 = false }))
        {
            h.Cpu.SysRegs.CpacrEl1 = 3UL << 20;
            foreach (uint word in words)
            {
                Step(h, word);
                Assert.True(h.Cpu.SysRegs.EsrEl1 >> 26 == 0, $"0x{word:X8}: ESR 0x{h.Cpu.SysRegs.EsrEl1:X}");
            }
            Assert.Equal(0UL, h.Cpu.SysRegs.Get("ID_AA64ISAR0_EL1") & 0xFFF0);
        }
        using (var h = new CpuHarness())                 // the defaults: everything implemented is advertised
        {
            Assert.Equal(0x1120UL, h.Cpu.SysRegs.Get("ID_AA64ISAR0_EL1") & 0xFFF0);  // AES+PMULL 2, SHA1 1, SHA2 1
            h.Cpu.SysRegs.CpacrEl1 = 0;                   // enabled features still trap when FPEN disables FP/SIMD
            foreach (uint word in words)
            {
                Step(h, word);
                Assert.Equal(0x07UL, h.Cpu.SysRegs.EsrEl1 >> 26);
            }
        }
    }
}
