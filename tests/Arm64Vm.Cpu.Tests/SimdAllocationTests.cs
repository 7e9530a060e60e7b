using Xunit;
using static Arm64Vm.Cpu.Tests.SimdTestUtil;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// FP and AdvSIMD instructions must not allocate: a loop of scalar/vector FP, integer SIMD, permutes, table
/// lookups and vector loads/stores (register and structure forms) runs thousands of times with zero managed bytes
/// allocated after the first pass (which JIT-compiles the handlers and builds the decoded page).
/// </summary>
public class SimdAllocationTests
{
    private static readonly uint[] Loop =
    {
        0xad400400, // ldp q0, q1, [x0]
        0x4e21d402, // fadd v2.4s, v0.4s, v1.4s
        0x4e61cc03, // fmla v3.2d, v0.2d, v1.2d
        0x4ea1b844, // fcvtzs v4.4s, v2.4s
        0x4ea1d825, // frecpe v5.4s, v1.4s
        0x1e611806, // fdiv d6, d0, d1
        0x1e21c027, // fsqrt s7, s1
        0x1e63c0ca, // fcvt h10, d6
        0x1e6720d0, // fcmpe d6, d7
        0x6e30c84b, // fmaxnmv s11, v2.4s
        0x4c400810, // ld4 {v16.4s-v19.4s}, [x0]
        0x4c00a022, // st1 {v2.16b, v3.16b}, [x1]
        0x3d800c24, // str q4, [x1, #48]
        0x4e010008, // tbl v8.16b, {v0.16b}, v1.16b
        0x4eb1b809, // addv s9, v0.4s
        0x4e61b40c, // sqdmulh v12.8h, v0.8h, v1.8h
        0x4e81180d, // uzp1 v13.4s, v0.4s, v1.4s
        0x0e21e00e, // pmull v14.8h, v0.8b, v1.8b
        0x4e183c43, // mov x3, v2.d[1]
        0x9e62006f, // scvtf d15, x3
        0xf1000442, // subs x2, x2, #1
        0x54fffd61, // b.ne loop
    };

    private static void RunLoop(CpuHarness h, ulong iterations)
    {
        h.Cpu.SetX(0, CpuHarness.DataBase);
        h.Cpu.SetX(1, CpuHarness.DataBase + 0x1000);
        h.Cpu.SetX(2, iterations);
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.Run(iterations * (ulong)Loop.Length + 1);
    }

    [Fact]
    public void VectorInstructionsDoNotAllocate()
    {
        foreach (bool normal in new[] { true, false })   // RAM as Normal (fast paths) and as Device (slow paths)
        {
            using var h = NewHarness(normalMemory: normal);
            FillPattern(h);
            h.Load(CpuHarness.CodeBase, Loop);
            h.Load(CpuHarness.CodeBase + 4 * (ulong)Loop.Length, CpuHarness.Stop);
            RunLoop(h, 2);                                  // warm-up: JIT, decoded page, TLB
            RunLoop(h, 300);
            // The fewest bytes of three measured runs: an allocation per instruction or per access shows in every
            // run (5000 iterations of 22 instructions), while the runtime's own one-off work that a loaded machine
            // can delay into a measured run (tier-up of a handler, its call-counting stubs) shows in at most one.
            long allocated = long.MaxValue;
            for (int run = 0; run < 3 && allocated != 0; run++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                RunLoop(h, 5000);
                allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
                Assert.True(h.StoppedCleanly, $"stopped with ESR 0x{h.Cpu.SysRegs.EsrEl1:X} at 0x{h.Cpu.SysRegs.ElrEl1:X}");
            }
            Assert.Equal(0L, allocated);
        }
    }
}
