using Arm64Vm.Memory;

namespace Arm64Vm.Devices;

/// <summary>
/// ARM PrimeCell PL031 real-time clock (ARM DDI 0224), at 0x0901_0000 on SPI 2 of QEMU's virt board. A 32-bit seconds
/// counter: RTCDR reads the clock's seconds plus an offset that a write to RTCLR sets (the counter then counts from
/// the loaded value); RTCMR holds a match value, and when the counter reaches it RTCRIS bit 0 is set until RTCICR
/// clears it; RTCIMSC masks it onto the output line (RTCMIS). RTCCR bit 0 (RTC start) reads as 1: the counter always
/// runs, as in QEMU. The match is checked whenever the device is accessed and whenever the VMM calls <see cref="Update"/>
/// (at its quantum boundaries), so it fires at the first such point at or after the matching second.
/// </summary>
public sealed class Pl031Rtc : IMmioDevice
{
    public const ulong DefaultBase = 0x0901_0000;
    public const ulong RegionSize = 0x1000;

    // Register offsets (PL031 TRM, 3.2).
    private const int DR = 0x000, MR = 0x004, LR = 0x008, CR = 0x00C, IMSC = 0x010, RIS = 0x014, MIS = 0x018, ICR = 0x01C;
    private static readonly byte[] Id = { 0x31, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1 };

    private readonly Func<ulong> _seconds;
    private readonly InterruptOutput _irq;
    private uint _offset, _mr, _lr, _imsc, _ris;
    private uint _lastCount;

    /// <param name="seconds">The clock: whole seconds (of an epoch the VMM chooses) now.</param>
    public Pl031Rtc(Func<ulong> seconds, IInterruptLine? irq = null)
    {
        _seconds = seconds;
        _irq = new InterruptOutput(irq);
        _lastCount = Count;
    }

    public string Name => "pl031";

    /// <summary>The level of the interrupt output (SPI 2).</summary>
    public bool InterruptPending => (_ris & _imsc) != 0;

    private uint Count => unchecked((uint)_seconds() + _offset);

    /// <summary>Checks for a match since the last check (the counter passing RTCMR) and drives the line.</summary>
    public void Update()
    {
        uint now = Count;
        // The counter went from _lastCount to now (mod 2^32): a match if RTCMR lies in (_lastCount, now].
        if (now != _lastCount && unchecked(_mr - _lastCount - 1) < unchecked(now - _lastCount)) _ris |= 1;
        _lastCount = now;
        UpdateLine();
    }

    public ulong Read(ulong offset, int size)
    {
        Update();
        switch ((int)offset)
        {
            case DR: return _lastCount;
            case MR: return _mr;
            case LR: return _lr;          // the last value loaded (PL031 TRM 3.3.3)
            case CR: return 1;
            case IMSC: return _imsc;
            case RIS: return _ris;
            case MIS: return _ris & _imsc;
        }
        if (offset >= 0xFE0 && offset < 0x1000) return Id[(offset - 0xFE0) >> 2];
        return 0;
    }

    public void Write(ulong offset, int size, ulong value)
    {
        Update();
        uint v = (uint)value;
        switch ((int)offset)
        {
            case MR:
                _mr = v;
                if (_lastCount == v) _ris |= 1;   // QEMU raises it at once when the counter already equals the match value
                break;
            case LR:
                _lr = v;
                _offset = unchecked(v - (uint)_seconds());
                _lastCount = v;
                if (_mr == v) _ris |= 1;
                break;
            case IMSC: _imsc = v & 1; break;
            case ICR: _ris &= ~(v & 1); break;
        }
        UpdateLine();
    }

    private void UpdateLine() => _irq.Drive(InterruptPending);
}
