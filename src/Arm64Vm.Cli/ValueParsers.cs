using System.Globalization;

namespace Arm64Vm.Cli;

/// <summary>Parses the numbers and sizes the command line accepts: decimal or 0x hex, sizes with K/M/G suffixes.</summary>
public static class ValueParsers
{
    /// <summary>"0x40080000", "1073741824", "1_000" (underscores ignored).</summary>
    public static ulong ParseNumber(string option, string text)
    {
        string t = text.Trim().Replace("_", "");
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        if (!ok || t.Length == 0) throw new UsageException($"{option}: '{text}' is not a number (use decimal or 0x hex)");
        return v;
    }

    /// <summary>"128M", "128MiB", "1G", "4096", "0x1000": binary multiples.</summary>
    public static ulong ParseSize(string option, string text)
    {
        string t = text.Trim().Replace("_", "");
        ulong mult = 1;
        string upper = t.ToUpperInvariant();
        foreach (var (suffix, m) in new[] { ("KIB", 1UL << 10), ("MIB", 1UL << 20), ("GIB", 1UL << 30), ("KB", 1UL << 10), ("MB", 1UL << 20), ("GB", 1UL << 30), ("K", 1UL << 10), ("M", 1UL << 20), ("G", 1UL << 30) })
        {
            if (upper.EndsWith(suffix, StringComparison.Ordinal) && !upper.StartsWith("0X", StringComparison.Ordinal))
            {
                mult = m;
                t = t[..^suffix.Length];
                break;
            }
        }
        ulong n;
        try { n = ParseNumber(option, t); }
        catch (UsageException) { throw new UsageException($"{option}: '{text}' is not a size (examples: 128M, 1G, 0x8000000)"); }
        if (n != 0 && mult > ulong.MaxValue / n) throw new UsageException($"{option}: '{text}' is too large");
        return n * mult;
    }
}
