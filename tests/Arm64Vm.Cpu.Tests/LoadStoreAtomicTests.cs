using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>FEAT_LSE: atomic memory operations, SWP, CAS and CASP (Arm ARM C4.1.68).</summary>
public class LoadStoreAtomicTests
{
    private const ulong D = LdstTest.Data;
    private const ulong Keep = ulong.MaxValue;   // X0's value before the instruction

    // word; memory before; Rs (X2); expected X0 (old value, zero-extended; Keep for the ST aliases); memory after.
    [Theory]
    [InlineData(0x38220020u, 0xAAAA_AAAA_AAAA_AAFFUL, 0xFFFF_FF01UL, 0xFFUL, 0xAAAA_AAAA_AAAA_AA00UL)]             // ldaddb: wraps in a byte
    [InlineData(0x78220020u, 0xAAAA_AAAA_AAAA_FFFFUL, 0x1_0002UL, 0xFFFFUL, 0xAAAA_AAAA_AAAA_0001UL)]              // ldaddh
    [InlineData(0xB8220020u, 0x1234_5678_FFFF_FFFFUL, 1UL, 0xFFFF_FFFFUL, 0x1234_5678_0000_0000UL)]               // ldadd w
    [InlineData(0xF8220020u, ulong.MaxValue, 2UL, ulong.MaxValue, 1UL)]                                           // ldadd x
    [InlineData(0xF8E21020u, 0xFF00_FF00_FF00_FF00UL, 0xF0F0_F0F0_F0F0_F0F0UL, 0xFF00_FF00_FF00_FF00UL, 0x0F00_0F00_0F00_0F00UL)] // ldclral
    [InlineData(0xB8A22020u, 0xAAAA_AAAA_1234_5678UL, 0xFFFF_FFFF_FFFF_0000UL, 0x1234_5678UL, 0xAAAA_AAAA_EDCB_5678UL)]          // ldeora w
    [InlineData(0xF8623020u, 1UL, 0x8000_0000_0000_0000UL, 1UL, 0x8000_0000_0000_0001UL)]                         // ldsetl x
    [InlineData(0x38224020u, 0x7FUL, 0x80UL, 0x7FUL, 0x7FUL)]                                                     // ldsmaxb: 127 > -128
    [InlineData(0x38224020u, 0x80UL, 0x7FUL, 0x80UL, 0x7FUL)]                                                     // ldsmaxb: old 0x80 not sign-extended
    [InlineData(0xB8224020u, 0x8000_0000UL, 0x7FFF_FFFFUL, 0x8000_0000UL, 0x7FFF_FFFFUL)]                         // ldsmax w
    [InlineData(0xF8224020u, 0x8000_0000_0000_0000UL, ulong.MaxValue, 0x8000_0000_0000_0000UL, ulong.MaxValue)]   // ldsmax x: -1 > min
    [InlineData(0x78225020u, 0x7FFFUL, 0x8000UL, 0x7FFFUL, 0x8000UL)]                                             // ldsminh
    [InlineData(0xF8225020u, 0x7FFF_FFFF_FFFF_FFFFUL, 0x8000_0000_0000_0000UL, 0x7FFF_FFFF_FFFF_FFFFUL, 0x8000_0000_0000_0000UL)] // ldsmin x
    [InlineData(0x38226020u, 0x7FUL, 0x80UL, 0x7FUL, 0x80UL)]                                                     // ldumaxb
    [InlineData(0x38226020u, 0x80UL, 0xFFFF_FF01UL, 0x80UL, 0x80UL)]                                              // ldumaxb: Rs upper bits ignored
    [InlineData(0xF8226020u, 0x7FFF_FFFF_FFFF_FFFFUL, 0x8000_0000_0000_0000UL, 0x7FFF_FFFF_FFFF_FFFFUL, 0x8000_0000_0000_0000UL)] // ldumax x
    [InlineData(0x78227020u, 0x8000UL, 0x7FFFUL, 0x8000UL, 0x7FFFUL)]                                             // lduminh
    [InlineData(0xF8227020u, 0x8000_0000_0000_0000UL, 1UL, 0x8000_0000_0000_0000UL, 1UL)]                         // ldumin x
    [InlineData(0x38228020u, 0xAAAA_AAAA_AAAA_AA12UL, 0x3456UL, 0x12UL, 0xAAAA_AAAA_AAAA_AA56UL)]                 // swpb
    [InlineData(0xF8E28020u, 5UL, ulong.MaxValue, 5UL, ulong.MaxValue)]                                           // swpal x
    [InlineData(0xF822003Fu, 10UL, 5UL, Keep, 15UL)]                                                              // stadd x
    [InlineData(0xB862403Fu, 0xFFFF_FFFFUL, 0UL, Keep, 0UL)]                                                      // stsmaxl w: 0 > -1
    public void AtomicOperationsReturnTheOldValueAndUpdateMemory(uint word, ulong before, ulong rs, ulong expectedX0, ulong after)
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        h.Ram.WriteRaw(D, 8, before);
        h.Ram.WriteRaw(D + 8, 8, 0x5555);
        c.SetX(0, Keep);
        c.SetX(1, D);
        c.SetX(2, rs);
        LdstTest.RunClean(h, word);
        Assert.Equal(expectedX0, c.X(0));
        Assert.Equal(after, h.Ram.ReadRaw(D, 8));
        Assert.Equal(0x5555UL, h.Ram.ReadRaw(D + 8, 8));
        Assert.Equal(rs, c.X(2));
    }

    [Fact]
    public void CompareAndSwapSucceedsOnlyWhenEqualAndReturnsTheOldValue()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        h.Ram.WriteRaw(D, 8, 0x1111_2222_3333_4480UL);
        c.SetX(1, D);
        c.SetX(2, 0xFFFF_FF80UL);             // byte compare: only the low byte counts
        c.SetX(3, 0x1234_5699UL);
        LdstTest.RunClean(h, 0x08A27C23);      // casb w2, w3, [x1]
        Assert.Equal(0x80UL, c.X(2));
        Assert.Equal(0x1111_2222_3333_4499UL, h.Ram.ReadRaw(D, 8));

        c.SetX(2, 0x4498);                     // halfword is 0x4499: fails
        LdstTest.RunClean(h, 0x48A27C23);      // cash w2, w3, [x1]
        Assert.Equal(0x4499UL, c.X(2));
        Assert.Equal(0x1111_2222_3333_4499UL, h.Ram.ReadRaw(D, 8));

        c.SetX(2, 0xFFFF_FFFF_3333_4499UL);    // W compare ignores the upper half
        c.SetX(3, 0xAAAA_AAAA_0000_0001UL);
        LdstTest.RunClean(h, 0x88A27C23);      // cas w2, w3, [x1]
        Assert.Equal(0x3333_4499UL, c.X(2));
        Assert.Equal(0x1111_2222_0000_0001UL, h.Ram.ReadRaw(D, 8));

        c.SetX(2, 0x1111_2222_0000_0001UL);
        c.SetX(3, ulong.MaxValue);
        LdstTest.RunClean(h, 0xC8E2FC23);      // casal x2, x3, [x1]
        Assert.Equal(0x1111_2222_0000_0001UL, c.X(2));
        Assert.Equal(ulong.MaxValue, h.Ram.ReadRaw(D, 8));

        c.SetX(2, 0);
        c.SetX(3, 7);
        LdstTest.RunClean(h, 0xC8E2FC23);      // casal x2, x3, [x1]: fails
        Assert.Equal(ulong.MaxValue, c.X(2));
        Assert.Equal(ulong.MaxValue, h.Ram.ReadRaw(D, 8));
    }

    [Fact]
    public void CompareAndSwapPairOfWordsAndDoublewords()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        h.Ram.WriteRaw(D, 8, 0x2222_2222_1111_1111UL);
        c.SetX(1, D);
        c.SetX(2, 0xFFFF_FFFF_1111_1111UL); c.SetX(3, 0x2222_2222UL);
        c.SetX(4, 0x4444_4444UL); c.SetX(5, 0x5555_5555UL);
        LdstTest.RunClean(h, 0x08227C24);      // casp w2, w3, w4, w5, [x1]
        Assert.Equal(0x1111_1111UL, c.X(2));
        Assert.Equal(0x2222_2222UL, c.X(3));
        Assert.Equal(0x5555_5555_4444_4444UL, h.Ram.ReadRaw(D, 8));

        LdstTest.RunClean(h, 0x08227C24);      // again: now unequal, no store, old values returned
        Assert.Equal(0x4444_4444UL, c.X(2));
        Assert.Equal(0x5555_5555UL, c.X(3));
        Assert.Equal(0x5555_5555_4444_4444UL, h.Ram.ReadRaw(D, 8));

        h.Ram.WriteRaw(D + 16, 8, 0xA);
        h.Ram.WriteRaw(D + 24, 8, 0xB);
        c.SetX(1, D + 16);
        c.SetX(2, 0xA); c.SetX(3, 0xC);        // second half differs
        c.SetX(4, 0x4); c.SetX(5, 0x5);
        LdstTest.RunClean(h, 0x4862FC24);      // caspal x2, x3, x4, x5, [x1]
        Assert.Equal(0xAUL, c.X(2));
        Assert.Equal(0xBUL, c.X(3));
        Assert.Equal(0xAUL, h.Ram.ReadRaw(D + 16, 8));
        LdstTest.RunClean(h, 0x4862FC24);      // now equal
        Assert.Equal(0x4UL, h.Ram.ReadRaw(D + 16, 8));
        Assert.Equal(0x5UL, h.Ram.ReadRaw(D + 24, 8));

        // Rs = 30: the pair is X30 and XZR.
        h.Ram.WriteRaw(D + 32, 8, 0x77);
        h.Ram.WriteRaw(D + 40, 8, 0);
        c.SetX(1, D + 32);
        c.SetX(30, 0x77);
        LdstTest.RunClean(h, 0x483E7C24);      // casp x30, xzr, x4, x5, [x1]
        Assert.Equal(0x77UL, c.X(30));
        Assert.Equal(0x4UL, h.Ram.ReadRaw(D + 32, 8));
        Assert.Equal(0x5UL, h.Ram.ReadRaw(D + 40, 8));
    }

    [Theory]
    [InlineData(0x08237C24u)] // casp with Rs = 3 (odd)
    [InlineData(0x08227C25u)] // casp with Rt = 5 (odd)
    [InlineData(0x88A27823u)] // cas with Rt2 = 11110
    [InlineData(0x08227824u)] // casp with Rt2 = 11110
    public void ReservedCompareAndSwapEncodingsAreUndefined(uint word)
    {
        using var h = new CpuHarness();
        h.Cpu.SetX(1, D);
        uint esr = LdstTest.RunToException(h, word);
        LdstTest.AssertUndefined(h, esr, 0);
    }

    [Theory]
    [InlineData(0xF8220020u)] // ldadd x2, x0, [x1]
    [InlineData(0xF8E28020u)] // swpal
    [InlineData(0x88A27C23u)] // cas
    [InlineData(0x08227C24u)] // casp
    public void WithoutLseTheAtomicsAreUndefined(uint word)
    {
        using var h = new CpuHarness(new CpuFeatures { Lse = false });
        h.Cpu.SetX(1, D);
        h.Ram.WriteRaw(D, 8, 3);
        uint esr = LdstTest.RunToException(h, word);
        LdstTest.AssertUndefined(h, esr, 0);
        Assert.Equal(3UL, h.Ram.ReadRaw(D, 8));
    }

    [Fact]
    public void MisalignedAtomicsTakeAnAlignmentFaultInNormalMemory()
    {
        using var h = new CpuHarness();
        LdstTest.UseNormalMemory(h);
        var c = h.Cpu;
        h.Ram.WriteRaw(D, 8, 0x1234);
        c.SetX(1, D + 2);
        c.SetX(0, 9);
        uint esr = LdstTest.RunToException(h, 0xB8220020);   // ldadd w2, w0, [x1]
        LdstTest.AssertDataAbort(h, esr, 0, 0x21, D + 2, write: true);
        Assert.Equal(9UL, c.X(0));
        c.SetX(1, D + 8);
        esr = LdstTest.RunToException(h, 0x4862FC24);        // caspal x2, x3, x4, x5, [x1]: needs 16
        LdstTest.AssertDataAbort(h, esr, 0, 0x21, D + 8, write: true);
        c.SetX(1, D + 1);
        LdstTest.RunClean(h, 0x38220020);                    // ldaddb: a byte is always aligned
        Assert.Equal(0x1234UL, h.Ram.ReadRaw(D, 8) & 0xFFFF);
    }

    [Fact]
    public void AtomicsCheckWritePermissionBeforeTouchingMemory()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        ulong page = D + 0x20000;
        h.Ram.WriteRaw(page, 8, 100);
        c.SetX(1, page);
        c.SetX(2, 1);
        c.SetX(0, 9);
        LdstTest.InstallTranslation(c, page, TlbEntry.ReadEl1 | TlbEntry.ReadEl0);   // read-only
        uint esr = LdstTest.RunToException(h, 0xF8220020);   // ldadd x2, x0, [x1]
        LdstTest.AssertDataAbort(h, esr, 0, FaultStatus.Permission(3), page, write: true);
        Assert.Equal(100UL, h.Ram.ReadRaw(page, 8));
        Assert.Equal(9UL, c.X(0));

        c.SetX(2, 5);                                       // CAS that would fail the compare still needs write permission
        esr = LdstTest.RunToException(h, 0xC8E2FC23);       // casal x2, x3, [x1]
        LdstTest.AssertDataAbort(h, esr, 0, FaultStatus.Permission(3), page, write: true);
        Assert.Equal(5UL, c.X(2));

        LdstTest.InstallTranslation(c, page, 0);             // no access at all: the read part faults (WnR = 0)
        esr = LdstTest.RunToException(h, 0xF8220020);
        LdstTest.AssertDataAbort(h, esr, 0, FaultStatus.Permission(3), page, write: false);
    }

    [Fact]
    public void AnAtomicStoreClearsAnotherPesReservation()
    {
        using var h = new CpuHarness();
        var other = h.System.AddCpu();
        other.SetX(1, D);
        other.SetX(3, 77);
        h.Load(CpuHarness.CodeBase + 0x8000, 0xC85F7C20, 0xC8027C23);   // ldxr x0, [x1]; stxr w2, x3, [x1]
        other.Pc = CpuHarness.CodeBase + 0x8000;
        other.Run(1);
        Assert.True(other.ExclusiveValid);

        h.Cpu.SetX(1, D);
        h.Cpu.SetX(2, 5);
        LdstTest.RunClean(h, 0xF822003F);   // stadd x2, [x1]
        other.Run(1);
        Assert.Equal(1UL, other.X(2));
        Assert.Equal(5UL, h.Ram.ReadRaw(D, 8));
    }

    [Fact]
    public void AtomicWithSpBaseChecksSpAlignment()
    {
        using var h = new CpuHarness();
        h.Cpu.SysRegs.SctlrEl1 |= 1UL << 3;
        h.Cpu.SpEl1 = D + 8;
        uint esr = LdstTest.RunToException(h, 0xF82203E0);   // ldadd x2, x0, [sp]
        Assert.Equal(ExceptionClass.SpAlignment, esr >> 26);
        h.Cpu.SpEl1 = D;
        h.Cpu.SetX(2, 3);
        LdstTest.RunClean(h, 0xF82203E0);
        Assert.Equal(3UL, h.Ram.ReadRaw(D, 8));
    }
}
