using System.Runtime.Intrinsics;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>Shared setup for the AdvSIMD tests: FP/SIMD implemented and enabled (CPACR_EL1.FPEN = 11).</summary>
internal static class SimdTestUtil
{
    /// <summary>With <paramref name="normalMemory"/>, HCR_EL2.DC = 1 makes MMU-off data accesses Normal
    /// Write-Back (unaligned accesses allowed, RAM fast paths used); otherwise they are Device-nGnRnE.</summary>
    public static CpuHarness NewHarness(bool normalMemory = true)
    {
        var h = new CpuHarness(new CpuFeatures { FpSimd = true });
        h.Cpu.SysRegs.CpacrEl1 = 3UL << 20;
        if (normalMemory)
        {
            FlatStage2.Install(h.Cpu);       // DC also enables stage 2: give it identity tables
            h.Cpu.HcrEl2 |= 1UL << 12;
        }
        return h;
    }

    /// <summary>Pattern byte stored at DataBase + offset by <see cref="FillPattern"/>.</summary>
    public static byte Pat(ulong offset) => (byte)(offset * 13 + 7);

    public static void FillPattern(CpuHarness h, int bytes = 4096)
    {
        for (int i = 0; i < bytes; i++) h.Ram.WriteRaw(CpuHarness.DataBase + (ulong)i, 1, Pat((ulong)i));
    }

    /// <summary>Little-endian value of <paramref name="n"/> pattern bytes starting at DataBase + offset.</summary>
    public static ulong PatLe(ulong offset, int n)
    {
        ulong v = 0;
        for (int i = 0; i < n; i++) v |= (ulong)Pat(offset + (ulong)i) << (8 * i);
        return v;
    }

    public static void SetV(CpuCore cpu, int v, ulong lo, ulong hi) => cpu.SetQ(v, lo, hi);

    public static (ulong Lo, ulong Hi) V(CpuCore cpu, int v) => (cpu.GetD(v), cpu.GetDHigh(v));

    public static void AssertV(CpuCore cpu, int v, ulong lo, ulong hi)
    {
        Assert.True(cpu.GetD(v) == lo && cpu.GetDHigh(v) == hi,
            $"V{v} = {cpu.GetDHigh(v):X16}_{cpu.GetD(v):X16}, expected {hi:X16}_{lo:X16}");
    }

    public static void AssertClean(CpuHarness h) =>
        Assert.True(h.StoppedCleanly, $"stopped with ESR_EL1 = 0x{h.Cpu.SysRegs.EsrEl1:X}, ELR = 0x{h.Cpu.SysRegs.ElrEl1:X}");

    /// <summary>Executes exactly one instruction at CodeBase (so ESR_EL1 still holds its exception, if any).</summary>
    public static void Step(CpuHarness h, uint word)
    {
        h.Load(CpuHarness.CodeBase, word, CpuHarness.Stop);
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.Run(1);
    }

    public static Vector128<byte> Bytes(params byte[] b) => Vector128.Create(b);
}
