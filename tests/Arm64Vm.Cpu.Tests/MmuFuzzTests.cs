using Arm64Vm.Memory;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>Random garbage translation tables, controls and addresses only ever produce guest faults or exits.</summary>
public class MmuFuzzTests
{
    private const ulong Region = MmuRig.PoolBase, RegionSize = 0x4_0000;

    private static ulong RandomDescriptor(Random r)
    {
        ulong raw = (ulong)r.NextInt64() ^ ((ulong)r.Next() << 63);
        switch (r.Next(5))
        {
            case 0: return raw;
            case 1: return 0;
            case 2: // a table descriptor pointing inside the region, with random upper attributes
                return (Region + ((ulong)r.Next((int)(RegionSize >> 12)) << 12)) | 3 | (raw & 0xFFF0_0000_0000_0000UL);
            case 3: // a leaf into RAM with random attributes
                return (CpuHarness.RamBase + ((ulong)r.Next((int)(CpuHarness.RamSize >> 12)) << 12)) | (raw & 0xFFF0_0000_0000_0FFCUL) | 1 | (ulong)r.Next(2) << 1;
            default: // an output address anywhere
                return raw | 1;
        }
    }

    private static void Scramble(MmuRig rig, Random r)
    {
        for (ulong a = Region; a < Region + RegionSize; a += 8) rig.Ram.WriteRaw(a, 8, RandomDescriptor(r));
        var cpu = rig.Cpu;
        ulong Pick() => r.Next(3) == 0 ? (ulong)r.NextInt64() : Region + ((ulong)r.Next((int)RegionSize) & ~7UL);
        cpu.SysRegs.TcrEl1 = r.Next(2) == 0 ? (ulong)r.NextInt64() : MmuRig.Tcr(new[] { 12, 14, 16 }[r.Next(3)], r.Next(10, 45), r.Next(10, 45), r.Next(2) == 0, r.Next(8));
        cpu.SysRegs.Ttbr0El1 = Pick();
        cpu.SysRegs.Ttbr1El1 = Pick();
        cpu.SysRegs.MairEl1 = (ulong)r.NextInt64();
        cpu.SysRegs.SctlrEl1 = ((ulong)r.NextInt64() & ~(3UL << 24)) | (r.Next(4) != 0 ? 1UL : 0);
        ulong[] hcrs = { 0, Hcr.VM, Hcr.VM | Hcr.FWB, Hcr.DC, Hcr.VM | Hcr.PTW | Hcr.CD | Hcr.ID, Hcr.VM | Hcr.FB | Hcr.TTLB };
        cpu.HcrEl2 = hcrs[r.Next(hcrs.Length)];
        cpu.VtcrEl2 = r.Next(2) == 0 ? (ulong)r.NextInt64() : MmuRig.Vtcr(new[] { 12, 14, 16 }[r.Next(3)], r.Next(10, 45), r.Next(4));
        cpu.VttbrEl2 = Pick();
        cpu.El = r.Next(2);
        cpu.FlushTlb();
    }

    private static ulong RandomVa(Random r) => r.Next(4) switch
    {
        0 => (ulong)r.NextInt64() ^ ((ulong)r.Next() << 63),
        1 => (ulong)r.Next() << 12,
        2 => 0xFFFF_0000_0000_0000UL | ((ulong)r.NextInt64() & 0xFFFF_FFFF_FFFFUL),
        _ => CpuHarness.RamBase + (ulong)r.Next((int)CpuHarness.RamSize),
    };

    [Fact]
    public void GarbageTablesAndAddresses_NeverThrowHostExceptions()
    {
        using var rig = new MmuRig();
        var cpu = rig.Cpu;
        Prop.ForAll(ArbMap.Default.GeneratorFor<int>().ToArbitrary(), seed =>
        {
            var r = new Random(seed);
            Scramble(rig, r);
            for (int i = 0; i < 24; i++)
            {
                ulong va = RandomVa(r);
                int el = r.Next(2);
                cpu.TryTranslateNoFault(va, (AccessKind)r.Next(3), el, out _, out _);
                int size = 1 << r.Next(4);
                try
                {
                    switch (r.Next(6))
                    {
                        case 0: cpu.Read(va, size, (AccessOptions)r.Next(8)); break;
                        case 1: cpu.Write(va, size, (ulong)r.NextInt64(), (AccessOptions)r.Next(8)); break;
                        case 2: cpu.Mmu.ExecuteAtStage1(va, r.Next(2) == 0, el); break;
                        case 3: cpu.Mmu.AtS12(va, r.Next(2) == 0, el); break;
                        case 4: cpu.Mmu.ExecuteTlbi((TlbiScope)r.Next(5), (ulong)r.NextInt64(), r.Next(2) == 0); break;
                        default:
                            cpu.Pc = r.Next(2) == 0 ? va : va & ~3UL;
                            cpu.Run(2);
                            break;
                    }
                }
                catch (GuestException) { }
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>Found by the property above: vectors whose fetch faults used to spin Run forever without spending budget.</summary>
    [Fact]
    public void FaultingVectors_StillEndTheRunAtItsBudget()
    {
        using var rig = new MmuRig();
        var t = rig.NewStage1(12, 48);                                    // nothing mapped at all
        rig.EnableStage1(MmuRig.Tcr(12, 16), t.Root);
        rig.Cpu.Pc = CpuHarness.CodeBase;
        var exit = rig.Cpu.Run(50);
        Assert.Equal(ExitReason.InstructionLimit, exit.Reason);
        Assert.Equal(ExceptionClass.InstructionAbortSameEl, (uint)rig.Cpu.SysRegs.EsrEl1 >> 26);
        Assert.Equal(CpuHarness.VectorBase + 0x200, rig.Cpu.SysRegs.FarEl1);
    }
}
