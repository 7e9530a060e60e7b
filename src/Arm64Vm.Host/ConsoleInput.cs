namespace Arm64Vm.Host;

/// <summary>
/// DEV-2 (specs/interrupts.md): the console's bytes to the guest's PL011, with QEMU's -nographic escape. From an
/// interactive terminal, Ctrl-A X quits (the run is interrupted), Ctrl-A Ctrl-A sends one Ctrl-A, and Ctrl-A followed
/// by anything else is dropped, as QEMU's mux does for keys it does not know; every other byte (Ctrl-C included) goes
/// to the guest. From a file or a pipe the bytes pass as they are. At the end of the input, or after Ctrl-A X, the
/// source is closed (<see cref="TerminalInputQueue.Close"/>): an idle guest no longer waits for it.
/// </summary>
public static class ConsoleInput
{
    public const byte CtrlA = 0x01;

    /// <summary>
    /// Reads <paramref name="input"/> until its end or Ctrl-A X, queueing its bytes for <paramref name="vmm"/>'s UART.
    /// Returns true when Ctrl-A X ended it: <paramref name="onQuit"/> runs, then the run is asked to stop (so a caller
    /// that looks at its own quit flag when <see cref="Vmm.Run"/> returns sees it set); nothing after the X reaches the
    /// guest.
    /// </summary>
    public static bool Pump(Stream input, bool interactive, Vmm vmm, Action? onQuit = null)
    {
        var buffer = new byte[256];
        bool escape = false;
        try
        {
            int n;
            while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    byte b = buffer[i];
                    if (interactive && escape)
                    {
                        escape = false;
                        if (b is (byte)'x' or (byte)'X')
                        {
                            onQuit?.Invoke();
                            vmm.Interrupt();
                            return true;
                        }
                        if (b != CtrlA) continue;
                    }
                    else if (interactive && b == CtrlA)
                    {
                        escape = true;
                        continue;
                    }
                    vmm.QueueInput(b);
                }
            }
            return false;
        }
        catch (IOException) { return false; }
        catch (ObjectDisposedException) { return false; }
        finally { vmm.Input.Close(); }
    }
}
