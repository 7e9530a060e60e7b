using System.Globalization;
using System.Net;

namespace Arm64Vm.Host.Gdb;

/// <summary>Where the stub listens, in QEMU's -gdb spelling: "tcp::PORT" (127.0.0.1), "tcp:HOST:PORT", or a bare PORT.</summary>
public sealed record GdbEndpoint(IPAddress Address, int Port)
{
    public const int DefaultPort = 1234;

    /// <summary>Parses the spelling; a bad one throws <see cref="FormatException"/> with a one-line reason.</summary>
    public static GdbEndpoint Parse(string text)
    {
        string t = text.Trim();
        string host = "", port = t;
        if (t.StartsWith("tcp:", StringComparison.Ordinal))
        {
            string rest = t[4..];
            int colon = rest.LastIndexOf(':');
            if (colon < 0) throw new FormatException($"'{text}' is not tcp::PORT or tcp:HOST:PORT");
            host = rest[..colon];
            port = rest[(colon + 1)..];
        }
        else if (t.Contains(':')) throw new FormatException($"'{text}' is not tcp::PORT, tcp:HOST:PORT or PORT (only TCP is supported)");
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p > 65535)
            throw new FormatException($"'{port}' is not a TCP port (0-65535)");
        IPAddress address = IPAddress.Loopback;
        if (host.Length > 0 && !(host == "localhost") && !IPAddress.TryParse(host.Trim('[', ']'), out address!))
            throw new FormatException($"'{host}' is not an IP address or localhost");
        return new GdbEndpoint(address, p);
    }

    public override string ToString() => $"{Address}:{Port}";
}
