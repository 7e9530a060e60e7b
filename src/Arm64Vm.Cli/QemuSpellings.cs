using System.CommandLine.Parsing;
using System.Globalization;

namespace Arm64Vm.Cli;

/// <summary>
/// QEMU's spellings of the common run options (so a QEMU command line can be pasted): -kernel, -initrd, -append, -m,
/// -smp, -nographic are aliases of the run command's options; the value syntaxes that differ from ours are read here.
/// </summary>
public static class QemuSpellings
{
    /// <summary>
    /// --memory SIZE (bytes unless suffixed: 128M, 1G) or QEMU's -m: a bare number is MiB (QEMU's default suffix),
    /// "size=" may lead, suffixes K, M, G and T as QEMU's.
    /// </summary>
    public static ulong ParseMemory(string? spelling, string text)
    {
        if (spelling != "-m") return ValueParsers.ParseSize("--memory", text);
        string t = text.Trim();
        if (t.StartsWith("size=", StringComparison.Ordinal)) t = t[5..];
        if (t.Contains(',', StringComparison.Ordinal))
            throw new UsageException($"-m: '{text}' has options beyond the size (slots, maxmem are not supported)");
        if (t.EndsWith('T') || t.EndsWith('t'))
            return checked(ValueParsers.ParseSize("-m", t[..^1] + "G") * 1024);
        bool bare = t.Length > 0 && t.All(char.IsAsciiDigit);
        return ValueParsers.ParseSize("-m", bare ? t + "M" : t);
    }

    /// <summary>--cpus N, or QEMU's -smp N / -smp cpus=N (other -smp keys — sockets, cores, threads — are refused).</summary>
    public static int ParseCpus(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        string option = result.Parent is OptionResult o && o.IdentifierToken is { } id ? id.Value : "--cpus";
        string first = text.Split(',')[0].Trim();
        if (first.StartsWith("cpus=", StringComparison.Ordinal)) first = first[5..];
        var rest = text.Split(',').Skip(1).Select(k => k.Trim()).Where(k => k.Length > 0).ToList();
        if (rest.Count > 0)
        {
            result.AddError($"{option}: '{text}': only N or cpus=N is supported, not '{rest[0]}'");
            return 0;
        }
        if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            result.AddError($"{option}: '{text}' is not a number of CPUs (N, or QEMU's cpus=N)");
            return 0;
        }
        return n;
    }
}
