using System.Globalization;
using System.Text;

namespace Arm64Vm.Host.Gdb;

/// <summary>Hex helpers of the protocol: digits, numbers, byte strings, little-endian register images.</summary>
public static class GdbHex
{
    public const string Chars = "0123456789abcdef";

    public static int Digit(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>A hex number (as in "m40080000,4"); false when empty, not hex or over 64 bits.</summary>
    public static bool TryNumber(string s, out ulong value) =>
        ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && s.Length > 0;

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (byte b in bytes) sb.Append(Chars[b >> 4]).Append(Chars[b & 0xF]);
        return sb.ToString();
    }

    public static string Encode(string text) => Encode(Encoding.UTF8.GetBytes(text));

    /// <summary>Hex pairs to bytes; null when the text is not an even number of hex digits.</summary>
    public static byte[]? Decode(string hex)
    {
        if (hex.Length % 2 != 0) return null;
        var bytes = new byte[hex.Length / 2];
        for (int i = 0; i < bytes.Length; i++)
        {
            int h = Digit(hex[2 * i]), l = Digit(hex[2 * i + 1]);
            if (h < 0 || l < 0) return null;
            bytes[i] = (byte)((h << 4) | l);
        }
        return bytes;
    }

    /// <summary>A value as <paramref name="bytes"/> little-endian bytes in hex (gdb's register image).</summary>
    public static string LittleEndian(ulong value, int bytes)
    {
        var sb = new StringBuilder(bytes * 2);
        for (int i = 0; i < bytes; i++, value >>= 8) sb.Append(Chars[(int)(value >> 4) & 0xF]).Append(Chars[(int)value & 0xF]);
        return sb.ToString();
    }

    public static ulong FromLittleEndian(ReadOnlySpan<byte> bytes)
    {
        ulong v = 0;
        for (int i = bytes.Length - 1; i >= 0; i--) v = (v << 8) | bytes[i];
        return v;
    }
}
