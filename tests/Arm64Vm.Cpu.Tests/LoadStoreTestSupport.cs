using Arm64Vm.Memory;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>Shared helpers of the load/store tests: run to the first exception and inspect its syndrome.</summary>
internal static class LdstTest
{
    public const ulong Data = CpuHarness.DataBase;
    public const uint EcBrk = 0x3C;

    /// <summary>
    /// Runs <paramref name="program"/> (followed by the stop BRK) one instruction at a time until the first exception
    /// is taken: the final BRK, or a fault whose ESR/FAR/ELR are then still intact. Returns ESR_EL1.
    /// </summary>
    public static uint RunToException(CpuHarness h, params uint[] program)
    {
        h.Load(CpuHarness.CodeBase, program);
        h.Load(CpuHarness.CodeBase + (ulong)(4 * program.Length), CpuHarness.Stop);
        h.Cpu.Pc = CpuHarness.CodeBase;
        ulong start = h.Cpu.ExceptionsTaken;
        for (int i = 0; i < 10_000 && h.Cpu.ExceptionsTaken == start; i++) h.Cpu.Run(1);
        Assert.NotEqual(start, h.Cpu.ExceptionsTaken);
        return (uint)h.Cpu.SysRegs.EsrEl1;
    }

    /// <summary>Runs the program and asserts it reached its final BRK without any other exception.</summary>
    public static void RunClean(CpuHarness h, params uint[] program)
    {
        uint esr = RunToException(h, program);
        Assert.True(esr >> 26 == EcBrk && (esr & 0xFFFF) == 0x7FF,
            $"expected a clean stop, got ESR 0x{esr:X8} at ELR 0x{h.Cpu.SysRegs.ElrEl1:X}, FAR 0x{h.Cpu.SysRegs.FarEl1:X}");
    }

    /// <summary>Asserts that instruction <paramref name="index"/> of the program took a data abort from EL1 (EC 0x25).</summary>
    public static void AssertDataAbort(CpuHarness h, uint esr, int index, uint dfsc, ulong far, bool write)
    {
        Assert.Equal(ExceptionClass.DataAbortSameEl, esr >> 26);
        Assert.Equal(dfsc, esr & 0x3F);
        Assert.Equal(write, (esr & (1u << 6)) != 0);
        Assert.Equal(far, h.Cpu.SysRegs.FarEl1);
        Assert.Equal(CpuHarness.CodeBase + (ulong)(4 * index), h.Cpu.SysRegs.ElrEl1);
    }

    /// <summary>Asserts that instruction <paramref name="index"/> was UNDEFINED (EC 0x00).</summary>
    public static void AssertUndefined(CpuHarness h, uint esr, int index)
    {
        Assert.Equal(ExceptionClass.Unknown, esr >> 26);
        Assert.Equal(CpuHarness.CodeBase + (ulong)(4 * index), h.Cpu.SysRegs.ElrEl1);
    }

    /// <summary>
    /// HCR_EL2.DC = 1: data accesses with the MMU off are Normal write-back instead of Device-nGnRnE. DC also turns
    /// stage 2 on, so a flat identity stage 2 is installed first (<see cref="FlatStage2"/>).
    /// </summary>
    public static void UseNormalMemory(CpuHarness h, CpuCore? cpu = null)
    {
        cpu ??= h.Cpu;
        FlatStage2.Install(cpu);
        cpu.HcrEl2 |= Hcr.DC;
        cpu.FlushTlb();
    }

    /// <summary>Puts an identity translation of one 4 KiB page with the given permissions into the PE's TLB.</summary>
    public static void InstallTranslation(CpuCore cpu, ulong page, ushort perm)
    {
        ref TlbEntry e = ref cpu.Tlb.Way0Of(page);
        e = default;
        e.VaPage = page;
        e.PaPage = page;
        e.DataAttributes = MemoryAttributes.NormalWriteBackInnerShareable;
        e.FetchAttributes = MemoryAttributes.NormalWriteBackInnerShareable;
        e.Perm = perm;
        e.Stage1Perm = perm;
        e.Level = 3;
        e.S2BlockShift = 63;
        e.S2Level = 3;
        e.Fast = 0;
        e.Global = true;
        e.BlockShift = 12;
    }
}
