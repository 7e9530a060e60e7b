using System.Text.RegularExpressions;
using Arm64Vm.Host.Images;

namespace Arm64Vm.Host.Tests.Linux;

/// <summary>
/// One boot of the fetched Debian kernel to poweroff, its console split into lines, and the check of the kernel log
/// (specs/deviations.md, "The Debian arm64 kernel's log versus QEMU"): every warning, error, oops, "bad",
/// "unexpected", "stall" or BUG line must be one that tools/linux-logdiff.allow explains.
/// </summary>
internal static class KernelLog
{
    /// <summary>What a clean log must not hold unexplained.</summary>
    private static readonly Regex Suspicious =
        new(@"warn|error|oops|\bbad\b|unexpected|stall|\bBUG\b|call trace|panic", RegexOptions.IgnoreCase);

    private static readonly Regex Timestamp = new(@"^\[\s*\d+\.\d+\] ");

    public static (RunOutcome Outcome, string[] Lines) Boot(int cpus, CacheModelKind model, string bootargs = "",
        IReadOnlyList<DriveSpec>? drives = null, bool rng = false)
    {
        var console = new System.Text.StringBuilder();
        var options = new VmmOptions
        {
            MemorySize = 512UL << 20,
            Cpus = cpus,
            CacheModel = model,
            Bootargs = ("console=ttyAMA0 " + bootargs).TrimEnd(),
            Initrd = new InitrdFile(DebianKernel.Initramfs, File.ReadAllBytes(DebianKernel.Initramfs)),
            Drives = drives ?? [],
            VirtioRng = rng,
            Console = b => console.Append((char)b),
        };
        RunOutcome outcome;
        using (var vmm = new Vmm(options, [ImageLoader.Load(DebianKernel.Image)]))
        {
            vmm.Boot();
            outcome = vmm.Run(16_000_000_000);
        }
        return (outcome, console.ToString().Replace("\r", "").Split('\n'));
    }

    /// <summary>The lines that look like trouble and that no arm64vm-side row of the allowlist (tools/linux-logdiff.allow
    /// unless <paramref name="allowlist"/> gives other rows) explains, without their timestamps.</summary>
    public static string[] Unexplained(IEnumerable<string> lines, IEnumerable<string>? allowlist = null)
    {
        var allowed = allowlist == null ? RepositoryAllowlist.Value : ArmSideRows(allowlist);
        return lines.Select(l => Timestamp.Replace(l, ""))
            .Where(l => Suspicious.IsMatch(l) && !allowed.Any(r => r.IsMatch(l)))
            .ToArray();
    }

    private static readonly Lazy<Regex[]> RepositoryAllowlist =
        new(() => ArmSideRows(File.ReadAllLines(GuestRunner.PathOf("tools/linux-logdiff.allow"))));

    /// <summary>
    /// The rows of an allowlist that explain a line Arm64Vm prints (SIDE arm64vm or both): tab-separated SIDE, REGEX,
    /// DEVIATION; '#' starts a comment row.
    /// </summary>
    private static Regex[] ArmSideRows(IEnumerable<string> rows) =>
        rows.Where(r => r.Trim().Length > 0 && !r.TrimStart().StartsWith('#'))
            .Select(r => r.Split('\t'))
            .Where(p => p.Length == 3 && p[0] is "arm64vm" or "both")
            .Select(p => new Regex(p[1]))
            .ToArray();

    public static string Tail(string[] lines) => string.Join('\n', lines.TakeLast(20));
}
