using System.Text;
using Arm64Vm.Host.Gdb;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Host.Tests.Gdb;

/// <summary>Framing of the remote serial protocol: checksums, escapes, resynchronisation, limits.</summary>
public class GdbPacketTests
{
    private static List<GdbInput> ReadAll(string wire) => ReadAll(Encoding.Latin1.GetBytes(wire));

    private static List<GdbInput> ReadAll(byte[] wire)
    {
        var reader = new GdbPacketReader(new MemoryStream(wire));
        var list = new List<GdbInput>();
        while (true)
        {
            var input = reader.Read();
            list.Add(input);
            if (input.Kind == GdbInputKind.End) return list;
        }
    }

    private static string Text(GdbInput i) => Encoding.Latin1.GetString(i.Payload!);

    [Fact]
    public void AGoodPacketAndAcksAndCtrlCAreFramed()
    {
        var inputs = ReadAll("+$qC#b4-\x03");
        Assert.Equal(new[] { GdbInputKind.Ack, GdbInputKind.Packet, GdbInputKind.Nack, GdbInputKind.Interrupt, GdbInputKind.End },
            inputs.Select(i => i.Kind));
        Assert.Equal("qC", Text(inputs[1]));
    }

    [Fact]
    public void ABadChecksumIsReportedNotDelivered()
    {
        var inputs = ReadAll("$qC#b5$qC#zz");
        Assert.Equal(new[] { GdbInputKind.BadChecksum, GdbInputKind.BadChecksum, GdbInputKind.End }, inputs.Select(i => i.Kind));
    }

    [Fact]
    public void ATruncatedPacketIsDroppedAndTheNextStartResynchronises()
    {
        // "$m4008" never ends: the '$' of the next packet starts over; garbage between packets is skipped.
        var inputs = ReadAll("$m4008junk$qC#b4xyz");
        Assert.Equal(GdbInputKind.Packet, inputs[0].Kind);
        Assert.Equal("qC", Text(inputs[0]));
        Assert.Equal(GdbInputKind.End, inputs[1].Kind);
    }

    [Fact]
    public void EscapedBytesAreUnescapedAndTheChecksumCoversTheEscapes()
    {
        // X payload with '#' (0x23), '$' (0x24), '}' (0x7d) escaped as '}' + byte ^ 0x20.
        var framed = GdbPacketWriter.Frame(new byte[] { (byte)'X', 0x23, 0x24, 0x7d, 0x2a }, binary: true);
        Assert.Equal("$X}\x03}\x04}]}\n#", Encoding.Latin1.GetString(framed, 0, framed.Length - 2));
        var inputs = ReadAll(framed);
        Assert.Equal(new byte[] { (byte)'X', 0x23, 0x24, 0x7d, 0x2a }, inputs[0].Payload);
    }

    [Fact]
    public void AnOversizePacketIsReportedAsSuch()
    {
        string big = new('a', GdbPacketReader.MaxPayload + 1);
        var inputs = ReadAll(Encoding.Latin1.GetString(GdbPacketWriter.Frame(big)) + "$qC#b4");
        Assert.Equal(GdbInputKind.Oversize, inputs[0].Kind);
        Assert.Equal("qC", Text(inputs[1]));
    }

    [Fact]
    public void ADisconnectInTheMiddleOfAPacketEndsTheInput()
    {
        Assert.Equal(new[] { GdbInputKind.End }, ReadAll("$m40080000,").Select(i => i.Kind));
        Assert.Equal(new[] { GdbInputKind.End }, ReadAll("$qC#b").Select(i => i.Kind));
    }

    [Fact]
    public void AnyBinaryPayloadSurvivesFramingAndReading()
    {
        var bytes = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Where(a => a.Length <= 512).ToArbitrary();
        Prop.ForAll(bytes, payload =>
        {
            var inputs = ReadAll(GdbPacketWriter.Frame(payload, binary: true));
            return inputs[0].Kind == GdbInputKind.Packet && inputs[0].Payload!.SequenceEqual(payload);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void EndpointsAreParsedInQemuSpelling()
    {
        Assert.Equal(new GdbEndpoint(System.Net.IPAddress.Loopback, 1234), GdbEndpoint.Parse("tcp::1234"));
        Assert.Equal(new GdbEndpoint(System.Net.IPAddress.Any, 99), GdbEndpoint.Parse("tcp:0.0.0.0:99"));
        Assert.Equal(1234, GdbEndpoint.Parse("1234").Port);
        Assert.Contains("only TCP", Assert.Throws<FormatException>(() => GdbEndpoint.Parse("udp::1")).Message);
        Assert.Contains("not a TCP port", Assert.Throws<FormatException>(() => GdbEndpoint.Parse("tcp::99999")).Message);
        Assert.Contains("not an IP address", Assert.Throws<FormatException>(() => GdbEndpoint.Parse("tcp:nowhere:1")).Message);
    }
}
