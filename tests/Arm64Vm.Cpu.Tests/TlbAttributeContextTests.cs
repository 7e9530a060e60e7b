using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// The TLB's attribute context (TlbContext.cs): entries made under one SCTLR_EL1 C/I/WXN and MAIR_EL1 pair are parked,
/// not dropped, while other values are in force, and come back with their values; a register reset
/// (<see cref="CpuCore.ResetRegisters"/>, KVM's vCPU reset) keeps them, a power-on reset (<see cref="CpuCore.Reset"/>)
/// does not.
/// </summary>
public class TlbAttributeContextTests
{
    private const ulong Pa1 = 0x4050_0000, Pa2 = 0x4051_0000;
    private const ulong Va = 0x30_0000;

    /// <summary>Va maps Pa1 (value 1); the tables are then changed to Pa2 (value 2) without maintenance.</summary>
    private static PageTableBuilder StaleMapping(MmuRig rig)
    {
        rig.Ram.WriteRaw(Pa1, 8, 1);
        rig.Ram.WriteRaw(Pa2, 8, 2);
        var t = rig.NewStage1(12, 39);
        t.MapPage(Va, Pa1, Desc.Kernel);
        rig.EnableStage1(MmuRig.Tcr(12, 25), t.Root);
        Assert.Equal(1UL, rig.TryRead(Va));
        t.MapPage(Va, Pa2, Desc.Kernel);
        return t;
    }

    private static void Msr(CpuCore cpu, string name, ulong value) => cpu.SysRegs.Write(SystemRegisterTable.ByName(name), value);

    [Fact]
    public void MairChangedAndRestored_BringsTheParkedEntryBack()
    {
        using var rig = new MmuRig();
        StaleMapping(rig);
        ulong mair = rig.Cpu.SysRegs.MairEl1;
        Msr(rig.Cpu, "MAIR_EL1", mair ^ 0xF0);
        Assert.Equal(2UL, rig.TryRead(Va));                              // a new walk under the new attributes
        Msr(rig.Cpu, "MAIR_EL1", mair);
        Assert.Equal(1UL, rig.TryRead(Va));                              // the old entry is back: never invalidated
    }

    [Fact]
    public void RegisterResetKeepsTheEntriesForTheNextContextThatMatches_PowerOnResetDropsThem()
    {
        using var rig = new MmuRig();
        var t = StaleMapping(rig);
        var cpu = rig.Cpu;
        ulong sctlr = cpu.SysRegs.SctlrEl1, mair = cpu.SysRegs.MairEl1, tcr = cpu.SysRegs.TcrEl1;
        void Reprogram()
        {
            Msr(cpu, "MAIR_EL1", mair);
            Msr(cpu, "TCR_EL1", tcr);
            Msr(cpu, "TTBR0_EL1", t.Root);
            Msr(cpu, "SCTLR_EL1", sctlr);
        }
        cpu.ResetRegisters();
        Assert.Equal(0UL, cpu.SysRegs.SctlrEl1 & 1);                     // MMU off after the reset
        Reprogram();
        Assert.Equal(1UL, rig.TryRead(Va));                              // the stale translation survived
        cpu.Reset();
        Reprogram();
        Assert.Equal(2UL, rig.TryRead(Va));                              // power-on reset: an empty TLB
    }
}
