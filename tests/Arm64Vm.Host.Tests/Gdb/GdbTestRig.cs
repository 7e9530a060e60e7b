using System.Net;
using System.Net.Sockets;
using System.Text;
using Arm64Vm.Host.Gdb;
using Arm64Vm.Host.Images;
using Xunit;

namespace Arm64Vm.Host.Tests.Gdb;

/// <summary>
/// A guest under the stub: the VMM with the cache model on, the server on a free loopback port, and
/// <see cref="GdbServer.Serve"/> on its own thread (the emulation thread of `arm64vm run --gdb`).
/// </summary>
internal sealed class GdbTestRig : IDisposable
{
    public const string Guest = "tests/guests/bin/cache-alias-nc.elf";
    private readonly Thread _thread;
    private RunOutcome? _outcome;
    private Exception? _failure;

    public GdbTestRig(bool waitForGdb = true, string guest = Guest, int cpus = 1)
    {
        ElfPath = GuestRunner.PathOf(guest);
        Vmm = new Vmm(new VmmOptions { MemorySize = 128UL << 20, Cpus = cpus, CacheModel = CacheModelKind.State, Console = b => Console.WriteByte(b) },
            new[] { ImageLoader.Load(ElfPath) });
        Vmm.Boot();
        Server = new GdbServer(Vmm, new GdbEndpoint(IPAddress.Loopback, 0), log: m => { lock (Log) Log.Add(m); });
        Server.Start();
        _thread = new Thread(() =>
        {
            try { _outcome = Server.Serve(waitForGdb); }
            catch (Exception e) { _failure = e; }
        })
        { IsBackground = true, Name = "emulation" };
        _thread.Start();
    }

    public string ElfPath { get; }
    public Vmm Vmm { get; }
    public GdbServer Server { get; }
    public MemoryStream Console { get; } = new();
    public List<string> Log { get; } = new();
    public string ConsoleText => Encoding.ASCII.GetString(Console.ToArray());
    public ulong Symbol(string name) => ElfSymbols.Address(ElfPath, name);

    public RawGdbClient Connect() => new(Server.Port);

    /// <summary>What Serve returned (waits for it); a failure inside it fails the test.</summary>
    public RunOutcome Outcome()
    {
        Assert.True(_thread.Join(TimeSpan.FromSeconds(60)), "Serve did not return");
        if (_failure != null) throw new Xunit.Sdk.XunitException("Serve threw: " + _failure);
        return _outcome!;
    }

    public void Dispose()
    {
        // End a run that no test ended: a client kills the guest (a refused client, while the test's last one is
        // still being closed, tries again).
        for (int attempt = 0; attempt < 20 && _thread.IsAlive; attempt++)
        {
            try { using var c = Connect(); c.Send("k"); }
            catch (Exception e) when (e is SocketException or IOException) { }
            _thread.Join(TimeSpan.FromMilliseconds(500));
        }
        Server.Dispose();
        if (!_thread.IsAlive) Vmm.Dispose();   // never free guest RAM under a running emulation thread
    }
}

/// <summary>A gdb stand-in speaking the remote protocol byte by byte (ack mode until <see cref="NoAck"/>).</summary>
internal sealed class RawGdbClient : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private bool _noAck;

    public RawGdbClient(int port)
    {
        _client = new TcpClient();
        _client.Connect(IPAddress.Loopback, port);
        _client.NoDelay = true;
        _stream = _client.GetStream();
        _stream.ReadTimeout = 30_000;
    }

    public void SendRaw(string bytes) => SendRaw(Encoding.Latin1.GetBytes(bytes));
    public void SendRaw(byte[] bytes) => _stream.Write(bytes);

    /// <summary>Sends a packet; in ack mode expects the stub's '+'.</summary>
    public void Send(string payload)
    {
        SendRaw(GdbPacketWriter.Frame(payload));
        if (!_noAck) Assert.Equal('+', (char)ReadByte());
    }

    public int ReadByte()
    {
        int b = _stream.ReadByte();
        if (b < 0) throw new IOException("the stub closed the connection");
        return b;
    }

    /// <summary>The next reply packet's payload (console 'O' packets skipped), acknowledged in ack mode.</summary>
    public string Reply(bool skipOutput = true)
    {
        while (true)
        {
            int b;
            while ((b = ReadByte()) != '$') { }
            var sb = new StringBuilder();
            while ((b = ReadByte()) != '#') sb.Append((char)b);
            ReadByte();
            ReadByte();
            if (!_noAck) SendRaw("+");
            string p = sb.ToString();
            if (skipOutput && p.Length > 1 && p[0] == 'O' && p != "OK") continue;
            return p;
        }
    }

    public string Ask(string payload)
    {
        Send(payload);
        return Reply();
    }

    /// <summary>A monitor command (qRcmd) and its decoded text answer.</summary>
    public string Monitor(string command) => Encoding.UTF8.GetString(GdbHex.Decode(Ask("qRcmd," + GdbHex.Encode(command)))!);

    public void NoAck()
    {
        Assert.Equal("OK", Ask("QStartNoAckMode"));
        _noAck = true;
    }

    public void Dispose() => _client.Dispose();
}
