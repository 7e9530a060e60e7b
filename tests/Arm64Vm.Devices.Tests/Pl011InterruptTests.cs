using Xunit;

namespace Arm64Vm.Devices.Tests;

/// <summary>
/// The PL011's interrupt output (SPI 1 on virt) as QEMU's pl011 drives it: RXRIS set by a received byte and cleared
/// by reading the FIFO empty or by UARTICR, TXRIS set by each transmitted byte and cleared by UARTICR, the line =
/// MIS != 0, recomputed on every register write and every received byte. And the receive FIFO's depth (LCR_H.FEN).
/// </summary>
public class Pl011InterruptTests
{
    private const ulong DR = 0x000, FR = 0x018, LCR_H = 0x02C, IMSC = 0x038, RIS = 0x03C, MIS = 0x040, ICR = 0x044;
    private const uint Rx = 1 << 4, Tx = 1 << 5;

    private static (Pl011Uart Uart, RecordingLine Line) Uart()
    {
        var line = new RecordingLine();
        return (new Pl011Uart(_ => { }, line), line);
    }

    [Fact]
    public void ReceiveRaisesTheLineOnlyWhenUnmaskedAndReadingEmptyLowersIt()
    {
        var (uart, line) = Uart();
        uart.Write(LCR_H, 4, 1 << 4);
        uart.Receive(0x61);
        Assert.Equal(Rx, uart.Read(RIS, 4));
        Assert.Empty(line.Levels);                       // masked: the line never moved
        uart.Write(IMSC, 4, Rx);
        Assert.Equal(new[] { true }, line.Levels);
        uart.Receive(0x62);
        Assert.Equal(new[] { true }, line.Levels);       // already high: no second edge
        Assert.Equal(0x61UL, uart.Read(DR, 4));
        Assert.True(line.Level);                         // one byte still queued
        Assert.Equal(0x62UL, uart.Read(DR, 4));
        Assert.Equal(new[] { true, false }, line.Levels);
        Assert.Equal(0UL, uart.Read(RIS, 4));
    }

    [Fact]
    public void IcrClearsTheReceiveInterruptUntilTheNextByte()
    {
        var (uart, line) = Uart();
        uart.Write(IMSC, 4, Rx);
        uart.Receive(1);
        Assert.True(line.Level);
        uart.Write(ICR, 4, Rx);
        Assert.False(line.Level);
        Assert.Equal(0UL, uart.Read(MIS, 4));
        Assert.Equal(0UL, uart.Read(FR, 4) & Rx);        // the byte is still there (RXFE clear)
    }

    [Fact]
    public void TransmitSetsTxUntilIcrAndTheMaskDecidesTheLine()
    {
        var (uart, line) = Uart();
        Assert.Equal(0UL, uart.Read(RIS, 4));            // nothing pending out of reset
        uart.Write(DR, 4, 0x41);
        Assert.Equal(Tx, uart.Read(RIS, 4));
        Assert.Empty(line.Levels);
        uart.Write(IMSC, 4, Tx | Rx);
        Assert.True(line.Level);
        Assert.Equal(Tx, uart.Read(MIS, 4));
        uart.Write(ICR, 4, Tx);
        Assert.False(line.Level);
        uart.Write(DR, 4, 0x42);
        Assert.True(line.Level);
        uart.Write(IMSC, 4, 0);                          // masking lowers the line, RIS keeps the event
        Assert.False(line.Level);
        Assert.Equal(Tx, uart.Read(RIS, 4));
    }

    [Fact]
    public void WithoutFifosTheReceiverHoldsOneByte()
    {
        var (uart, _) = Uart();
        Assert.True(uart.CanReceive);
        uart.Receive(1);
        Assert.False(uart.CanReceive);
        Assert.Equal(1UL << 6, uart.Read(FR, 4) & (1UL << 6));   // RXFF
        uart.Receive(2);                                         // dropped: the VMM does not hand it over
        Assert.Equal(1UL, uart.Read(DR, 4));
        Assert.Equal(0UL, uart.Read(DR, 4));
        uart.Write(LCR_H, 4, 1 << 4);
        for (int i = 0; i < Pl011Uart.FifoDepth; i++)
        {
            Assert.True(uart.CanReceive);
            uart.Receive((byte)i);
        }
        Assert.False(uart.CanReceive);
        for (int i = 0; i < Pl011Uart.FifoDepth; i++) Assert.Equal((ulong)i, uart.Read(DR, 4));
    }

    [Fact]
    public void ImscAndIcrKeepOnlyTheElevenInterruptBits()
    {
        var (uart, _) = Uart();
        uart.Write(IMSC, 4, 0xFFFF_FFFF);
        Assert.Equal(0x7FFUL, uart.Read(IMSC, 4));
    }
}
