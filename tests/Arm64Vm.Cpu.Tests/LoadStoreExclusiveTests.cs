using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>Load/store exclusive, the exclusive monitors (Arm ARM B2.9), load-acquire/store-release and LDAPR.</summary>
public class LoadStoreExclusiveTests
{
    private const ulong D = LdstTest.Data;
    private const ulong OtherCode = CpuHarness.CodeBase + 0x8000;

    /// <summary>Runs one instruction on another PE of the same system and checks it took no exception.</summary>
    private static void RunOn(CpuHarness h, CpuCore other, uint word)
    {
        h.Load(OtherCode, word);
        other.Pc = OtherCode;
        ulong before = other.ExceptionsTaken;
        other.Run(1);
        Assert.Equal(before, other.ExceptionsTaken);
        Assert.Equal(OtherCode + 4, other.Pc);
    }

    [Theory]
    [InlineData(0x085F7C20u, 0x08027C23u, 1)] // ldxrb w0, [x1] / stxrb w2, w3, [x1]
    [InlineData(0x485F7C20u, 0x48027C23u, 2)] // ldxrh / stxrh
    [InlineData(0x885F7C20u, 0x88027C23u, 4)] // ldxr w0 / stxr w2, w3
    [InlineData(0xC85F7C20u, 0xC8027C23u, 8)] // ldxr x0 / stxr w2, x3
    [InlineData(0xC85FFC20u, 0xC802FC23u, 8)] // ldaxr x0 / stlxr w2, x3
    public void LoadExclusiveThenStoreExclusiveSucceeds(uint ldxr, uint stxr, int size)
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        h.Ram.WriteRaw(D, 8, 0x8877_6655_4433_2211UL);
        c.SetX(1, D);
        c.SetX(2, ulong.MaxValue);
        c.SetX(3, 0xF0E0_D0C0_B0A0_9080UL);
        LdstTest.RunClean(h, ldxr, stxr);
        ulong mask = size == 8 ? ulong.MaxValue : (1UL << (8 * size)) - 1;
        Assert.Equal(0x8877_6655_4433_2211UL & mask, c.X(0));
        Assert.Equal(0UL, c.X(2));   // status 0, written as W
        Assert.Equal((0x8877_6655_4433_2211UL & ~mask) | (0xF0E0_D0C0_B0A0_9080UL & mask), h.Ram.ReadRaw(D, 8));
        Assert.False(c.ExclusiveValid);
    }

    [Fact]
    public void StoreExclusiveWithoutReservationFailsAndStoresNothing()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        h.Ram.WriteRaw(D, 8, 42);
        c.SetX(1, D);
        c.SetX(2, ulong.MaxValue);
        c.SetX(3, 7);
        LdstTest.RunClean(h, 0xC8027C23);   // stxr w2, x3, [x1]
        Assert.Equal(1UL, c.X(2));           // upper half of X2 cleared
        Assert.Equal(42UL, h.Ram.ReadRaw(D, 8));
    }

    [Fact]
    public void StatusIsOneAfterASecondStoreExclusive()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        c.SetX(1, D);
        c.SetX(8, D);
        c.SetX(3, 5);
        LdstTest.RunClean(h, 0xC85F7C20, 0xC8027C23);   // ldxr x0, [x1]; stxr w2, x3, [x1]
        Assert.Equal(0UL, c.X(2));
        c.SetX(3, 6);
        LdstTest.RunClean(h, 0xC8027D03);               // stxr w2, x3, [x8]
        Assert.Equal(1UL, c.X(2));
        Assert.Equal(5UL, h.Ram.ReadRaw(D, 8));
    }

    [Fact]
    public void ClrexMakesTheStoreExclusiveFail()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        h.Ram.WriteRaw(D, 8, 42);
        c.SetX(1, D);
        c.SetX(3, 7);
        LdstTest.RunClean(h,
            0xC85F7C20,  // ldxr x0, [x1]
            0xD5033F5F,  // clrex
            0xC8027C23); // stxr w2, x3, [x1]
        Assert.Equal(1UL, c.X(2));
        Assert.Equal(42UL, h.Ram.ReadRaw(D, 8));
    }

    [Fact]
    public void StoreExclusiveToAnotherAddressFails()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        c.SetX(1, D);
        c.SetX(8, D + 8);
        c.SetX(3, 7);
        LdstTest.RunClean(h, 0xC85F7C20, 0xC8027D03);   // ldxr x0, [x1]; stxr w2, x3, [x8]
        Assert.Equal(1UL, c.X(2));
        Assert.Equal(0UL, h.Ram.ReadRaw(D + 8, 8));
    }

    [Fact]
    public void StoreExclusiveOfAnotherSizeFails()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        c.SetX(1, D);
        c.SetX(3, 7);
        LdstTest.RunClean(h, 0xC85F7C20, 0x88027C23);   // ldxr x0, [x1]; stxr w2, w3, [x1]
        Assert.Equal(1UL, c.X(2));
        Assert.Equal(0UL, h.Ram.ReadRaw(D, 8));
    }

    [Theory]
    [InlineData(false, false)]   // Device memory (MMU off): slow paths everywhere
    [InlineData(true, true)]     // Normal memory, the other PE's TLB already allows fast writes to the page
    [InlineData(true, false)]    // Normal memory, the other PE fills its TLB after the reservation
    public void AStoreByAnotherPeToTheGranuleClearsTheReservation(bool normal, bool otherTouchesPageFirst)
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        var other = h.System.AddCpu();
        if (normal) { LdstTest.UseNormalMemory(h); LdstTest.UseNormalMemory(h, other); }
        other.SetX(1, D);
        other.SetX(9, 0x99);
        if (otherTouchesPageFirst) RunOn(h, other, 0xF9002029);   // str x9, [x1, #64]: another granule of the page

        c.SetX(1, D);
        c.SetX(3, 7);
        LdstTest.RunClean(h, 0xC85F7C20);   // ldxr x0, [x1]
        // Otherwise the other PE fills its TLB for the page now (a store to another granule), so that its next store
        // could take the fast path.
        if (!otherTouchesPageFirst) RunOn(h, other, 0xF9002029);   // str x9, [x1, #64]
        RunOn(h, other, 0xF9000429);        // str x9, [x1, #8]: same 64-byte granule
        LdstTest.RunClean(h, 0xC8027C23);   // stxr w2, x3, [x1]
        Assert.Equal(1UL, c.X(2));
        Assert.Equal(0UL, h.Ram.ReadRaw(D, 8));
        Assert.Equal(0x99UL, h.Ram.ReadRaw(D + 8, 8));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AStoreByAnotherPeToAnotherGranuleKeepsTheReservation(bool normal)
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        var other = h.System.AddCpu();
        if (normal) { LdstTest.UseNormalMemory(h); LdstTest.UseNormalMemory(h, other); }
        other.SetX(1, D);
        other.SetX(9, 0x99);
        c.SetX(1, D);
        c.SetX(3, 7);
        LdstTest.RunClean(h, 0xC85F7C20);   // ldxr x0, [x1]
        RunOn(h, other, 0xF9002029);        // str x9, [x1, #64]
        LdstTest.RunClean(h, 0xC8027C23);   // stxr w2, x3, [x1]
        Assert.Equal(0UL, c.X(2));
        Assert.Equal(7UL, h.Ram.ReadRaw(D, 8));
    }

    [Fact]
    public void ExclusiveReservationsOfTwoPesOnOneGranule()
    {
        // Both PEs reserve the granule; the first store-exclusive wins and clears the other's reservation.
        using var h = new CpuHarness();
        var c = h.Cpu;
        var other = h.System.AddCpu();
        c.SetX(1, D); c.SetX(3, 1);
        other.SetX(1, D); other.SetX(3, 2);
        LdstTest.RunClean(h, 0xC85F7C20);   // ldxr x0, [x1]
        RunOn(h, other, 0xC85F7C20);        // ldxr x0, [x1]
        RunOn(h, other, 0xC8027C23);        // stxr w2, x3, [x1]
        Assert.Equal(0UL, other.X(2));
        LdstTest.RunClean(h, 0xC8027C23);   // stxr w2, x3, [x1]
        Assert.Equal(1UL, c.X(2));
        Assert.Equal(2UL, h.Ram.ReadRaw(D, 8));
    }

    [Fact]
    public void ExclusivePairsOfWordsAndDoublewords()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        h.Ram.WriteRaw(D, 8, 0x2222_2222_1111_1111UL);
        h.Ram.WriteRaw(D + 16, 8, 0xAAAA);
        h.Ram.WriteRaw(D + 24, 8, 0xBBBB);
        c.SetX(1, D);
        c.SetX(6, 0x6666_6666_0000_0006UL); c.SetX(7, 0x7777_7777_0000_0007UL);
        LdstTest.RunClean(h, 0x887F1424, 0x88221C26);   // ldxp w4, w5, [x1]; stxp w2, w6, w7, [x1]
        Assert.Equal(0x1111_1111UL, c.X(4));
        Assert.Equal(0x2222_2222UL, c.X(5));
        Assert.Equal(0UL, c.X(2));
        Assert.Equal(0x0000_0007_0000_0006UL, h.Ram.ReadRaw(D, 8));

        c.SetX(1, D + 16);
        LdstTest.RunClean(h, 0xC87F1424, 0xC8221C26);   // ldxp x4, x5, [x1]; stxp w2, x6, x7, [x1]
        Assert.Equal(0xAAAAUL, c.X(4));
        Assert.Equal(0xBBBBUL, c.X(5));
        Assert.Equal(0UL, c.X(2));
        Assert.Equal(0x6666_6666_0000_0006UL, h.Ram.ReadRaw(D + 16, 8));
        Assert.Equal(0x7777_7777_0000_0007UL, h.Ram.ReadRaw(D + 24, 8));

        // A pair exclusive fails after another PE's store into the pair's granule.
        var other = h.System.AddCpu();
        other.SetX(1, D + 16);
        other.SetX(9, 0x99);
        LdstTest.RunClean(h, 0xC87F9424);               // ldaxp x4, x5, [x1]
        RunOn(h, other, 0xF9000429);                    // str x9, [x1, #8]
        LdstTest.RunClean(h, 0xC8229C26);               // stlxp w2, x6, x7, [x1]
        Assert.Equal(1UL, c.X(2));
        Assert.Equal(0x99UL, h.Ram.ReadRaw(D + 24, 8));
    }

    [Fact]
    public void ExclusivesRequireNaturalAlignmentEvenInNormalMemory()
    {
        using var h = new CpuHarness();
        LdstTest.UseNormalMemory(h);
        var c = h.Cpu;
        c.SetX(1, D + 4);
        c.SetX(0, 0x55);
        uint esr = LdstTest.RunToException(h, 0xC85F7C20);   // ldxr x0, [x1]
        LdstTest.AssertDataAbort(h, esr, 0, 0x21, D + 4, write: false);
        Assert.Equal(0x55UL, c.X(0));
        Assert.False(c.ExclusiveValid);

        c.SetX(2, 0x1234);
        esr = LdstTest.RunToException(h, 0xC8027C23);        // stxr w2, x3, [x1]: faults even with the monitor open
        LdstTest.AssertDataAbort(h, esr, 0, 0x21, D + 4, write: true);
        Assert.Equal(0x1234UL, c.X(2));

        c.SetX(1, D + 8);                                    // 8-aligned, but an X pair needs 16
        esr = LdstTest.RunToException(h, 0xC87F1424);        // ldxp x4, x5, [x1]
        LdstTest.AssertDataAbort(h, esr, 0, 0x21, D + 8, write: false);
        esr = LdstTest.RunToException(h, 0xC8221C26);        // stxp w2, x6, x7, [x1]
        LdstTest.AssertDataAbort(h, esr, 0, 0x21, D + 8, write: true);
        LdstTest.RunClean(h, 0x887F1424);                    // ldxp w4, w5, [x1]: a W pair needs 8

        c.SetX(1, D + 2);
        esr = LdstTest.RunToException(h, 0x88DFFC20);        // ldar w0, [x1]
        LdstTest.AssertDataAbort(h, esr, 0, 0x21, D + 2, write: false);
        esr = LdstTest.RunToException(h, 0x889FFC23);        // stlr w3, [x1]
        LdstTest.AssertDataAbort(h, esr, 0, 0x21, D + 2, write: true);
        esr = LdstTest.RunToException(h, 0xB8BFC020);        // ldapr w0, [x1]
        LdstTest.AssertDataAbort(h, esr, 0, 0x21, D + 2, write: false);
        LdstTest.RunClean(h, 0x48DFFC20);                    // ldarh w0, [x1]: aligned for its size
    }

    [Fact]
    public void LoadAcquireAndStoreReleaseOfEverySize()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        h.Ram.WriteRaw(D, 8, 0x8877_6655_4433_2291UL);
        c.SetX(1, D);
        c.SetX(0, ulong.MaxValue);
        LdstTest.RunClean(h, 0x08DFFC20); Assert.Equal(0x91UL, c.X(0));                  // ldarb w0, [x1]
        LdstTest.RunClean(h, 0x48DFFC20); Assert.Equal(0x2291UL, c.X(0));                // ldarh w0, [x1]
        LdstTest.RunClean(h, 0x88DFFC20); Assert.Equal(0x4433_2291UL, c.X(0));           // ldar w0, [x1]
        LdstTest.RunClean(h, 0xC8DFFC20); Assert.Equal(0x8877_6655_4433_2291UL, c.X(0)); // ldar x0, [x1]
        LdstTest.RunClean(h, 0x38BFC020); Assert.Equal(0x91UL, c.X(0));                  // ldaprb w0, [x1]
        LdstTest.RunClean(h, 0x78BFC020); Assert.Equal(0x2291UL, c.X(0));                // ldaprh w0, [x1]
        LdstTest.RunClean(h, 0xB8BFC020); Assert.Equal(0x4433_2291UL, c.X(0));           // ldapr w0, [x1]
        LdstTest.RunClean(h, 0xF8BFC020); Assert.Equal(0x8877_6655_4433_2291UL, c.X(0)); // ldapr x0, [x1]

        c.SetX(3, 0x0102_0304_0506_0708UL);
        LdstTest.RunClean(h, 0x089FFC23); Assert.Equal(0x8877_6655_4433_2208UL, h.Ram.ReadRaw(D, 8)); // stlrb
        LdstTest.RunClean(h, 0x489FFC23); Assert.Equal(0x8877_6655_4433_0708UL, h.Ram.ReadRaw(D, 8)); // stlrh
        LdstTest.RunClean(h, 0x889FFC23); Assert.Equal(0x8877_6655_0506_0708UL, h.Ram.ReadRaw(D, 8)); // stlr w3
        LdstTest.RunClean(h, 0xC89FFC23); Assert.Equal(0x0102_0304_0506_0708UL, h.Ram.ReadRaw(D, 8)); // stlr x3
    }

    [Fact]
    public void LdaprIsAdvertisedAndUndefinedWithoutTheFeature()
    {
        using (var h = new CpuHarness())
        {
            LdstTest.RunClean(h, 0xD5380620);   // mrs x0, id_aa64isar1_el1
            Assert.Equal(1UL, (h.Cpu.X(0) >> 20) & 0xF);
        }
        using (var h = new CpuHarness(new CpuFeatures { Lrcpc = false }))
        {
            h.Cpu.SetX(1, D);
            LdstTest.RunClean(h, 0xD5380620);   // mrs x0, id_aa64isar1_el1
            Assert.Equal(0UL, (h.Cpu.X(0) >> 20) & 0xF);
            uint esr = LdstTest.RunToException(h, 0xF8BFC020);   // ldapr x0, [x1]
            LdstTest.AssertUndefined(h, esr, 0);
        }
    }

    [Theory]
    [InlineData(0x889F7C23u)] // stllr w3, [x1] (FEAT_LOR)
    [InlineData(0x88DF7C20u)] // ldlar w0, [x1] (FEAT_LOR)
    [InlineData(0xC8DEFC20u)] // ldar x0, [x1] with Rs = 11110
    [InlineData(0xF8BEC020u)] // ldapr with Rs != 11111
    public void UnimplementedOrderedEncodingsAreUndefined(uint word)
    {
        using var h = new CpuHarness();
        h.Cpu.SetX(1, D);
        uint esr = LdstTest.RunToException(h, word);
        LdstTest.AssertUndefined(h, esr, 0);
    }

    [Fact]
    public void ExclusiveWithSpBaseChecksSpAlignment()
    {
        using var h = new CpuHarness();
        h.Cpu.SysRegs.SctlrEl1 |= 1UL << 3;
        h.Cpu.SpEl1 = D + 8;
        uint esr = LdstTest.RunToException(h, 0xC85F7FE0);   // ldxr x0, [sp]
        Assert.Equal(ExceptionClass.SpAlignment, esr >> 26);
        Assert.False(h.Cpu.ExclusiveValid);
    }
}
