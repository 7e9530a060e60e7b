using Arm64Vm.Cpu;

namespace Arm64Vm.Host;

/// <summary>
/// Arm semihosting (Arm "Semihosting for AArch32 and AArch64", version 2) for HLT #0xF000 at EL1: operation in W0,
/// parameter block pointer in X1, result in X0. Only the console and exit calls a test guest needs, plus clocks.
/// </summary>
public sealed class Semihosting
{
    public const uint SysWriteC = 0x03, SysWrite0 = 0x04, SysWrite = 0x05, SysReadC = 0x07, SysClock = 0x10,
        SysTime = 0x11, SysErrno = 0x13, SysHeapInfo = 0x16, SysExit = 0x18, SysExitExtended = 0x20,
        SysElapsed = 0x30, SysTickFreq = 0x31;

    /// <summary>ADP_Stopped_ApplicationExit: the only exit reason that reports a status.</summary>
    public const ulong ApplicationExit = 0x20026;

    private readonly Action<byte> _console;
    private readonly GuestMemory _memory;

    public Semihosting(Action<byte> console, GuestMemory? memory = null)
    {
        _console = console;
        _memory = memory ?? new GuestMemory();
    }

    /// <summary>Set when the guest asked to exit; the value is its exit status.</summary>
    public int? ExitStatus { get; private set; }

    public void Reset() => ExitStatus = null;

    /// <summary>Performs the call for <paramref name="cpu"/> and writes its result into X0.</summary>
    public void Handle(CpuCore cpu)
    {
        uint op = cpu.W(0);
        ulong arg = cpu.X(1);
        long result;
        switch (op)
        {
            case SysWriteC:
            {
                Span<byte> c = stackalloc byte[1];
                if (_memory.TryRead(cpu, arg, c)) _console(c[0]);
                result = 0;
                break;
            }
            case SysWrite0:
            {
                var s = _memory.TryReadCString(cpu, arg);
                if (s != null) foreach (char ch in s) _console((byte)ch);
                result = 0;
                break;
            }
            case SysWrite:
            {
                // {handle, buffer, length}: returns the number of bytes NOT written.
                if (!_memory.TryReadU64(cpu, arg + 8, out ulong buf) || !_memory.TryReadU64(cpu, arg + 16, out ulong len) || len > 1 << 20)
                { result = -1; break; }
                var data = new byte[len];
                if (!_memory.TryRead(cpu, buf, data)) { result = (long)len; break; }
                foreach (var b in data) _console(b);
                result = 0;
                break;
            }
            case SysReadC:
                result = -1;   // no interactive semihosting input
                break;
            case SysClock:
                result = (long)(cpu.CounterValue() * 100 / CpuSystem.CounterFrequency);   // centiseconds
                break;
            case SysTime:
                result = 0;    // the epoch: deterministic runs
                break;
            case SysErrno:
                result = 0;
                break;
            case SysElapsed:
                result = -1;   // needs a 64-bit block write; not provided
                break;
            case SysTickFreq:
                result = (long)CpuSystem.CounterFrequency;
                break;
            case SysExit:
            case SysExitExtended:
            {
                // AArch64: X1 points to {reason, subcode}. Exit status = subcode for ApplicationExit, else 1.
                _memory.TryReadU64(cpu, arg, out ulong reason);
                _memory.TryReadU64(cpu, arg + 8, out ulong subcode);
                ExitStatus = reason == ApplicationExit ? (int)subcode : 1;
                result = 0;
                break;
            }
            default:
                result = -1;
                break;
        }
        cpu.SetX(0, (ulong)result);
    }
}
