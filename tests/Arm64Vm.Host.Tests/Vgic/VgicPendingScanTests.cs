using Arm64Vm.Cpu;
using Arm64Vm.Host.Kvm;
using Xunit;
using Gic = Arm64Vm.Host.Kvm.Vgic;

namespace Arm64Vm.Host.Tests.Interrupts;

/// <summary>
/// GIC-15 (specs/interrupts.md): the search for the highest-priority pending interrupt visits only the SPIs of the
/// enabled-and-pending bitmap. After every step of a random sequence of register writes, input changes, acknowledges,
/// snapshot restores and resets, each CPU interface's HPPIR must equal a full scan this test computes from the
/// registers a guest can read (GIC-5: pending, enabled, not active, group enabled, routed here; ties to the lowest INTID).
/// </summary>
public class VgicPendingScanTests
{
    private const ulong D = Gic.DistributorBase, C = Gic.CpuInterfaceBase;

    /// <summary>SPIs at the edges of the bitmap's words and of the registers' 32-bit banks.</summary>
    private static readonly int[] V3Spis = { 32, 33, 63, 64, 65, 95, 96, 127, 128, 159, 160, 200, 254, 255 };
    private static readonly int[] V2Spis = V3Spis.Concat(new[] { 256, 286, 287 }).ToArray();

    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(2, 3)]
    [InlineData(2, 4)]
    public void GIC_15_TheHighestPendingInterruptIsTheFullScansAfterAnySequenceOfChanges(int version, int seed)
    {
        using var m = new VgicMachine(cpus: 2, gic: version);
        var spis = version == 3 ? V3Spis : V2Spis;
        var rng = new Random(seed);
        if (version == 3)
            for (int n = 0; n < 2; n++)
            {
                m.EnableCpu(n);                               // so that IAR acknowledges what PMR 0xf0 lets through
                m.Cpu(n).WriteIcc(IccRegister.Igrpen0, 1);
            }
        VgicSnapshot? saved = null;
        int pendingSeen = 0;
        for (int step = 0; step < 3000; step++)
        {
            int intid = spis[rng.Next(spis.Length)];
            ulong word = (ulong)(intid / 32) * 4;
            uint bits = (uint)rng.NextInt64(0, 1L << 32);
            string op;
            switch (rng.Next(14))
            {
                case 0:
                case 1:
                case 2:
                    bool level = rng.Next(2) == 0;
                    m.Gic.SetSpiLevel(intid, level); op = $"level {intid} {level}"; break;
                case 3: m.Write(D + 0x100 + word, bits); op = $"ISENABLER {intid / 32} {bits:X}"; break;
                case 4: m.Write(D + 0x180 + word, bits & (uint)rng.NextInt64(0, 1L << 32)); op = $"ICENABLER {intid / 32}"; break;
                case 5: m.Write(D + 0x200 + word, 1u << (intid % 32)); op = $"ISPENDR {intid}"; break;
                case 6: m.Write(D + 0x280 + word, bits); op = $"ICPENDR {intid / 32} {bits:X}"; break;
                case 7: m.Write(D + (rng.Next(2) == 0 ? 0x300UL : 0x380UL) + word, 1u << (intid % 32)); op = $"IS/ICACTIVER {intid}"; break;
                case 8: m.Write(D + 0x080 + word, bits); op = $"IGROUPR {intid / 32} {bits:X}"; break;
                case 9: m.Write(D + 0xC00 + (ulong)(intid / 16) * 4, bits); op = $"ICFGR {intid / 16} {bits:X}"; break;
                case 10: m.Write(D + 0x400 + (ulong)intid, (ulong)rng.Next(256), len: 1); op = $"IPRIORITYR {intid}"; break;
                case 11:
                    if (version == 3) m.Write(D + 0x6000 + (ulong)intid * 8, (ulong)rng.Next(3), len: 8);
                    else m.Write(D + 0x800 + (ulong)intid, (ulong)rng.Next(4), len: 1);
                    op = $"route {intid}"; break;
                case 12:
                    m.Write(D, (ulong)rng.Next(4)); op = "GICD_CTLR"; break;
                default:
                    switch (rng.Next(4))
                    {
                        case 0 when version == 3:
                            m.Cpu(rng.Next(2)).ReadIcc(rng.Next(2) == 0 ? IccRegister.Iar1 : IccRegister.Iar0); op = "IAR"; break;
                        case 1: saved = m.Gic.Save(); op = "save"; break;
                        case 2 when saved != null: m.Gic.Restore(saved); op = "restore"; break;
                        case 3 when rng.Next(8) == 0: m.Gic.Reset(); op = "reset"; break;
                        default: op = "nothing"; break;
                    }
                    break;
            }
            for (int cpu = 0; cpu < 2; cpu++)
            {
                int? best = FullScan(m, version, spis, cpu, out bool group1);
                if (best != null) pendingSeen++;
                if (version == 3)
                {
                    Assert.True(Hppir(best, group1, wantGroup1: true) == m.Cpu(cpu).ReadIcc(IccRegister.Hppir1), $"step {step} ({op}), CPU {cpu}: HPPIR1");
                    Assert.True(Hppir(best, group1, wantGroup1: false) == m.Cpu(cpu).ReadIcc(IccRegister.Hppir0), $"step {step} ({op}), CPU {cpu}: HPPIR0");
                }
                else
                {
                    ulong expected = best is { } b ? (ulong)b : Gic.SpuriousIntid;
                    Assert.True(expected == m.Read(C + 0x18, vcpu: cpu), $"step {step} ({op}), CPU {cpu}: GICC_HPPIR");
                }
            }
        }
        // The sequence did reach states with a pending interrupt to find (not only the empty answer).
        Assert.True(pendingSeen > 500, $"only {pendingSeen} checks had a pending SPI");
    }

    private static ulong Hppir(int? best, bool group1, bool wantGroup1) =>
        best is { } b && group1 == wantGroup1 ? (ulong)b : Gic.SpuriousIntid;

    /// <summary>GIC-5 over every SPI, from the distributor's registers as a guest reads them.</summary>
    private static int? FullScan(VgicMachine m, int version, int[] spis, int cpu, out bool group1)
    {
        uint ctlr = (uint)m.Read(D) & 3;
        int? best = null;
        int bestPriority = int.MaxValue;
        group1 = false;
        int words = m.Gic.IrqCount / 32;
        ulong[] Bank(ulong bank) => Enumerable.Range(0, words).Select(w => m.Read(D + bank + (ulong)w * 4)).ToArray();
        ulong[] enabled = Bank(0x100), pending = Bank(0x200), active = Bank(0x300), groups = Bank(0x080);
        for (int intid = 32; intid < m.Gic.IrqCount; intid++)
        {
            bool Bit(ulong[] bank) => ((bank[intid / 32] >> (intid % 32)) & 1) != 0;
            if (!Bit(enabled) || !Bit(pending) || Bit(active)) continue;
            bool g1 = Bit(groups);
            if (((ctlr >> (g1 ? 1 : 0)) & 1) == 0) continue;
            bool routed = version == 3
                ? m.Read(D + 0x6000 + (ulong)intid * 8, len: 8) == (ulong)cpu
                : ((m.Read(D + 0x800 + (ulong)intid, len: 1) >> cpu) & 1) != 0;
            if (!routed) continue;
            int priority = (int)m.Read(D + 0x400 + (ulong)intid, len: 1);
            if (priority < bestPriority)
            {
                best = intid;
                bestPriority = priority;
                group1 = g1;
            }
        }
        // Only the chosen SPIs are ever touched, so the scan over all of them must find one of those.
        Assert.True(best == null || spis.Contains(best.Value));
        return best;
    }
}
