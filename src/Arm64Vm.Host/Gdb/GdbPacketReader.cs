namespace Arm64Vm.Host.Gdb;

/// <summary>What the stub reads from gdb: a packet, an acknowledgement, Ctrl-C, or a framing problem.</summary>
public enum GdbInputKind
{
    /// <summary>A packet with a good checksum (Payload: unescaped bytes).</summary>
    Packet,
    /// <summary>A packet whose checksum did not match (answered '-' in ack mode).</summary>
    BadChecksum,
    /// <summary>A packet longer than <see cref="GdbPacketReader.MaxPayload"/> (answered with an error).</summary>
    Oversize,
    /// <summary>0x03 outside a packet: gdb asks a running guest to stop.</summary>
    Interrupt,
    Ack,
    Nack,
    /// <summary>The connection closed (possibly in the middle of a packet).</summary>
    End,
}

public readonly record struct GdbInput(GdbInputKind Kind, byte[]? Payload = null);

/// <summary>
/// Frames gdb's remote serial protocol ("$payload#cs"): bytes outside a packet other than '+', '-' and 0x03 are
/// skipped, a '$' inside a packet starts over (a truncated packet is dropped: resynchronisation), '}' escapes the
/// next byte (XOR 0x20), the checksum is the sum of the bytes between '$' and '#' as sent.
/// </summary>
public sealed class GdbPacketReader
{
    /// <summary>The largest payload accepted (qSupported's PacketSize, in bytes of unescaped data).</summary>
    public const int MaxPayload = 0x4000;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[4096];
    private int _pos, _len;

    public GdbPacketReader(Stream stream) => _stream = stream;

    /// <summary>Bytes the client has sent so far (any, even a packet it never finished).</summary>
    public long BytesRead { get; private set; }

    private int NextByte()
    {
        if (_pos == _len)
        {
            try { _len = _stream.Read(_buffer, 0, _buffer.Length); }
            catch (Exception e) when (e is IOException or ObjectDisposedException) { _len = 0; }
            _pos = 0;
            if (_len <= 0) { _len = 0; return -1; }
            BytesRead += _len;
        }
        return _buffer[_pos++];
    }

    public GdbInput Read()
    {
        while (true)
        {
            int b = NextByte();
            switch (b)
            {
                case -1: return new GdbInput(GdbInputKind.End);
                case '+': return new GdbInput(GdbInputKind.Ack);
                case '-': return new GdbInput(GdbInputKind.Nack);
                case 0x03: return new GdbInput(GdbInputKind.Interrupt);
                case '$': return ReadPacketBody();
            }
        }
    }

    /// <summary>After '$': the payload up to '#', then two hex digits.</summary>
    private GdbInput ReadPacketBody()
    {
        var payload = new List<byte>();
        int sum = 0;
        bool escape = false, oversize = false;
        while (true)
        {
            int b = NextByte();
            if (b < 0) return new GdbInput(GdbInputKind.End);
            if (b == '$')
            {
                // A truncated packet: resynchronise on the new start.
                payload.Clear();
                sum = 0;
                escape = oversize = false;
                continue;
            }
            if (b == '#') break;
            sum += b;
            if (escape) { b ^= 0x20; escape = false; }
            else if (b == '}') { escape = true; continue; }
            if (payload.Count >= MaxPayload) oversize = true;
            else payload.Add((byte)b);
        }
        int hi = NextByte(), lo = NextByte();
        if (hi < 0 || lo < 0) return new GdbInput(GdbInputKind.End);
        if (oversize) return new GdbInput(GdbInputKind.Oversize);
        int h = GdbHex.Digit(hi), l = GdbHex.Digit(lo);
        if (h < 0 || l < 0 || ((h << 4) | l) != (sum & 0xFF)) return new GdbInput(GdbInputKind.BadChecksum);
        return new GdbInput(GdbInputKind.Packet, payload.ToArray());
    }
}
