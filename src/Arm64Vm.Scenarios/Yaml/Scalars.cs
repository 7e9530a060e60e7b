using System.Globalization;

namespace Arm64Vm.Scenarios.Yaml;

/// <summary>The scalar forms scenario files accept: numbers (decimal or 0x hex, '_' separators), sizes with binary suffixes, booleans.</summary>
public static class Scalars
{
    /// <summary>"0x40080000", "1073741824", "1_000_000".</summary>
    public static bool TryParseNumber(string text, out ulong value)
    {
        string t = text.Trim().Replace("_", "");
        value = 0;
        if (t.Length == 0) return false;
        return t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? t.Length > 2 && ulong.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static readonly (string Suffix, ulong Multiplier)[] SizeSuffixes =
    {
        ("KiB", 1UL << 10), ("MiB", 1UL << 20), ("GiB", 1UL << 30), ("K", 1UL << 10), ("M", 1UL << 20), ("G", 1UL << 30),
    };

    /// <summary>"128MiB", "32KiB", "1G", "4096", "0x1000": binary multiples (KiB/MiB/GiB or K/M/G).</summary>
    public static bool TryParseSize(string text, out ulong value)
    {
        string t = text.Trim().Replace("_", "");
        value = 0;
        if (!t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var (suffix, m) in SizeSuffixes)
            {
                if (!t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) continue;
                if (!TryParseNumber(t[..^suffix.Length].TrimEnd(), out ulong n) || (n != 0 && m > ulong.MaxValue / n)) return false;
                value = n * m;
                return true;
            }
        }
        return TryParseNumber(t, out value);
    }

    /// <summary>YAML 1.2 core-schema booleans.</summary>
    public static bool TryParseBool(string text, out bool value)
    {
        switch (text.Trim())
        {
            case "true": case "True": case "TRUE": value = true; return true;
            case "false": case "False": case "FALSE": value = false; return true;
            default: value = false; return false;
        }
    }

    /// <summary>"de ad be ef", "deadbeef", "0xde 0xad": hex bytes, whitespace or commas between them.</summary>
    public static bool TryParseHexBytes(string text, out byte[] bytes)
    {
        var list = new List<byte>();
        bytes = Array.Empty<byte>();
        foreach (var raw in text.Split(new[] { ' ', '\t', '\n', ',' }, StringSplitOptions.RemoveEmptyEntries))
        {
            string tok = raw.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? raw[2..] : raw;
            if (tok.Length == 0 || tok.Length % 2 != 0) return false;
            for (int i = 0; i < tok.Length; i += 2)
            {
                if (!byte.TryParse(tok.AsSpan(i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b)) return false;
                list.Add(b);
            }
        }
        if (list.Count == 0) return false;
        bytes = list.ToArray();
        return true;
    }

    /// <summary>Human-readable size: 128MiB, 32KiB, 4096.</summary>
    public static string FormatSize(ulong size)
    {
        if (size != 0 && size % (1UL << 30) == 0) return $"{size >> 30}GiB";
        if (size != 0 && size % (1UL << 20) == 0) return $"{size >> 20}MiB";
        if (size != 0 && size % (1UL << 10) == 0) return $"{size >> 10}KiB";
        return size.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Whether two scalars written in a file mean the same value (matching <c>expected</c> rows to combinations):
    /// equal text ignoring case, equal booleans, or equal numbers/sizes ("128MiB" = "128M" = "0x8000000").
    /// </summary>
    public static bool SameValue(string a, string b)
    {
        if (string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase)) return true;
        if (TryParseBool(a, out bool ba) && TryParseBool(b, out bool bb)) return ba == bb;
        return TryParseSize(a, out ulong na) && TryParseSize(b, out ulong nb) && na == nb;
    }
}
