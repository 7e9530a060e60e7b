using System.Text;

namespace Arm64Vm.Host.Gdb;

/// <summary>Registers (g, G, p, P), memory (m, M, X) and breakpoints/watchpoints (Z, z) of the selected vCPU.</summary>
public sealed partial class GdbSession
{
    /// <summary>The largest m/M/X transfer in bytes (a reply of hex must fit the packet size).</summary>
    private const int MaxTransfer = GdbPacketReader.MaxPayload / 2;

    private string ReadAllRegisters()
    {
        var sb = new StringBuilder();
        foreach (var r in GdbRegisters.All)
            if (r.InG) sb.Append(GdbRegisters.Read(Selected.Cpu, r));
        return sb.ToString();
    }

    private string WriteAllRegisters(string hex)
    {
        var bytes = GdbHex.Decode(hex);
        if (bytes == null) return "E01";
        int offset = 0;
        foreach (var r in GdbRegisters.All)
        {
            if (!r.InG || offset + r.Bytes > bytes.Length) break;
            GdbRegisters.Write(Selected.Cpu, r, bytes.AsSpan(offset, r.Bytes));
            offset += r.Bytes;
        }
        return "OK";
    }

    private string ReadRegister(string args)
    {
        if (!GdbHex.TryNumber(args, out ulong n) || GdbRegisters.Find((int)Math.Min(n, int.MaxValue)) is not { } r) return "E01";
        return GdbRegisters.Read(Selected.Cpu, r);
    }

    private string WriteRegister(string args)
    {
        int eq = args.IndexOf('=');
        if (eq < 0 || !GdbHex.TryNumber(args[..eq], out ulong n) || GdbRegisters.Find((int)Math.Min(n, int.MaxValue)) is not { } r) return "E01";
        var bytes = GdbHex.Decode(args[(eq + 1)..]);
        return bytes != null && GdbRegisters.Write(Selected.Cpu, r, bytes) ? "OK" : "E01";
    }

    /// <summary>"ADDR,LENGTH" (hex); false when malformed.</summary>
    private static bool ParseRange(string s, out ulong address, out int length)
    {
        address = 0;
        length = 0;
        var parts = s.Split(',');
        if (parts.Length != 2 || !GdbHex.TryNumber(parts[0], out address) || !GdbHex.TryNumber(parts[1], out ulong n) || n > int.MaxValue) return false;
        length = (int)n;
        return true;
    }

    private string ReadMemory(string args)
    {
        if (!ParseRange(args, out ulong address, out int length)) return "E01";
        if (length > MaxTransfer) return "E02";
        var buffer = new byte[length];
        return _memory.Read(Selected, address, buffer, out _) ? GdbHex.Encode(buffer) : "E14";
    }

    private string WriteMemory(string args)
    {
        int colon = args.IndexOf(':');
        if (colon < 0 || !ParseRange(args[..colon], out ulong address, out int length)) return "E01";
        var data = GdbHex.Decode(args[(colon + 1)..]);
        if (data == null || data.Length != length) return "E01";
        return _memory.Write(Selected, address, data, out _) ? "OK" : "E14";
    }

    /// <summary>X ADDR,LENGTH:binary data (already unescaped by the reader).</summary>
    private string WriteBinary(byte[] payload)
    {
        int colon = Array.IndexOf(payload, (byte)':');
        if (colon < 0 || !ParseRange(Encoding.Latin1.GetString(payload, 1, colon - 1), out ulong address, out int length)) return "E01";
        var data = payload[(colon + 1)..];
        if (data.Length != length) return "E01";
        if (length == 0) return "OK";   // gdb's probe for X support
        return _memory.Write(Selected, address, data, out _) ? "OK" : "E14";
    }

    /// <summary>Z/z TYPE,ADDR,KIND: 0 software and 1 hardware breakpoints, 2 write, 3 read, 4 access watchpoints.</summary>
    private string Breakpoint(string p)
    {
        bool insert = p[0] == 'Z';
        var parts = p[1..].Split(';')[0].Split(',');
        if (parts.Length < 3 || !int.TryParse(parts[0], out int type) || !GdbHex.TryNumber(parts[1], out ulong address)
            || !GdbHex.TryNumber(parts[2], out ulong kind)) return "E01";
        switch (type)
        {
            case 0:
            case 1:
            {
                var k = type == 0 ? BreakpointKind.Software : BreakpointKind.Hardware;
                return (insert ? _target.SetBreakpoint(address, k) : _target.ClearBreakpoint(address, k)) ? "OK" : "E01";
            }
            case 2:
            case 3:
            case 4:
            {
                var w = type switch { 2 => WatchKind.Write, 3 => WatchKind.Read, _ => WatchKind.Access };
                if (!_target.SupportsWatch(w)) return "";
                if (kind == 0 || kind > 4096) return "E01";
                return (insert ? _target.SetWatchpoint(_gThread, address, (int)kind, w) : _target.ClearWatchpoint(address, (int)kind, w)) ? "OK" : "E01";
            }
            default:
                return "";
        }
    }
}
