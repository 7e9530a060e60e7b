using Arm64Vm.Memory;

namespace Arm64Vm.Devices;

/// <summary>
/// ARM PrimeCell PL011 UART (ARM DDI 0183), the console of QEMU's virt board at 0x0900_0000 on SPI 1. Transmit is
/// immediate (the FIFO never fills). Receive takes bytes the VMM hands over with <see cref="Receive"/> into a 16-entry
/// FIFO (one entry while LCR_H.FEN is clear); <see cref="CanReceive"/> tells the VMM when to hold bytes back, so nothing
/// is lost. Interrupts as QEMU's pl011 has them: RXRIS is set when a byte arrives and cleared when the FIFO is read
/// empty or by UARTICR (trigger level one byte, so no receive-timeout interrupt is needed); TXRIS is set by each write to
/// UARTDR (the byte is gone at once) and cleared by UARTICR. The output line is MIS != 0, recomputed on every register
/// write, every read that changes state and every received byte.
/// </summary>
public sealed class Pl011Uart : IMmioDevice
{
    public const ulong DefaultBase = 0x0900_0000;
    public const ulong RegionSize = 0x1000;
    public const int FifoDepth = 16;

    // Register offsets (PL011 TRM, 3.2).
    private const int DR = 0x000, RSR = 0x004, FR = 0x018, ILPR = 0x020, IBRD = 0x024, FBRD = 0x028, LCR_H = 0x02C,
        CR = 0x030, IFLS = 0x034, IMSC = 0x038, RIS = 0x03C, MIS = 0x040, ICR = 0x044, DMACR = 0x048;

    /// <summary>Interrupt bits (UARTRIS/MIS/IMSC/ICR): receive = 4, transmit = 5; bits [10:0] exist.</summary>
    public const uint RxInterrupt = 1 << 4, TxInterrupt = 1 << 5;
    private const uint InterruptMask = 0x7FF;
    // UARTFR bits: RXFE 4, TXFF 5, RXFF 6, TXFE 7.
    private const uint RxFifoEmpty = 1 << 4, RxFifoFull = 1 << 6, TxFifoEmpty = 1 << 7;
    private const uint FifoEnable = 1 << 4;   // LCR_H.FEN

    private static readonly byte[] Id = { 0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1 };

    private readonly Queue<byte> _rx = new();
    private readonly Action<byte> _output;
    private readonly InterruptOutput _irq;
    private uint _ibrd, _fbrd, _lcrh, _cr = 0x300, _ifls = 0x12, _imsc, _ris, _dmacr, _ilpr;

    public Pl011Uart(Action<byte> output, IInterruptLine? irq = null)
    {
        _output = output;
        _irq = new InterruptOutput(irq);
    }

    public string Name => "pl011";

    /// <summary>Bytes the guest transmitted since creation.</summary>
    public long BytesTransmitted { get; private set; }

    /// <summary>The level of the interrupt output (SPI 1): an unmasked interrupt is pending.</summary>
    public bool InterruptPending => (_ris & _imsc) != 0;

    private int Capacity => (_lcrh & FifoEnable) != 0 ? FifoDepth : 1;

    /// <summary>True while the receive FIFO has room (the VMM keeps further input queued until it has).</summary>
    public bool CanReceive => _rx.Count < Capacity;

    /// <summary>A byte arrives on the receive line (the VMM's thread, at a point it chooses); dropped if the FIFO is full.</summary>
    public void Receive(byte b)
    {
        if (!CanReceive) return;
        _rx.Enqueue(b);
        _ris |= RxInterrupt;
        UpdateLine();
    }

    public ulong Read(ulong offset, int size)
    {
        switch ((int)offset)
        {
            case DR:
            {
                if (!_rx.TryDequeue(out byte b)) return 0;
                if (_rx.Count == 0)
                {
                    _ris &= ~RxInterrupt;
                    UpdateLine();
                }
                return b;
            }
            case RSR: return 0;
            case FR:
                return TxFifoEmpty | (_rx.Count == 0 ? RxFifoEmpty : 0) | (_rx.Count >= Capacity ? RxFifoFull : 0);
            case ILPR: return _ilpr;
            case IBRD: return _ibrd;
            case FBRD: return _fbrd;
            case LCR_H: return _lcrh;
            case CR: return _cr;
            case IFLS: return _ifls;
            case IMSC: return _imsc;
            case RIS: return _ris;
            case MIS: return _ris & _imsc;
            case DMACR: return _dmacr;
        }
        if (offset >= 0xFE0 && offset < 0x1000) return Id[(offset - 0xFE0) >> 2];
        return 0;
    }

    public void Write(ulong offset, int size, ulong value)
    {
        switch ((int)offset)
        {
            case DR:
                _output((byte)value);
                BytesTransmitted++;
                _ris |= TxInterrupt;
                break;
            case RSR: break;   // write clears errors; none are modelled
            case ILPR: _ilpr = (uint)value & 0xFF; break;
            case IBRD: _ibrd = (uint)value & 0xFFFF; break;
            case FBRD: _fbrd = (uint)value & 0x3F; break;
            case LCR_H:
                // Changing FEN flushes nothing in QEMU; a FIFO holding more than a disabled FIFO's one entry keeps its bytes.
                _lcrh = (uint)value & 0xFF;
                break;
            case CR: _cr = (uint)value & 0xFF87; break;
            case IFLS: _ifls = (uint)value & 0x3F; break;
            case IMSC: _imsc = (uint)value & InterruptMask; break;
            case ICR: _ris &= ~((uint)value & InterruptMask); break;
            case DMACR: _dmacr = (uint)value & 7; break;
        }
        UpdateLine();
    }

    private void UpdateLine() => _irq.Drive(InterruptPending);
}
