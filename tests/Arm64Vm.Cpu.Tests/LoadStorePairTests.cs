using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>LDP/STP/LDPSW/LDNP/STNP (Arm ARM C4.1.68, load/store register pair).</summary>
public class LoadStorePairTests
{
    private const ulong D = LdstTest.Data;

    [Fact]
    public void WordPairsWithSignedOffsetAndLdpswSignExtension()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        c.SetX(1, D + 0x104);
        c.SetX(2, 0xFFFF_FFFF_8000_0000UL);   // only W2 is stored
        c.SetX(3, 0x7FFF_FFFFUL);
        LdstTest.RunClean(h,
            0x293F8C22,  // stp w2, w3, [x1, #-4]
            0x297F9424,  // ldp w4, w5, [x1, #-4]
            0x697F9C26); // ldpsw x6, x7, [x1, #-4]
        Assert.Equal(0x7FFF_FFFF_8000_0000UL, h.Ram.ReadRaw(D + 0x100, 8));
        Assert.Equal(0x8000_0000UL, c.X(4));
        Assert.Equal(0x7FFF_FFFFUL, c.X(5));
        Assert.Equal(0xFFFF_FFFF_8000_0000UL, c.X(6));
        Assert.Equal(0x7FFF_FFFFUL, c.X(7));
        Assert.Equal(D + 0x104, c.X(1));
    }

    [Fact]
    public void PreAndPostIndexPairsWriteBackTheBase()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        c.SetX(1, D);
        c.SetX(2, 0x1111_2222_3333_4444UL);
        c.SetX(3, 0x5555_6666_7777_8888UL);
        LdstTest.RunClean(h, 0xA99F8C22);   // stp x2, x3, [x1, #504]!
        Assert.Equal(D + 504, c.X(1));
        Assert.Equal(0x1111_2222_3333_4444UL, h.Ram.ReadRaw(D + 504, 8));
        Assert.Equal(0x5555_6666_7777_8888UL, h.Ram.ReadRaw(D + 512, 8));

        LdstTest.RunClean(h, 0xA8E02428);   // ldp x8, x9, [x1], #-512
        Assert.Equal(0x1111_2222_3333_4444UL, c.X(8));
        Assert.Equal(0x5555_6666_7777_8888UL, c.X(9));
        Assert.Equal(D - 8, c.X(1));

        h.Ram.WriteRaw(D, 8, 0xCAFE_F00D_8765_4321UL);
        LdstTest.RunClean(h, 0x29C12C2A);   // ldp w10, w11, [x1, #8]!
        Assert.Equal(0x8765_4321UL, c.X(10));
        Assert.Equal(0xCAFE_F00DUL, c.X(11));
        Assert.Equal(D, c.X(1));

        LdstTest.RunClean(h, 0x289F8C22);   // stp w2, w3, [x1], #252
        Assert.Equal(0x7777_8888_3333_4444UL, h.Ram.ReadRaw(D, 8));
        Assert.Equal(D + 252, c.X(1));

        h.Ram.WriteRaw(D + 252 - 256, 8, 0x0000_0001_FFFF_FFFFUL);
        LdstTest.RunClean(h, 0x69E0342C);   // ldpsw x12, x13, [x1, #-256]!
        Assert.Equal(ulong.MaxValue, c.X(12));
        Assert.Equal(1UL, c.X(13));
        Assert.Equal(D - 4, c.X(1));

        LdstTest.RunClean(h, 0x68C13C2E);   // ldpsw x14, x15, [x1], #8
        Assert.Equal(ulong.MaxValue, c.X(14));
        Assert.Equal(D + 4, c.X(1));
    }

    [Fact]
    public void NonTemporalPairsBehaveAsPairs()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        c.SetX(1, D + 0x40);
        c.SetX(2, 0xA1A2_A3A4_A5A6_A7A8UL);
        c.SetX(3, 0xB1B2_B3B4_B5B6_B7B8UL);
        LdstTest.RunClean(h,
            0xA8010C22,  // stnp x2, x3, [x1, #16]
            0xA8414430,  // ldnp x16, x17, [x1, #16]
            0x283F0C22,  // stnp w2, w3, [x1, #-8]
            0x287F4C32); // ldnp w18, w19, [x1, #-8]
        Assert.Equal(0xA1A2_A3A4_A5A6_A7A8UL, c.X(16));
        Assert.Equal(0xB1B2_B3B4_B5B6_B7B8UL, c.X(17));
        Assert.Equal(0xA5A6_A7A8UL, c.X(18));
        Assert.Equal(0xB5B6_B7B8UL, c.X(19));
        Assert.Equal(0xB5B6_B7B8_A5A6_A7A8UL, h.Ram.ReadRaw(D + 0x38, 8));
        Assert.Equal(D + 0x40, c.X(1));
    }

    [Fact]
    public void ConstrainedUnpredictableOverlapsFollowQemu()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        h.Ram.WriteRaw(D, 8, 111);
        h.Ram.WriteRaw(D + 8, 8, 222);
        c.SetX(1, D);
        LdstTest.RunClean(h, 0xA9400020);   // ldp x0, x0, [x1]: the second element wins
        Assert.Equal(222UL, c.X(0));

        LdstTest.RunClean(h, 0xA8C10821);   // ldp x1, x2, [x1], #16: the base gets the written-back address
        Assert.Equal(D + 16, c.X(1));
        Assert.Equal(222UL, c.X(2));

        LdstTest.RunClean(h, 0xA9810821);   // stp x1, x2, [x1, #16]!: stores the base's old value
        Assert.Equal(D + 16, h.Ram.ReadRaw(D + 32, 8));
        Assert.Equal(222UL, h.Ram.ReadRaw(D + 40, 8));
        Assert.Equal(D + 32, c.X(1));
    }

    [Fact]
    public void StackPushAndPopWithSpAlignmentChecking()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        c.SysRegs.SctlrEl1 |= 1UL << 3;   // SA
        c.SpEl1 = D + 0x100;
        c.SetX(2, 1); c.SetX(3, 2);
        LdstTest.RunClean(h,
            0xA9BF0FE2,  // stp x2, x3, [sp, #-16]!
            0xA8C117E4); // ldp x4, x5, [sp], #16
        Assert.Equal(1UL, c.X(4));
        Assert.Equal(2UL, c.X(5));
        Assert.Equal(D + 0x100, c.SpEl1);

        c.SpEl1 = D + 0x108;
        uint esr = LdstTest.RunToException(h, 0xA9BF0FE2);
        Assert.Equal(ExceptionClass.SpAlignment, esr >> 26);
        Assert.Equal(D + 0x108, c.SpEl1);
    }

    [Fact]
    public void UnalignedPairOnDeviceMemoryFaultsWithoutWritingRegisters()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        c.SetX(1, D + 0x102);
        c.SetX(8, 8); c.SetX(9, 9);
        uint esr = LdstTest.RunToException(h, 0xA8E02428);   // ldp x8, x9, [x1], #-512
        LdstTest.AssertDataAbort(h, esr, 0, 0x21, D + 0x102, write: false);
        Assert.Equal(8UL, c.X(8));
        Assert.Equal(9UL, c.X(9));
        Assert.Equal(D + 0x102, c.X(1));
    }

    [Fact]
    public void UnalignedPairInNormalMemoryWorks()
    {
        using var h = new CpuHarness();
        LdstTest.UseNormalMemory(h);
        var c = h.Cpu;
        ulong a = D + 0xFF9;   // the pair crosses into the next page
        c.SetX(1, a);
        c.SetX(2, 0x0102_0304_0506_0708UL); c.SetX(3, 0x1112_1314_1516_1718UL);
        LdstTest.RunClean(h, 0xA9000C22, 0xA9402428);   // stp x2, x3, [x1]; ldp x8, x9, [x1]
        Assert.Equal(0x0102_0304_0506_0708UL, c.X(8));
        Assert.Equal(0x1112_1314_1516_1718UL, c.X(9));
        Assert.Equal(0x1112_1314_1516_1718UL, h.Ram.ReadRaw(a + 8, 8));
    }

    [Theory]
    [InlineData(0x69000C22u)] // STGP x2, x3, [x1] (FEAT_MTE, not implemented)
    [InlineData(0x68400C22u)] // opc = 01 no-allocate load (no LDNPSW)
    [InlineData(0xE9400C22u)] // opc = 11 load pair
    [InlineData(0xE9000C22u)] // opc = 11 store pair
    public void UnallocatedPairEncodingsAreUndefined(uint word)
    {
        using var h = new CpuHarness();
        h.Cpu.SetX(1, D);
        uint esr = LdstTest.RunToException(h, word);
        LdstTest.AssertUndefined(h, esr, 0);
    }
}
