using Xunit;
using static Arm64Vm.Cpu.Tests.SimdTestUtil;

namespace Arm64Vm.Cpu.Tests;

/// <summary>Loads and stores of SIMD&amp;FP registers in every addressing mode, and the structure loads/stores.</summary>
public class SimdLoadStoreTests
{
    private const ulong D = CpuHarness.DataBase;
    private const ulong Ones = ulong.MaxValue;

    private static CpuHarness Setup()
    {
        var h = NewHarness();
        FillPattern(h);
        for (int i = 0; i < 32; i++) SetV(h.Cpu, i, Ones, Ones);
        return h;
    }

    [Fact]
    public void UnsignedOffsetLoadsZeroTheRestOfTheRegister()
    {
        using var h = Setup();
        h.Cpu.SetX(0, D + 0x100);
        h.Run(
            0x3D400401, // ldr b1, [x0, #1]
            0x7D400402, // ldr h2, [x0, #2]
            0xBD400403, // ldr s3, [x0, #4]
            0xFD400404, // ldr d4, [x0, #8]
            0x3DC00405, // ldr q5, [x0, #16]
            0x3DCFF006); // ldr q6, [x0, #16320]
        AssertClean(h);
        AssertV(h.Cpu, 1, PatLe(0x101, 1), 0);
        AssertV(h.Cpu, 2, PatLe(0x102, 2), 0);
        AssertV(h.Cpu, 3, PatLe(0x104, 4), 0);
        AssertV(h.Cpu, 4, PatLe(0x108, 8), 0);
        AssertV(h.Cpu, 5, PatLe(0x110, 8), PatLe(0x118, 8));
        Assert.Equal(0UL, h.Cpu.GetD(6)); // pattern not filled that far: RAM is zero
    }

    [Fact]
    public void UnsignedOffsetStoresWriteExactlyTheAccessSize()
    {
        using var h = Setup();
        h.Cpu.SetX(1, D + 0x800);
        SetV(h.Cpu, 1, 0x1111111111111181, Ones);
        SetV(h.Cpu, 2, 0x2222222222228222, Ones);
        SetV(h.Cpu, 3, 0x3333333383333333, Ones);
        SetV(h.Cpu, 4, 0x8444444444444444, Ones);
        SetV(h.Cpu, 5, 0x0123456789ABCDEF, 0xFEDCBA9876543210);
        h.Run(
            0x3D000021, // str b1, [x1]
            0x7D000422, // str h2, [x1, #2]
            0xBD000423, // str s3, [x1, #4]
            0xFD000424, // str d4, [x1, #8]
            0x3D800425); // str q5, [x1, #16]
        AssertClean(h);
        Assert.Equal(0x81UL, h.Ram.ReadRaw(D + 0x800, 1));
        Assert.Equal(PatLe(0x801, 1), h.Ram.ReadRaw(D + 0x801, 1));
        Assert.Equal(0x8222UL, h.Ram.ReadRaw(D + 0x802, 2));
        Assert.Equal(0x83333333UL, h.Ram.ReadRaw(D + 0x804, 4));
        Assert.Equal(0x8444444444444444UL, h.Ram.ReadRaw(D + 0x808, 8));
        Assert.Equal(0x0123456789ABCDEFUL, h.Ram.ReadRaw(D + 0x810, 8));
        Assert.Equal(0xFEDCBA9876543210UL, h.Ram.ReadRaw(D + 0x818, 8));
        Assert.Equal(PatLe(0x820, 8), h.Ram.ReadRaw(D + 0x820, 8));
    }

    [Fact]
    public void UnscaledPreAndPostIndex()
    {
        using var h = Setup();
        h.Cpu.SetX(0, D + 0x201);
        h.Cpu.SetX(1, D + 0x900);
        SetV(h.Cpu, 4, 0xA1A2A3A4A5A6A7A8, 0);
        SetV(h.Cpu, 5, 0x0102030405060708, 0x1112131415161718);
        SetV(h.Cpu, 3, 0xCAFEF00D, 0);
        h.Run(
            0x3CDFF007, // ldur q7, [x0, #-1]         (unaligned by one from x0, aligned overall)
            0xFC0FF024, // stur d4, [x1, #255]        (unaligned store)
            0x3CDF0408, // ldr q8, [x0], #-16         x0 = 0x1F1
            0xFC408C09, // ldr d9, [x0, #8]!          x0 = 0x1F9
            0x3C900C25, // str q5, [x1, #-256]!       x1 = 0x800
            0xBC004423); // str s3, [x1], #4          x1 = 0x804
        AssertClean(h);
        AssertV(h.Cpu, 7, PatLe(0x200, 8), PatLe(0x208, 8));
        Assert.Equal(0xA8UL, h.Ram.ReadRaw(D + 0x9FF, 1));
        Assert.Equal(0xA1A2A3A4A5A6A7UL, h.Ram.ReadRaw(D + 0xA00, 8) & 0xFF_FFFF_FFFF_FFFF);
        AssertV(h.Cpu, 8, PatLe(0x201, 8), PatLe(0x209, 8));
        AssertV(h.Cpu, 9, PatLe(0x1F9, 8), 0);
        Assert.Equal(D + 0x1F9, h.Cpu.X(0));
        Assert.Equal(D + 0x804, h.Cpu.X(1));
        // The post-indexed S store overwrote the first word of the pre-indexed Q store.
        Assert.Equal(0xCAFEF00DUL, h.Ram.ReadRaw(D + 0x800, 4));
        Assert.Equal(0x01020304UL, h.Ram.ReadRaw(D + 0x804, 4));
        Assert.Equal(0x1112131415161718UL, h.Ram.ReadRaw(D + 0x808, 8));
    }

    [Fact]
    public void RegisterOffsetExtendsAndScales()
    {
        using var h = Setup();
        h.Cpu.SetX(0, D + 0x400);
        h.Cpu.SetX(1, D + 0xA00);
        h.Cpu.SetX(2, 0xFFFF_FFFF_0000_0003);   // uxtw takes the low word: 3; as X: huge
        h.Cpu.SetX(3, 0x0000_0000_FFFF_FFFE);   // sxtw: -2
        SetV(h.Cpu, 2, 0xBEEF, 0);
        SetV(h.Cpu, 5, 0x5555_5555_5555_5555, 0x6666_6666_6666_6666);
        h.Cpu.SetX(2, 3);
        h.Run(
            0x3CE2780A, // ldr q10, [x0, x2, lsl #4]   0x430
            0xFC63D80B, // ldr d11, [x0, w3, sxtw #3]  0x3F0
            0x3C62480C, // ldr b12, [x0, w2, uxtw]     0x403
            0x7C226822, // str h2, [x1, x2]            0xA03
            0x3CA3C825); // str q5, [x1, w3, sxtw]     0x9FE
        AssertClean(h);
        AssertV(h.Cpu, 10, PatLe(0x430, 8), PatLe(0x438, 8));
        AssertV(h.Cpu, 11, PatLe(0x3F0, 8), 0);
        AssertV(h.Cpu, 12, PatLe(0x403, 1), 0);
        Assert.Equal(0x5555_5555_5555_5555UL, h.Ram.ReadRaw(D + 0x9FE, 8));
        Assert.Equal(0x6666_6666_6666_6666UL, h.Ram.ReadRaw(D + 0xA06, 8));
    }

    [Fact]
    public void LiteralLoads()
    {
        using var h = Setup();
        h.Run(
            0x1C00008D, // ldr s13, lit
            0x5C00006E, // ldr d14, lit
            0x9C00004F, // ldr q15, lit
            0x14000005, // b end
            0x11223344, 0x55667788, 0x99AABBCC, 0xDDEEFF00, // lit
            0xD503201F); // end: nop
        AssertClean(h);
        AssertV(h.Cpu, 13, 0x11223344, 0);
        AssertV(h.Cpu, 14, 0x5566778811223344, 0);
        AssertV(h.Cpu, 15, 0x5566778811223344, 0xDDEEFF0099AABBCC);
    }

    [Fact]
    public void PairsInEveryMode()
    {
        using var h = Setup();
        h.Cpu.SetX(0, D + 0x300);
        h.Cpu.SetX(1, D + 0xC00);
        SetV(h.Cpu, 5, 1, 2);
        SetV(h.Cpu, 6, 3, 4);
        SetV(h.Cpu, 4, 0x4444, 0);
        SetV(h.Cpu, 9, 0x9999, 0);
        h.Run(
            0xAD414410, // ldp q16, q17, [x0, #32]
            0x6CFF4C12, // ldp d18, d19, [x0], #-16    x0 = 0x2F0
            0x2DFF5414, // ldp s20, s21, [x0, #-8]!    x0 = 0x2E8
            0xADA01825, // stp q5, q6, [x1, #-1024]!   x1 = 0x800
            0x6C00A424, // stnp d4, d9, [x1, #8]
            0xAC7F5C16); // ldnp q22, q23, [x0, #-32]  0x2C8
        AssertClean(h);
        AssertV(h.Cpu, 16, PatLe(0x320, 8), PatLe(0x328, 8));
        AssertV(h.Cpu, 17, PatLe(0x330, 8), PatLe(0x338, 8));
        AssertV(h.Cpu, 18, PatLe(0x300, 8), 0);
        AssertV(h.Cpu, 19, PatLe(0x308, 8), 0);
        AssertV(h.Cpu, 20, PatLe(0x2E8, 4), 0);
        AssertV(h.Cpu, 21, PatLe(0x2EC, 4), 0);
        AssertV(h.Cpu, 22, PatLe(0x2C8, 8), PatLe(0x2D0, 8));
        AssertV(h.Cpu, 23, PatLe(0x2D8, 8), PatLe(0x2E0, 8));
        Assert.Equal(D + 0x2E8, h.Cpu.X(0));
        Assert.Equal(D + 0x800, h.Cpu.X(1));
        Assert.Equal(1UL, h.Ram.ReadRaw(D + 0x800, 8));
        Assert.Equal(0x4444UL, h.Ram.ReadRaw(D + 0x808, 8)); // stnp overwrote the high half of q5
        Assert.Equal(0x9999UL, h.Ram.ReadRaw(D + 0x810, 8));
        Assert.Equal(4UL, h.Ram.ReadRaw(D + 0x818, 8));
    }

    [Fact]
    public void PairLoadThatFaultsOnTheSecondRegisterWritesNothing()
    {
        using var h = Setup();
        ulong end = CpuHarness.RamBase + CpuHarness.RamSize;
        h.Cpu.SetX(0, end - 48);
        Step(h, 0xAD414410); // ldp q16, q17, [x0, #32]   q17 lies beyond RAM
        Assert.False(h.StoppedCleanly);
        Assert.Equal(0x25UL, h.Cpu.SysRegs.EsrEl1 >> 26);   // data abort, same EL
        AssertV(h.Cpu, 16, Ones, Ones);
        Assert.Equal(end - 48, h.Cpu.X(0));
    }

    [Fact]
    public void PairStoreThatFaultsDoesNotWriteBack()
    {
        using var h = Setup();
        ulong end = CpuHarness.RamBase + CpuHarness.RamSize;
        h.Cpu.SetX(1, end - 16 + 1024);
        Step(h, 0xADA01825); // stp q5, q6, [x1, #-1024]!   q6 lies beyond RAM
        // An external abort is reported by the bus at the access itself, so the first register may have been
        // stored (the architecture leaves such memory UNKNOWN); the base register is not written back.
        Assert.Equal(0x25UL, h.Cpu.SysRegs.EsrEl1 >> 26);
        Assert.Equal(0x10UL, h.Cpu.SysRegs.EsrEl1 & 0x3F);
        Assert.Equal(end - 16 + 1024, h.Cpu.X(1));
    }

    [Fact]
    public void AlignmentCheckUsesTheAccessSizeForQAndTheElementSizeForStructures()
    {
        using var h = Setup();
        h.Cpu.SysRegs.SctlrEl1 |= 2;
        h.Cpu.SetX(0, D + 0x108);
        h.Run(0x4C406803); // ld1 {v3.4s-v5.4s}, [x0]   4-byte elements at an 8-aligned address: fine
        AssertClean(h);
        AssertV(h.Cpu, 5, PatLe(0x128, 8), PatLe(0x130, 8));
        Step(h, 0x3DC00005); // ldr q5, [x0]   not 16-aligned: alignment fault (DFSC 0x21)
        Assert.Equal(0x25UL, h.Cpu.SysRegs.EsrEl1 >> 26);
        Assert.Equal(0x21UL, h.Cpu.SysRegs.EsrEl1 & 0x3F);
    }

    [Fact]
    public void DeviceMemoryAllowsElementAlignedStructuresButNotUnalignedRegisters()
    {
        using var h = NewHarness(normalMemory: false);
        FillPattern(h);
        h.Cpu.SetX(0, D + 0x104);
        h.Run(0x4C406803); // ld1 {v3.4s-v5.4s}, [x0]   (split into aligned 4-byte pieces)
        AssertClean(h);
        AssertV(h.Cpu, 3, PatLe(0x104, 8), PatLe(0x10C, 8));
        Step(h, 0xFD400404); // ldr d4, [x0, #8]   0x10C on Device memory: alignment fault
        Assert.Equal(0x25UL, h.Cpu.SysRegs.EsrEl1 >> 26);
        Assert.Equal(0x21UL, h.Cpu.SysRegs.EsrEl1 & 0x3F);
    }

    /// <summary>
    /// A Q-register access is one 16-byte Mem[] access (made as two 8-byte pieces): on Device memory it must be
    /// 16-byte aligned, so an 8-byte aligned LDR/STR/LDP/STP Q takes an Alignment fault (DFSC 0x21, FAR = the
    /// address) with nothing loaded or stored (Arm ARM B2.5.2; AArch64.TranslateAddress with wasaligned FALSE).
    /// </summary>
    [Fact]
    public void UnalignedQAccessesToDeviceMemoryTakeAlignmentFaults()
    {
        using var h = NewHarness(normalMemory: false);   // MMU off, HCR_EL2.DC = 0: data is Device-nGnRnE
        FillPattern(h);
        for (int i = 0; i < 8; i++) SetV(h.Cpu, i, Ones, Ones);
        foreach (uint word in new uint[]
                 {
                     0x3DC00005, // ldr q5, [x0]
                     0x3D800005, // str q5, [x0]
                     0xAD401C06, // ldp q6, q7, [x0]
                     0xAD011C06, // stp q6, q7, [x0, #32]
                     0x3CC01005, // ldur q5, [x0, #1]
                 })
        {
            ulong va = D + 0x208;
            h.Cpu.SetX(0, va);
            ulong far = word == 0xAD011C06 ? va + 32 : word == 0x3CC01005 ? va + 1 : va;
            Step(h, word);
            Assert.True(h.Cpu.SysRegs.EsrEl1 >> 26 == 0x25, $"0x{word:X8}: ESR 0x{h.Cpu.SysRegs.EsrEl1:X}");
            Assert.Equal(0x21UL, h.Cpu.SysRegs.EsrEl1 & 0x3F);
            Assert.Equal(far, h.Cpu.SysRegs.FarEl1);
            Assert.Equal(CpuHarness.CodeBase, h.Cpu.SysRegs.ElrEl1);
        }
        for (int i = 5; i < 8; i++) AssertV(h.Cpu, i, Ones, Ones);
        for (ulong off = 0x200; off < 0x260; off += 8) Assert.Equal(PatLe(off, 8), h.Ram.ReadRaw(D + off, 8));

        // 16-byte aligned Q accesses, and 8-byte elements at an 8-byte aligned address, are fine on Device memory.
        h.Cpu.SetX(0, D + 0x200);
        h.Run(0x3DC00405,  // ldr q5, [x0, #16]
              0xAD011C06); // stp q6, q7, [x0, #32]
        AssertClean(h);
        AssertV(h.Cpu, 5, PatLe(0x210, 8), PatLe(0x218, 8));
        Assert.Equal(Ones, h.Ram.ReadRaw(D + 0x238, 8));
        h.Cpu.SetX(0, D + 0x108);
        h.Run(0x4C407C03); // ld1 {v3.2d}, [x0]
        AssertClean(h);
        AssertV(h.Cpu, 3, PatLe(0x108, 8), PatLe(0x110, 8));
    }

    [Fact]
    public void UnalignedQAccessesToNormalMemoryNeedNoAlignment()
    {
        using var h = Setup();                            // Normal memory (HCR_EL2.DC = 1), SCTLR_EL1.A = 0
        h.Cpu.SetX(0, D + 0x208);
        h.Run(0x3DC00005,  // ldr q5, [x0]
              0x3CC01004); // ldur q4, [x0, #1]
        AssertClean(h);
        AssertV(h.Cpu, 5, PatLe(0x208, 8), PatLe(0x210, 8));
        AssertV(h.Cpu, 4, PatLe(0x209, 8), PatLe(0x211, 8));
    }

    [Fact]
    public void MisalignedSpBaseFaultsWhenSctlrSaIsSet()
    {
        using var h = Setup();
        h.Cpu.SpEl1 = D + 8;
        h.Cpu.SpSel = 1;
        h.Cpu.SysRegs.SctlrEl1 &= ~(1UL << 3);
        Step(h, 0x3DC007E0); // ldr q0, [sp, #16]
        AssertV(h.Cpu, 0, PatLe(0x18, 8), PatLe(0x20, 8));
        h.Cpu.SysRegs.SctlrEl1 |= 1UL << 3;
        Step(h, 0x3DC007E0);
        Assert.Equal(0x26UL, h.Cpu.SysRegs.EsrEl1 >> 26);
    }

    [Fact]
    public void TrappedWhenCpacrFpenIsClear()
    {
        using var h = Setup();
        h.Cpu.SysRegs.CpacrEl1 = 0;
        h.Cpu.SetX(0, D);
        Step(h, 0x3DC00005); // ldr q5, [x0]
        Assert.Equal(0x07UL, h.Cpu.SysRegs.EsrEl1 >> 26);
        Assert.Equal(CpuHarness.CodeBase, h.Cpu.SysRegs.ElrEl1);
        AssertV(h.Cpu, 5, Ones, Ones);
    }

    [Theory]
    [InlineData(0xDC00004Fu)] // ldr literal, V = 1, opc = 11
    [InlineData(0xED414410u)] // ldp, V = 1, opc = 11
    [InlineData(0x7DC00405u)] // ldr q-sized opc with size = 01
    [InlineData(0x3CE2080Au)] // register offset, option = 000 (unallocated)
    [InlineData(0x3C400805u)] // ldtr-shaped V = 1 (unallocated)
    [InlineData(0x0C401C00u)] // ld1 multiple, opcode = 0001 (unallocated)
    [InlineData(0x0C408C00u)] // ld2 {.1d}: size = 11, Q = 0 (reserved)
    [InlineData(0x0D40C400u | (1u << 12))] // ld1r with S = 1
    [InlineData(0x0D404400u)] // ld1 single, H lane with size<0> = 1
    [InlineData(0x0D009C00u)] // st1 single, D lane with S = 1
    [InlineData(0x0D00C000u)] // replicate opcode with L = 0
    public void UnallocatedEncodingsAreUndefined(uint word)
    {
        using var h = Setup();
        h.Cpu.SetX(0, D);
        h.Cpu.SetX(2, 0);
        Step(h, word);
        Assert.True((h.Cpu.SysRegs.EsrEl1 >> 26) == 0, $"0x{word:X8}: ESR = 0x{h.Cpu.SysRegs.EsrEl1:X}");
        Assert.Equal(CpuHarness.CodeBase, h.Cpu.SysRegs.ElrEl1);
    }
}
