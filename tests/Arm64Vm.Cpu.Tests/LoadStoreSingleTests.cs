using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>Single-register loads and stores: every addressing mode, size and extension (Arm ARM C4.1.68).</summary>
public class LoadStoreSingleTests
{
    private const ulong D = LdstTest.Data;

    [Fact]
    public void UnsignedOffsetLoadsExtendAtTheSignBoundaries()
    {
        using var h = new CpuHarness();
        h.Ram.WriteRaw(D, 8, 0x8000_0000_8000_8000UL);   // byte 1 = 0x80, half 1 = 0x8000, word 1 = 0x80000000
        h.Ram.WriteRaw(D + 8, 8, 0xFEDC_BA98_7654_3210UL);
        h.Ram.WriteRaw(D + 32760, 8, 0x1122_3344_5566_7788UL);
        for (int r = 0; r < 11; r++) if (r != 1) h.Cpu.SetX(r, ulong.MaxValue);
        h.Cpu.SetX(1, D);
        LdstTest.RunClean(h,
            0x39400420, // ldrb w0, [x1, #1]
            0x39C00422, // ldrsb w2, [x1, #1]
            0x39800423, // ldrsb x3, [x1, #1]
            0x79400424, // ldrh w4, [x1, #2]
            0x79C00425, // ldrsh w5, [x1, #2]
            0x79800426, // ldrsh x6, [x1, #2]
            0xB9400427, // ldr w7, [x1, #4]
            0xB9800428, // ldrsw x8, [x1, #4]
            0xF9400429, // ldr x9, [x1, #8]
            0xF97FFC2A); // ldr x10, [x1, #32760]
        var c = h.Cpu;
        Assert.Equal(0x80UL, c.X(0));
        Assert.Equal(0xFFFF_FF80UL, c.X(2));                 // W destination: upper 32 bits zero
        Assert.Equal(0xFFFF_FFFF_FFFF_FF80UL, c.X(3));
        Assert.Equal(0x8000UL, c.X(4));
        Assert.Equal(0xFFFF_8000UL, c.X(5));
        Assert.Equal(0xFFFF_FFFF_FFFF_8000UL, c.X(6));
        Assert.Equal(0x8000_0000UL, c.X(7));
        Assert.Equal(0xFFFF_FFFF_8000_0000UL, c.X(8));
        Assert.Equal(0xFEDC_BA98_7654_3210UL, c.X(9));
        Assert.Equal(0x1122_3344_5566_7788UL, c.X(10));      // largest scaled offset: 4095 * 8
    }

    [Fact]
    public void PositiveValuesJustBelowTheSignBitAreNotExtended()
    {
        using var h = new CpuHarness();
        h.Ram.WriteRaw(D, 8, 0x7FFF_FFFF_7FFF_7F00UL);   // byte 1 = 0x7F, half 1 = 0x7FFF, word 1 = 0x7FFFFFFF
        h.Cpu.SetX(1, D);
        LdstTest.RunClean(h,
            0x39800423, // ldrsb x3, [x1, #1]
            0x79C00425, // ldrsh w5, [x1, #2]
            0xB9800428); // ldrsw x8, [x1, #4]
        Assert.Equal(0x7FUL, h.Cpu.X(3));
        Assert.Equal(0x7FFFUL, h.Cpu.X(5));
        Assert.Equal(0x7FFF_FFFFUL, h.Cpu.X(8));
    }

    [Fact]
    public void StoresWriteOnlyTheirSize()
    {
        using var h = new CpuHarness();
        for (ulong i = 0; i < 24; i += 8) h.Ram.WriteRaw(D + i, 8, 0xAAAA_AAAA_AAAA_AAAAUL);
        h.Cpu.SetX(1, D);
        h.Cpu.SetX(2, 0x0102_0304_0506_0708UL);
        LdstTest.RunClean(h,
            0x39000422, // strb w2, [x1, #1]
            0x79000422, // strh w2, [x1, #2]
            0xB9000422, // str w2, [x1, #4]
            0xF9000422, // str x2, [x1, #8]
            0xF900083F); // str xzr, [x1, #16]
        Assert.Equal(0x0506_0708_0708_08AAUL, h.Ram.ReadRaw(D, 8));
        Assert.Equal(0x0102_0304_0506_0708UL, h.Ram.ReadRaw(D + 8, 8));
        Assert.Equal(0UL, h.Ram.ReadRaw(D + 16, 8));
    }

    [Fact]
    public void PreAndPostIndexWriteBackTheBase()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        h.Ram.WriteRaw(D + 0x100, 8, 0x1111_2222_3333_4444UL);       // ldr x0, [x1, #-256]!
        h.Ram.WriteRaw(D + 0x200, 8, 0x5555_6666_7777_8888UL);       // ldr x2, [x3], #255
        h.Ram.WriteRaw(D + 0x400, 1, 0x90);                          // ldrsb x8, [x9], #1
        h.Ram.WriteRaw(D + 0x502, 2, 0x8001);                        // ldrsh w10, [x11, #2]!
        h.Ram.WriteRaw(D + 0x600, 4, 0xFFFF_FFFE);                   // ldrsw x12, [x13], #-4
        c.SetX(1, D + 0x200); c.SetX(3, D + 0x200); c.SetX(4, 0x1234_56AB); c.SetX(5, D + 0x301);
        c.SetX(6, 0xCDEF); c.SetX(7, D + 0x380); c.SetX(9, D + 0x400); c.SetX(11, D + 0x500); c.SetX(13, D + 0x600);
        LdstTest.RunClean(h,
            0xF8500C20, // ldr x0, [x1, #-256]!
            0xF84FF462, // ldr x2, [x3], #255
            0x381FFCA4, // strb w4, [x5, #-1]!
            0x781FE4E6, // strh w6, [x7], #-2
            0x38801528, // ldrsb x8, [x9], #1
            0x78C02D6A, // ldrsh w10, [x11, #2]!
            0xB89FC5AC); // ldrsw x12, [x13], #-4
        Assert.Equal(0x1111_2222_3333_4444UL, c.X(0));
        Assert.Equal(D + 0x100, c.X(1));
        Assert.Equal(0x5555_6666_7777_8888UL, c.X(2));
        Assert.Equal(D + 0x200 + 255, c.X(3));
        Assert.Equal(0xABUL, h.Ram.ReadRaw(D + 0x300, 1));
        Assert.Equal(D + 0x300, c.X(5));
        Assert.Equal(0xCDEFUL, h.Ram.ReadRaw(D + 0x380, 2));
        Assert.Equal(D + 0x37E, c.X(7));
        Assert.Equal(0xFFFF_FFFF_FFFF_FF90UL, c.X(8));
        Assert.Equal(D + 0x401, c.X(9));
        Assert.Equal(0xFFFF_8001UL, c.X(10));
        Assert.Equal(D + 0x502, c.X(11));
        Assert.Equal(ulong.MaxValue - 1, c.X(12));
        Assert.Equal(D + 0x5FC, c.X(13));
    }

    [Fact]
    public void WritebackWithRnEqualRtFollowsQemu()
    {
        // CONSTRAINED UNPREDICTABLE (WBOVERLAPLD/ST): a load leaves the written-back address, a store stores the old
        // register value (QEMU's behaviour).
        using var h = new CpuHarness();
        h.Ram.WriteRaw(D, 8, 0xDEAD_BEEF_0000_0001UL);
        h.Ram.WriteRaw(D + 0x108, 8, 0xDEAD_BEEF_0000_0002UL);
        h.Cpu.SetX(1, D);
        LdstTest.RunClean(h, 0xF8408421); // ldr x1, [x1], #8
        Assert.Equal(D + 8, h.Cpu.X(1));

        h.Cpu.SetX(1, D + 0x100);
        LdstTest.RunClean(h, 0xF8408C21); // ldr x1, [x1, #8]!
        Assert.Equal(D + 0x108, h.Cpu.X(1));

        h.Cpu.SetX(1, D + 0x200);
        LdstTest.RunClean(h, 0xF8008C21); // str x1, [x1, #8]!
        Assert.Equal(D + 0x200, h.Ram.ReadRaw(D + 0x208, 8));
        Assert.Equal(D + 0x208, h.Cpu.X(1));

        h.Cpu.SetX(1, D + 0x300);
        LdstTest.RunClean(h, 0xF8010421); // str x1, [x1], #16
        Assert.Equal(D + 0x300, h.Ram.ReadRaw(D + 0x300, 8));
        Assert.Equal(D + 0x310, h.Cpu.X(1));
    }

    [Fact]
    public void UnscaledOffsetsReachUnalignedAddressesInNormalMemory()
    {
        using var h = new CpuHarness();
        LdstTest.UseNormalMemory(h);
        for (ulong i = 0; i < 16; i++) h.Ram.WriteRaw(D + 0xF0 + i, 1, 0x80 + i);   // 0x80 0x81 ... 0x8F at D+0xF0
        var c = h.Cpu;
        c.SetX(1, D + 0xF8);
        c.SetX(6, 0x0102_0304_0506_0708UL); c.SetX(7, 0x99); c.SetX(8, 0xBBAA);
        LdstTest.RunClean(h,
            0xF8401020, // ldur x0, [x1, #1]
            0xB85FD022, // ldur w2, [x1, #-3]
            0x389FF023, // ldursb x3, [x1, #-1]
            0x78DFE024, // ldursh w4, [x1, #-2]
            0xB89FC025, // ldursw x5, [x1, #-4]
            0xF8101026, // stur x6, [x1, #-255]
            0x38003027, // sturb w7, [x1, #3]
            0x78005028, // sturh w8, [x1, #5]
            0xF8801020); // prfum pldl1keep, [x1, #1]
        Assert.Equal(0x008F_8E8D_8C8B_8A89UL, c.X(0));
        Assert.Equal(0x8887_8685UL, c.X(2));
        Assert.Equal(0xFFFF_FFFF_FFFF_FF87UL, c.X(3));
        Assert.Equal(0xFFFF_8786UL, c.X(4));
        Assert.Equal(0xFFFF_FFFF_8786_8584UL, c.X(5));
        Assert.Equal(0x0102_0304_0506_0708UL, h.Ram.ReadRaw(D + 0xF8 - 255, 8));
        Assert.Equal(0x99UL, h.Ram.ReadRaw(D + 0xFB, 1));
        Assert.Equal(0xBBAAUL, h.Ram.ReadRaw(D + 0xFD, 2));
    }

    [Fact]
    public void UnalignedAccessToDeviceMemoryWithTheMmuOffIsAnAlignmentFault()
    {
        // MMU off: data accesses are Device-nGnRnE, so an unaligned access faults (Arm ARM B2.5.2), DFSC 0x21.
        using var h = new CpuHarness();
        h.Cpu.SetX(1, D + 0xF8);
        h.Cpu.SetX(0, 0x5A5A);
        uint esr = LdstTest.RunToException(h, 0xF8401020); // ldur x0, [x1, #1]
        LdstTest.AssertDataAbort(h, esr, 0, 0x21, D + 0xF9, write: false);
        Assert.Equal(0x5A5AUL, h.Cpu.X(0));

        esr = LdstTest.RunToException(h, 0x78005028); // sturh w8, [x1, #5]
        LdstTest.AssertDataAbort(h, esr, 0, 0x21, D + 0xFD, write: true);

        h.Cpu.SetX(1, D + 0xF9);
        LdstTest.RunClean(h, 0x39400420); // ldrb w0, [x1, #1]: a byte is always aligned
    }

    [Fact]
    public void SctlrAMakesUnalignedNormalAccessesFault()
    {
        using var h = new CpuHarness();
        LdstTest.UseNormalMemory(h);
        h.Cpu.SysRegs.SctlrEl1 |= 1UL << 1;   // A
        h.Cpu.SetX(1, D + 0xF8);
        uint esr = LdstTest.RunToException(h, 0xB85FD022); // ldur w2, [x1, #-3]
        LdstTest.AssertDataAbort(h, esr, 0, 0x21, D + 0xF5, write: false);
    }

    [Fact]
    public void RegisterOffsetExtendsAndShiftsTheIndex()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        for (ulong i = 0; i < 64; i++) h.Ram.WriteRaw(D + 8 * i, 8, 0x1000 + i);      // qword i holds 0x1000 + i
        c.SetX(1, D + 0x100);
        c.SetX(2, 0xFFFF_FFFF_0000_0008UL);   // W2 = 8: UXTW ignores the upper half; as X it is huge
        LdstTest.RunClean(h, 0xB8624820);      // ldr w0, [x1, w2, uxtw]
        Assert.Equal(0x1000UL + 0x108 / 8, c.X(0));
        LdstTest.RunClean(h, 0xB8625820);      // ldr w0, [x1, w2, uxtw #2]
        Assert.Equal(0x1000UL + 0x120 / 8, c.X(0));

        c.SetX(2, 0x0000_0000_FFFF_FFFEUL);   // W2 = -2
        LdstTest.RunClean(h, 0xF862D820);      // ldr x0, [x1, w2, sxtw #3]
        Assert.Equal(0x1000UL + 0xF0 / 8, c.X(0));
        h.Ram.WriteRaw(D + 0xFC, 2, 0x8765);
        LdstTest.RunClean(h, 0x78A2D820);      // ldrsh x0, [x1, w2, sxtw #1]: D + 0x100 - 4
        Assert.Equal(0xFFFF_FFFF_FFFF_8765UL, c.X(0));

        c.SetX(2, unchecked((ulong)-8L));
        LdstTest.RunClean(h, 0xF8626820);      // ldr x0, [x1, x2]
        Assert.Equal(0x0000_8765_0000_101FUL, c.X(0));
        LdstTest.RunClean(h, 0x3862E820);      // ldrb w0, [x1, x2, sxtx]
        Assert.Equal(0x1FUL, c.X(0));
        c.SetX(2, 3);
        LdstTest.RunClean(h, 0xF8627820);      // ldr x0, [x1, x2, lsl #3]
        Assert.Equal(0x1000UL + 0x118 / 8, c.X(0));

        c.SetX(3, 0xABCD);
        LdstTest.RunClean(h, 0xF8227823);      // str x3, [x1, x2, lsl #3]
        Assert.Equal(0xABCDUL, h.Ram.ReadRaw(D + 0x118, 8));
        c.SetX(2, 0xFFFF_FFFFUL);              // W2 = -1
        LdstTest.RunClean(h, 0x3822C823);      // strb w3, [x1, w2, sxtw]
        Assert.Equal(0xCDUL, h.Ram.ReadRaw(D + 0xFF, 1));
        LdstTest.RunClean(h, 0xF8A26820);      // prfm pldl1keep, [x1, x2]
    }

    /// <summary>
    /// CPU-SPEC-2 for the register-offset rows: their variants (Rn = SP, Rt = ZR, option LSL) give what the row op gives —
    /// SP as the base, ZR discarding a load's value and storing zero — under each option.
    /// </summary>
    [Fact]
    public void RegisterOffsetVariantsTakeSpAsTheBaseAndZrAsTheTarget()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        for (ulong i = 0; i < 64; i++) h.Ram.WriteRaw(D + 8 * i, 8, 0x2000 + i);
        c.Sp = D + 0x100;
        c.SetX(1, D);
        c.SetX(2, 3);
        LdstTest.RunClean(h, 0xF8627BE0);      // ldr x0, [sp, x2, lsl #3]
        Assert.Equal(0x2000UL + 0x118 / 8, c.X(0));
        h.Ram.WriteRaw(D + 0x10C, 4, 0xCAFE_F00D);
        c.SetX(2, 0xFFFF_FFFF_0000_0003UL);   // W2 = 3: UXTW ignores the upper half
        LdstTest.RunClean(h, 0xB8625BE0);      // ldr w0, [sp, w2, uxtw #2]
        Assert.Equal(0xCAFE_F00DUL, c.X(0));
        c.SetX(2, 3);
        c.SetX(0, 0x5555);
        LdstTest.RunClean(h, 0xF862783F);      // ldr xzr, [x1, x2, lsl #3]: the value goes nowhere
        Assert.Equal(0UL, c.X(31));
        Assert.Equal(0x5555UL, c.X(0));
        Assert.Equal(D + 0x100, c.Sp);
        LdstTest.RunClean(h, 0xF8227BFF);      // str xzr, [sp, x2, lsl #3]: stores zero
        Assert.Equal(0UL, h.Ram.ReadRaw(D + 0x118, 8));
        c.SetX(2, 0xFFFF_FFFEUL);              // W2 = -2
        LdstTest.RunClean(h, 0xF822DBFF);      // str xzr, [sp, w2, sxtw #3]
        Assert.Equal(0UL, h.Ram.ReadRaw(D + 0xF0, 8));
        Assert.Equal(0x2000UL + 0xF8 / 8, h.Ram.ReadRaw(D + 0xF8, 8));
        Assert.Equal(D + 0x100, c.Sp);
    }

    [Theory]
    [InlineData(0xF8620820u)] // ldr x0, [x1, w2, option=000]
    [InlineData(0xF8622820u)] // option=001
    [InlineData(0xF862A820u)] // option=101
    [InlineData(0x38628820u)] // ldrb, option=100
    [InlineData(0xF8A20820u)] // prfm, option=000
    public void RegisterOffsetWithReservedOptionIsUndefined(uint word)
    {
        using var h = new CpuHarness();
        h.Cpu.SetX(1, D);
        uint esr = LdstTest.RunToException(h, word);
        LdstTest.AssertUndefined(h, esr, 0);
    }

    [Fact]
    public void LiteralLoadsArePcRelative()
    {
        using var h = new CpuHarness();
        LdstTest.RunClean(h,
            0x18000040,  // 0: ldr w0, .+8   -> word 2
            0x58FFFFE1,  // 1: ldr x1, .-4   -> words 0..1
            0x98000062,  // 2: ldrsw x2, .+12 -> word 5
            0xD87FFFE0,  // 3: prfm pldl1keep, .+0xFFFFC (outside RAM: a prefetch never faults)
            0x14000002,  // 4: b .+8
            0x8000_0001); // 5: data
        Assert.Equal(0x98000062UL, h.Cpu.X(0));
        Assert.Equal(0x58FFFFE1_18000040UL, h.Cpu.X(1));
        Assert.Equal(0xFFFF_FFFF_8000_0001UL, h.Cpu.X(2));
    }

    [Fact]
    public void PrefetchesNeverFault()
    {
        using var h = new CpuHarness();
        h.Cpu.SysRegs.SctlrEl1 |= 1UL << 3;    // SA
        h.Cpu.SpEl1 = D + 4;                   // misaligned SP: not checked for prefetches
        h.Cpu.SetX(1, 0xFFFF_0000_0000_0001UL); // not even a valid address
        h.Cpu.SetX(2, 0x1234_5678_9ABC_DEF1UL);
        LdstTest.RunClean(h,
            0xF98007E0,  // prfm pldl1keep, [sp, #8]
            0xF8801020,  // prfum pldl1keep, [x1, #1]
            0xF8A26820); // prfm pldl1keep, [x1, x2]
    }

    [Fact]
    public void MisalignedSpBaseTakesAnSpAlignmentFaultWhenSctlrSaIsSet()
    {
        using var h = new CpuHarness();
        h.Cpu.SpEl1 = D + 8;
        h.Ram.WriteRaw(D + 8, 8, 77);
        LdstTest.RunClean(h, 0xF94003E0);      // ldr x0, [sp]: SA = 0, no check
        Assert.Equal(77UL, h.Cpu.X(0));

        h.Cpu.SysRegs.SctlrEl1 |= 1UL << 3;    // SA
        h.Cpu.SetX(0, 5);
        uint esr = LdstTest.RunToException(h, 0xF94003E0); // ldr x0, [sp]
        Assert.Equal(ExceptionClass.SpAlignment, esr >> 26);
        Assert.Equal(CpuHarness.CodeBase, h.Cpu.SysRegs.ElrEl1);
        Assert.Equal(5UL, h.Cpu.X(0));

        // The check is on SP, not on the address: an aligned SP with an 8-byte offset is fine.
        h.Cpu.SpEl1 = D;
        LdstTest.RunClean(h, 0xF94007E0);      // ldr x0, [sp, #8]
        Assert.Equal(77UL, h.Cpu.X(0));

        // Pre-index from an aligned SP writes back a 16-aligned SP.
        LdstTest.RunClean(h, 0xF81F0FE0);      // str x0, [sp, #-16]!
        Assert.Equal(D - 16, h.Cpu.SpEl1);

        // SA0 governs EL0 only: at EL1 with only SA0 set, a misaligned SP is fine.
        h.Cpu.SysRegs.SctlrEl1 = (h.Cpu.SysRegs.SctlrEl1 & ~(1UL << 3)) | 1UL << 4;
        h.Cpu.SpEl1 = D + 8;
        LdstTest.RunClean(h, 0xF94003E0);      // ldr x0, [sp]
    }

    [Fact]
    public void UnprivilegedAccessesLoadAndStoreAllSizes()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        h.Ram.WriteRaw(D, 8, 0x0000_0000_8000_8080UL);
        h.Ram.WriteRaw(D + 8, 8, 0x0102_0304_0506_0708UL);
        c.SetX(1, D);
        c.SetX(5, 0xAABB_CCDD); c.SetX(6, 0xEE);
        LdstTest.RunClean(h,
            0xF8408820,  // ldtr x0, [x1, #8]
            0x78800823,  // ldtrsh x3, [x1]
            0xB8800824,  // ldtrsw x4, [x1]
            0x38400827,  // ldtrb w7, [x1]
            0x78400828,  // ldtrh w8, [x1]
            0xB8004825,  // sttr w5, [x1, #4]
            0x380FF826); // sttrb w6, [x1, #255]
        Assert.Equal(0x0102_0304_0506_0708UL, c.X(0));
        Assert.Equal(0xFFFF_FFFF_FFFF_8080UL, c.X(3));
        Assert.Equal(0xFFFF_FFFF_8000_8080UL, c.X(4));
        Assert.Equal(0x80UL, c.X(7));
        Assert.Equal(0x8080UL, c.X(8));
        Assert.Equal(0xAABB_CCDDUL, h.Ram.ReadRaw(D + 4, 4));
        Assert.Equal(0xEEUL, h.Ram.ReadRaw(D + 255, 1));
    }

    [Fact]
    public void UnprivilegedAccessesAreCheckedWithEl0Permissions()
    {
        // A page that EL1 may read and write but EL0 may not: LDR works, LDTR/STTR take a permission fault
        // (level 3, DFSC 0x0F) and leave memory and registers unchanged. The translation is placed in the TLB
        // directly so the test does not depend on the stage-1 walker.
        using var h = new CpuHarness();
        var c = h.Cpu;
        ulong page = D + 0x10000;
        LdstTest.InstallTranslation(c, page, TlbEntry.ReadEl1 | TlbEntry.WriteEl1);
        h.Ram.WriteRaw(page + 8, 8, 0x1234);
        c.SetX(1, page);
        LdstTest.RunClean(h, 0xF9400429);     // ldr x9, [x1, #8]
        Assert.Equal(0x1234UL, c.X(9));

        c.SetX(0, 0x55);
        uint esr = LdstTest.RunToException(h, 0xF8408820); // ldtr x0, [x1, #8]
        LdstTest.AssertDataAbort(h, esr, 0, FaultStatus.Permission(3), page + 8, write: false);
        Assert.Equal(0x55UL, c.X(0));

        c.SetX(5, 0xFFFF_FFFF);
        esr = LdstTest.RunToException(h, 0xB8004825); // sttr w5, [x1, #4]
        LdstTest.AssertDataAbort(h, esr, 0, FaultStatus.Permission(3), page + 4, write: true);
        Assert.Equal(0UL, h.Ram.ReadRaw(page + 4, 4));

        // EL0 read-only: LDTR works, STTR faults.
        LdstTest.InstallTranslation(c, page, TlbEntry.ReadEl1 | TlbEntry.WriteEl1 | TlbEntry.ReadEl0);
        LdstTest.RunClean(h, 0xF8408820);     // ldtr x0, [x1, #8]
        Assert.Equal(0x1234UL, c.X(0));
        esr = LdstTest.RunToException(h, 0xB8004825); // sttr w5, [x1, #4]
        LdstTest.AssertDataAbort(h, esr, 0, FaultStatus.Permission(3), page + 4, write: true);
    }

    [Fact]
    public void AFaultingLoadWithWritebackChangesNoRegister()
    {
        using var h = new CpuHarness();
        ulong bad = 0x7F_0000_0000UL;   // below the 40-bit PA limit, nothing mapped: external abort
        h.Cpu.SetX(3, bad);
        h.Cpu.SetX(2, 9);
        uint esr = LdstTest.RunToException(h, 0xF84FF462); // ldr x2, [x3], #255
        LdstTest.AssertDataAbort(h, esr, 0, FaultStatus.SynchronousExternal, bad, write: false);
        Assert.Equal(9UL, h.Cpu.X(2));
        Assert.Equal(bad, h.Cpu.X(3));
    }
}
