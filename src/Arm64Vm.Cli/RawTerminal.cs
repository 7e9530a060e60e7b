using System.Runtime.InteropServices;

namespace Arm64Vm.Cli;

/// <summary>
/// Raw mode for the terminal on standard input through POSIX termios (tcgetattr, cfmakeraw, tcsetattr), called in
/// process rather than through `stty`: starting a child process makes .NET re-apply its own terminal settings when the
/// child exits, which would undo the raw mode. The termios structure is kept opaque (a buffer larger than any libc's).
/// </summary>
internal static partial class RawTerminal
{
    private const int StdIn = 0, TcsaNow = 0, TermiosBufferSize = 256;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcgetattr(int fd, [Out] byte[] termios);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcsetattr(int fd, int optionalActions, [In] byte[] termios);

    [LibraryImport("libc")]
    private static partial void cfmakeraw([In, Out] byte[] termios);

    /// <summary>Puts stdin's terminal in raw mode; returns its previous settings, or null when that is not possible
    /// (stdin is not a terminal, not a POSIX system).</summary>
    public static byte[]? Enter()
    {
        if (Console.IsInputRedirected || OperatingSystem.IsWindows()) return null;
        try
        {
            var saved = new byte[TermiosBufferSize];
            if (tcgetattr(StdIn, saved) != 0) return null;
            var raw = (byte[])saved.Clone();
            cfmakeraw(raw);
            return tcsetattr(StdIn, TcsaNow, raw) == 0 ? saved : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
    }

    /// <summary>Puts back the settings <see cref="Enter"/> returned.</summary>
    public static void Restore(byte[] saved)
    {
        try { tcsetattr(StdIn, TcsaNow, saved); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }
}
