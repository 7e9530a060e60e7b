using System.Text;

namespace Arm64Vm.Host.Gdb;

/// <summary>
/// Frames replies: "$payload#cs", never run-length encoded. Binary replies (qXfer data) escape '#', '$', '}' and '*'
/// ('}' then the byte XOR 0x20); text replies are hex or plain ASCII without those characters.
/// </summary>
public static class GdbPacketWriter
{
    public static byte[] Frame(ReadOnlySpan<byte> payload, bool binary = false)
    {
        var o = new List<byte>(payload.Length + 4) { (byte)'$' };
        int sum = 0;
        foreach (byte b in payload)
        {
            if (binary && b is (byte)'#' or (byte)'$' or (byte)'}' or (byte)'*')
            {
                o.Add((byte)'}');
                o.Add((byte)(b ^ 0x20));
                sum += '}' + (b ^ 0x20);
            }
            else
            {
                o.Add(b);
                sum += b;
            }
        }
        o.Add((byte)'#');
        o.Add((byte)GdbHex.Chars[(sum >> 4) & 0xF]);
        o.Add((byte)GdbHex.Chars[sum & 0xF]);
        return o.ToArray();
    }

    public static byte[] Frame(string text) => Frame(Encoding.Latin1.GetBytes(text));
}
