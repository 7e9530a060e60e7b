using Xunit;

namespace Arm64Vm.Devices.Tests;

/// <summary>The PL031 RTC (ARM DDI 0224): the counter, load, match interrupt, mask and clear, and its PrimeCell ids.</summary>
public class Pl031RtcTests
{
    private const ulong DR = 0x000, MR = 0x004, LR = 0x008, CR = 0x00C, IMSC = 0x010, RIS = 0x014, MIS = 0x018, ICR = 0x01C;

    private sealed class Clock
    {
        public ulong Seconds = 1_735_689_600;
    }

    private static (Pl031Rtc Rtc, Clock Clock, RecordingLine Line) Rtc()
    {
        var clock = new Clock();
        var line = new RecordingLine();
        return (new Pl031Rtc(() => clock.Seconds, line), clock, line);
    }

    [Fact]
    public void DataRegisterFollowsTheClockAndALoadMovesIt()
    {
        var (rtc, clock, _) = Rtc();
        Assert.Equal(1_735_689_600UL, rtc.Read(DR, 4));
        clock.Seconds += 5;
        Assert.Equal(1_735_689_605UL, rtc.Read(DR, 4));
        rtc.Write(LR, 4, 1000);
        Assert.Equal(1000UL, rtc.Read(DR, 4));
        Assert.Equal(1000UL, rtc.Read(LR, 4));
        clock.Seconds += 7;
        Assert.Equal(1007UL, rtc.Read(DR, 4));
        Assert.Equal(1000UL, rtc.Read(LR, 4));                  // LR reads the last value loaded
        rtc.Write(LR, 4, 0xFFFF_FFFF);
        clock.Seconds += 2;
        Assert.Equal(1UL, rtc.Read(DR, 4));                      // 32 bits wrap
        Assert.Equal(1UL, rtc.Read(CR, 4));                      // always running
    }

    [Fact]
    public void MatchSetsRisAtTheMatchingSecondAndImscDrivesTheLine()
    {
        var (rtc, clock, line) = Rtc();
        rtc.Write(LR, 4, 100);
        rtc.Write(MR, 4, 103);
        rtc.Write(IMSC, 4, 1);
        clock.Seconds += 2;
        rtc.Update();
        Assert.Equal(0UL, rtc.Read(RIS, 4));
        Assert.False(line.Level);
        clock.Seconds += 5;                                      // passes 103 between two checks: still a match
        rtc.Update();
        Assert.Equal(1UL, rtc.Read(RIS, 4));
        Assert.Equal(1UL, rtc.Read(MIS, 4));
        Assert.True(line.Level);
        rtc.Write(ICR, 4, 1);
        Assert.False(line.Level);
        Assert.Equal(0UL, rtc.Read(RIS, 4));
        clock.Seconds += 10;                                     // the counter does not meet 103 again
        rtc.Update();
        Assert.False(line.Level);
    }

    [Fact]
    public void AMatchValueEqualToTheCounterFiresAtOnceAndMaskingHidesIt()
    {
        var (rtc, _, line) = Rtc();
        rtc.Write(LR, 4, 50);
        rtc.Write(MR, 4, 50);
        Assert.Equal(1UL, rtc.Read(RIS, 4));
        Assert.Equal(0UL, rtc.Read(MIS, 4));
        Assert.Empty(line.Levels);
        rtc.Write(IMSC, 4, 0xFF);
        Assert.Equal(1UL, rtc.Read(IMSC, 4));                    // one mask bit
        Assert.True(line.Level);
    }

    [Fact]
    public void PrimeCellIdsArePl031s()
    {
        var (rtc, _, _) = Rtc();
        var id = Enumerable.Range(0, 8).Select(i => (byte)rtc.Read(0xFE0 + (ulong)(4 * i), 4)).ToArray();
        Assert.Equal(new byte[] { 0x31, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1 }, id);
    }
}
