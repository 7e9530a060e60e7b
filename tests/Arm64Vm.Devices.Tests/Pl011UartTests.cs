using Xunit;

namespace Arm64Vm.Devices.Tests;

/// <summary>PL011 registers as a guest driver uses them (PL011 TRM, 3.3).</summary>
public class Pl011UartTests
{
    [Fact]
    public void TransmitWritesTheByteAndCounts()
    {
        var output = new List<byte>();
        var uart = new Pl011Uart(output.Add);
        uart.Write(0x000, 4, 0x141);   // only the low byte is data
        Assert.Equal(new byte[] { 0x41 }, output);
        Assert.Equal(1, uart.BytesTransmitted);
    }

    [Fact]
    public void ReceiveFlagsAndDataFollowTheQueue()
    {
        var uart = new Pl011Uart(_ => { });
        Assert.Equal(1UL << 4, uart.Read(0x018, 4) & (1UL << 4));   // RXFE: empty
        Assert.Equal(1UL << 7, uart.Read(0x018, 4) & (1UL << 7));   // TXFE: transmit FIFO always empty
        uart.Write(0x02C, 4, 1 << 4);                               // LCR_H.FEN: 16-entry FIFOs
        uart.Receive((byte)'x');
        uart.Receive((byte)'y');
        Assert.Equal(0UL, uart.Read(0x018, 4) & (1UL << 4));
        Assert.Equal((ulong)'x', uart.Read(0x000, 4));
        Assert.Equal((ulong)'y', uart.Read(0x000, 4));
        Assert.Equal(1UL << 4, uart.Read(0x018, 4) & (1UL << 4));
    }

    [Fact]
    public void ReceiveInterruptIsMaskedByImsc()
    {
        var uart = new Pl011Uart(_ => { });
        uart.Receive(1);
        Assert.False(uart.InterruptPending);
        uart.Write(0x038, 4, 1 << 4);                 // IMSC.RXIM
        Assert.True(uart.InterruptPending);
        Assert.Equal(1UL << 4, uart.Read(0x040, 4) & (1UL << 4));   // MIS.RXMIS
        uart.Read(0x000, 4);
        Assert.False(uart.InterruptPending);
    }

    [Fact]
    public void PeripheralIdentificationMatchesPl011()
    {
        var uart = new Pl011Uart(_ => { });
        var id = Enumerable.Range(0, 8).Select(i => (byte)uart.Read(0xFE0 + (ulong)(4 * i), 4)).ToArray();
        Assert.Equal(new byte[] { 0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1 }, id);
    }
}
