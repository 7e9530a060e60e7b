using Arm64Vm.Host;

namespace Arm64Vm.Cli;

/// <summary>
/// Standard input to the guest's PL011, read by a background thread so the emulation never blocks on it. When stdin is
/// a terminal it is put in raw mode (<see cref="RawTerminal"/>, as QEMU's -nographic does with cfmakeraw): every key, Ctrl-C
/// included, goes to the guest, and Ctrl-A X quits (Ctrl-A Ctrl-A sends one Ctrl-A), as in QEMU. The terminal's
/// settings are restored on <see cref="Dispose"/> and at process exit. When stdin is a file or a pipe its bytes are
/// passed on as they are; at its end the reader stops. Only a terminal keeps an idle guest's run waiting for input
/// (DEV-1): a file or a pipe does not, so the run ends Idle as without input.
/// </summary>
public sealed class TerminalInput : IDisposable
{
    public const byte CtrlA = 0x01;
    private readonly Vmm _vmm;
    private readonly byte[]? _savedMode;
    private int _restored;

    private TerminalInput(Vmm vmm, byte[]? savedMode)
    {
        _vmm = vmm;
        _savedMode = savedMode;
    }

    /// <summary>True after Ctrl-A X.</summary>
    public bool QuitRequested { get; private set; }

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
        var stdin = Console.OpenStandardInput();
        var buffer = new byte[256];
        bool escape = false;
        try
        {
            int n;
            while ((n = stdin.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    byte b = buffer[i];
                    if (_savedMode != null)
                    {
                        if (escape)
                        {
                            escape = false;
                            if (b is (byte)'x' or (byte)'X')
                            {
                                QuitRequested = true;
                                _vmm.Interrupt();
                                return;
                            }
                            if (b != CtrlA) continue;   // Ctrl-A then anything else: ignored, as QEMU does
                        }
                        else if (b == CtrlA)
                        {
                            escape = true;
                            continue;
                        }
                    }
                    _vmm.QueueInput(b);
                }
            }
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
        finally { _vmm.Input.Close(); }
    }

    private void Restore()
    {
        if (_savedMode == null || Interlocked.Exchange(ref _restored, 1) != 0) return;
        RawTerminal.Restore(_savedMode);
    }

    public void Dispose() => Restore();
}
