using System.Text;

namespace Arm64Vm.Host.Gdb;

/// <summary>General queries (q, Q): features, the target description, threads, monitor commands.</summary>
public sealed partial class GdbSession
{
    private string Query(string p)
    {
        if (p.StartsWith("qSupported"))
        {
            _swbreak = p.Contains("swbreak+");
            _hwbreak = p.Contains("hwbreak+");
            return $"PacketSize={GdbPacketReader.MaxPayload:x};QStartNoAckMode+;qXfer:features:read+;qXfer:threads:read+;"
                   + "swbreak+;hwbreak+;vContSupported+";
        }
        if (p.StartsWith("qXfer:features:read:")) return Transfer(p["qXfer:features:read:".Length..], "target.xml", GdbTargetDescription.Xml);
        if (p.StartsWith("qXfer:threads:read:")) return Transfer(p["qXfer:threads:read:".Length..], "", ThreadsXml());
        if (p == "qfThreadInfo") return "m" + string.Join(",", Enumerable.Range(1, VcpuCount).Select(i => i.ToString("x")));
        if (p == "qsThreadInfo") return "l";
        if (p == "qC") return $"QC{_gThread + 1:x}";
        if (p.StartsWith("qAttached")) return "1";
        if (p.StartsWith("qThreadExtraInfo,"))
            return ParseThread(p["qThreadExtraInfo,".Length..], out int t) && t >= 0 ? GdbHex.Encode(ThreadName(t)) : "E01";
        if (p.StartsWith("qSymbol:")) return "OK";
        if (p.StartsWith("qRcmd,"))
        {
            var command = GdbHex.Decode(p["qRcmd,".Length..]);
            if (command == null) return "E01";
            string output = _monitor.Execute(Encoding.UTF8.GetString(command), Selected);
            return output.Length == 0 ? "OK" : GdbHex.Encode(output);
        }
        return "";
    }

    private string SetQuery(string p)
    {
        if (p == "QStartNoAckMode")
        {
            // The OK goes out acknowledged as usual; from the next packet on nothing is acknowledged.
            Reply("OK");
            _connection.NoAck = true;
            return NoReply;
        }
        return "";
    }

    /// <summary>A reply already sent by the handler.</summary>
    private const string NoReply = "\0";

    /// <summary>qXfer read "ANNEX:OFFSET,LENGTH": 'm' + a chunk when more follows, 'l' + the last chunk; E00 for an unknown annex.</summary>
    private string Transfer(string args, string annex, string document)
    {
        int colon = args.IndexOf(':');
        if (colon < 0 || args[..colon] != annex) return "E00";
        var range = args[(colon + 1)..].Split(',');
        if (range.Length != 2 || !GdbHex.TryNumber(range[0], out ulong offset) || !GdbHex.TryNumber(range[1], out ulong length)) return "E01";
        var bytes = Encoding.UTF8.GetBytes(document);
        if (offset >= (ulong)bytes.Length) return "l";
        int n = (int)Math.Min(length, (ulong)bytes.Length - offset);
        n = Math.Min(n, GdbPacketReader.MaxPayload / 2);
        var chunk = Encoding.Latin1.GetString(bytes, (int)offset, n);
        return (offset + (ulong)n < (ulong)bytes.Length ? "m" : "l") + chunk;
    }

    private string ThreadsXml()
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?>\n<threads>\n");
        for (int i = 0; i < VcpuCount; i++)
            sb.Append($"<thread id=\"{i + 1:x}\" core=\"{i}\" name=\"vCPU {i}\">{ThreadName(i)}</thread>\n");
        sb.Append("</threads>\n");
        return sb.ToString();
    }
}
