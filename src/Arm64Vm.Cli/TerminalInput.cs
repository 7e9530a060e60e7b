using Arm64Vm.Host;
using Microsoft.Win32.SafeHandles;

namespace Arm64Vm.Cli;

/// <summary>
/// Standard input to the guest's PL011 (DEV-1, DEV-2), read by a background thread so the emulation never blocks on it.
/// When stdin is a terminal it is put in raw mode (<see cref="RawTerminal"/>, as QEMU's -nographic does with cfmakeraw)
/// and read byte by byte from file descriptor 0: .NET's console stream would edit and echo each line itself and pass
/// nothing before Enter. <see cref="ConsoleInput.Pump"/> handles Ctrl-A X. The terminal's settings are restored on
/// <see cref="Dispose"/> and at process exit. When stdin is a file or a pipe its bytes are passed on as they are; at
/// its end the reader stops. Only a terminal keeps an idle guest's run waiting for input (DEV-1).
/// </summary>
public sealed class TerminalInput : IDisposable
{
    private const int StdInFd = 0;
    private readonly Vmm _vmm;
    private readonly byte[]? _savedMode;
    private int _restored;
    private volatile bool _quit;

    private TerminalInput(Vmm vmm, byte[]? savedMode)
    {
        _vmm = vmm;
        _savedMode = savedMode;
    }

    /// <summary>True after Ctrl-A X.</summary>
    public bool QuitRequested => _quit;

    public static TerminalInput Start(Vmm vmm)
    {
        var saved = RawTerminal.Enter();
        var input = new TerminalInput(vmm, saved);
        if (saved != null) vmm.Input.Open();   // DEV-1: an interactive terminal can wake an idle guest
        if (saved != null) AppDomain.CurrentDomain.ProcessExit += (_, _) => input.Restore();
        var thread = new Thread(input.ReadLoop) { IsBackground = true, Name = "stdin" };
        thread.Start();
        return input;
    }

    private void ReadLoop()
    {
        // DEV-2: a raw terminal is read as the plain file descriptor it is (no .NET line editing, no echo).
        using var stdin = _savedMode != null
            ? new FileStream(new SafeFileHandle(StdInFd, ownsHandle: false), FileAccess.Read, bufferSize: 0)
            : Console.OpenStandardInput();
        ConsoleInput.Pump(stdin, interactive: _savedMode != null, _vmm, onQuit: () => _quit = true);
    }

    /// <summary>
    /// DEV-2: the terminal's settings back, and its cursor keys and keypad back in normal mode (DECCKM reset, DECKPNM:
    /// ESC [ ? 1 l, ESC >): .NET's console switches a terminal on stdout to application mode (terminfo keypad_xmit)
    /// when it starts and never switches it back, which would leave the user's shell with other cursor-key codes.
    /// </summary>
    private void Restore()
    {
        if (_savedMode == null || Interlocked.Exchange(ref _restored, 1) != 0) return;
        RawTerminal.Restore(_savedMode);
        if (!Console.IsOutputRedirected)
        {
            Console.Out.Write("\u001b[?1l\u001b>");
            Console.Out.Flush();
        }
    }

    public void Dispose() => Restore();
}
