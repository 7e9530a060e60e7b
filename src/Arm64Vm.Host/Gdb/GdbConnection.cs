using System.Collections.Concurrent;

namespace Arm64Vm.Host.Gdb;

/// <summary>
/// One client: a reader thread frames its bytes (<see cref="GdbPacketReader"/>) into a queue the emulation thread
/// takes from, and turns Ctrl-C and a disconnect into <see cref="IDebugTarget.Interrupt"/> at once (the guest may be
/// running). Replies go out from the emulation thread; in ack mode each good packet is acknowledged '+', a bad
/// checksum '-', and a '-' from gdb resends the last reply.
/// </summary>
public sealed class GdbConnection : IDisposable
{
    private readonly Stream _stream;
    private readonly BlockingCollection<GdbInput> _inputs = new();
    private readonly Thread _reader;
    private readonly object _writeLock = new();
    private byte[]? _lastReply;

    public GdbConnection(Stream stream, IDebugTarget target, Action<string>? log = null)
    {
        _stream = stream;
        _reader = new Thread(() => ReadLoop(target, log)) { IsBackground = true, Name = "gdb-reader" };
        _reader.Start();
    }

    /// <summary>After QStartNoAckMode: packets are neither acknowledged nor expected to be.</summary>
    public bool NoAck { get; set; }
    public bool Closed { get => _closed; private set => _closed = value; }
    private volatile bool _closed;
    /// <summary>The client sent at least one byte (set before the input that follows it is queued).</summary>
    public bool HeardAnything => _heard;
    private volatile bool _heard;

    private void ReadLoop(IDebugTarget target, Action<string>? log)
    {
        var reader = new GdbPacketReader(_stream);
        try
        {
            while (true)
            {
                var input = reader.Read();
                if (reader.BytesRead > 0) _heard = true;
                // Ctrl-C, or the client gone (not closed by the stub: a detach resumes the guest): stop the guest.
                if (input.Kind == GdbInputKind.Interrupt || (input.Kind == GdbInputKind.End && !Closed)) target.Interrupt();
                _inputs.Add(input);
                if (input.Kind == GdbInputKind.End) return;
            }
        }
        catch (Exception e)
        {
            log?.Invoke($"gdb: connection reader stopped: {e.Message}");
            if (!Closed) target.Interrupt();
            _inputs.Add(new GdbInput(GdbInputKind.End));
        }
    }

    /// <summary>The next packet (acks and nacks are handled here), or null when the client has gone.</summary>
    public GdbInput Next()
    {
        while (true)
        {
            var input = _inputs.Take();
            switch (input.Kind)
            {
                case GdbInputKind.Ack:
                    continue;
                case GdbInputKind.Nack:
                    if (_lastReply != null && !NoAck) Write(_lastReply);
                    continue;
                case GdbInputKind.BadChecksum:
                    if (!NoAck) Write("-"u8.ToArray());
                    continue;
                case GdbInputKind.Packet:
                case GdbInputKind.Oversize:
                    if (!NoAck) Write("+"u8.ToArray());
                    return input;
                default:
                    return input;
            }
        }
    }

    /// <summary>True when a Ctrl-C is queued behind what was taken (gdb asked to stop before the continue began).</summary>
    public bool InterruptQueued() => _inputs.Any(i => i.Kind == GdbInputKind.Interrupt);

    public void Send(string payload, bool binary = false) => Send(System.Text.Encoding.Latin1.GetBytes(payload), binary);

    public void Send(byte[] payload, bool binary)
    {
        var frame = GdbPacketWriter.Frame(payload, binary);
        _lastReply = frame;
        Write(frame);
    }

    private void Write(byte[] bytes)
    {
        lock (_writeLock)
        {
            if (Closed) return;
            try
            {
                _stream.Write(bytes);
                _stream.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                Closed = true;
            }
        }
    }

    /// <summary>
    /// Closes the stream and waits for the reader to finish, so that no Interrupt of this client's (a disconnect the
    /// reader saw before the stub closed) can arrive after the caller has cleared the target's interrupt.
    /// </summary>
    public void Dispose()
    {
        Closed = true;
        try { _stream.Dispose(); } catch (IOException) { }
        if (Thread.CurrentThread != _reader) _reader.Join(TimeSpan.FromSeconds(5));
    }
}
