using System.Collections.Concurrent;
using Arm64Vm.Memory;

namespace Arm64Vm.Devices;

/// <summary>
/// ARM PrimeCell PL011 UART (ARM DDI 0183), the console of QEMU's virt board at 0x0900_0000. Transmit is
/// immediate (the FIFO never fills); receive takes bytes queued by the host (e.g. from stdin). Interrupt lines are
/// computed (RIS/MIS) for the interrupt controller to sample.
/// </summary>
public sealed class Pl011Uart : IMmioDevice
{
    public const ulong DefaultBase = 0x0900_0000;
    public const ulong RegionSize = 0x1000;

    // Register offsets (PL011 TRM, 3.2).
    private const int DR = 0x000, RSR = 0x004, FR = 0x018, ILPR = 0x020, IBRD = 0x024, FBRD = 0x028, LCR_H = 0x02C,
        CR = 0x030, IFLS = 0x034, IMSC = 0x038, RIS = 0x03C, MIS = 0x040, ICR = 0x044, DMACR = 0x048;

    // Interrupt bits: RX = 4, TX = 5.
    private const uint RxInterrupt = 1 << 4, TxInterrupt = 1 << 5;

    private static readonly byte[] Id = { 0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1 };

    private readonly ConcurrentQueue<byte> _rx = new();   // fed by the host's input thread
    private readonly Action<byte> _output;
    private uint _ibrd, _fbrd, _lcrh, _cr = 0x300, _ifls = 0x12, _imsc, _ris, _dmacr, _ilpr;

    public Pl011Uart(Action<byte> output) => _output = output;

    public string Name => "pl011";

    /// <summary>Bytes the guest transmitted since creation.</summary>
    public long BytesTransmitted { get; private set; }

    /// <summary>Queues input for the guest (thread-safe: the CLI's stdin reader calls it).</summary>
    public void Receive(byte b) => _rx.Enqueue(b);

    /// <summary>Raw interrupt status: RX while input is queued, TX always (the FIFO never fills).</summary>
    private uint RawStatus => _ris | TxInterrupt | (_rx.IsEmpty ? 0 : RxInterrupt);

    /// <summary>True while an unmasked interrupt is pending (for the interrupt controller).</summary>
    public bool InterruptPending => (RawStatus & _imsc) != 0;

    public ulong Read(ulong offset, int size)
    {
        switch ((int)offset)
        {
            case DR:
                return _rx.TryDequeue(out byte b) ? b : 0u;
            case RSR: return 0;
            case FR:
                // TXFE (bit 7) always: transmission is instantaneous. RXFE (bit 4) when nothing is queued.
                return (1u << 7) | (_rx.IsEmpty ? 1u << 4 : 1u << 6);
            case ILPR: return _ilpr;
            case IBRD: return _ibrd;
            case FBRD: return _fbrd;
            case LCR_H: return _lcrh;
            case CR: return _cr;
            case IFLS: return _ifls;
            case IMSC: return _imsc;
            case RIS: return RawStatus;
            case MIS: return RawStatus & _imsc;
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
                break;
            case RSR: break;   // write clears errors; none are modelled
            case ILPR: _ilpr = (uint)value & 0xFF; break;
            case IBRD: _ibrd = (uint)value & 0xFFFF; break;
            case FBRD: _fbrd = (uint)value & 0x3F; break;
            case LCR_H: _lcrh = (uint)value & 0xFF; break;
            case CR: _cr = (uint)value & 0xFF87; break;
            case IFLS: _ifls = (uint)value & 0x3F; break;
            case IMSC: _imsc = (uint)value & 0x7FF; break;
            case ICR: _ris &= ~(uint)value; break;
            case DMACR: _dmacr = (uint)value & 7; break;
        }
    }
}
