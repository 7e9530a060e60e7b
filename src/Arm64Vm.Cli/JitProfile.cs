using System.Runtime;

namespace Arm64Vm.Cli;

/// <summary>
/// Start-up: the .NET runtime's multi-core JIT (<see cref="ProfileOptimization"/>). Each command records which of the
/// emulator's methods its run compiled, in <c>$XDG_CACHE_HOME/arm64vm/jit-profile/COMMAND.jitprofile</c> (else
/// <c>~/.cache/…</c>); the next run of that command compiles them on another core while this one parses its options,
/// loads its images and starts the guest, instead of one by one at first call on the guest's thread. Only when and
/// where the JIT compiles changes: the guest, its instruction counts and its output are the same.
/// <c>ARM64VM_JIT_PROFILE=0</c> turns it off; a cache directory that cannot be written leaves it off.
/// </summary>
public static class JitProfile
{
    private static readonly string[] Commands = { "run", "disasm", "scenario" };

    /// <summary>Starts recording (and, with a profile from an earlier run, replaying) for the command of <paramref name="args"/>.</summary>
    public static void Start(string[] args)
    {
        if (args.Length == 0 || Array.IndexOf(Commands, args[0]) < 0) return;
        if (Environment.GetEnvironmentVariable("ARM64VM_JIT_PROFILE") == "0") return;
        string? cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache))
        {
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home)) return;
            cache = Path.Combine(home, ".cache");
        }
        string dir = Path.Combine(cache, "arm64vm", "jit-profile");
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException) { return; }
        ProfileOptimization.SetProfileRoot(dir);
        ProfileOptimization.StartProfile(args[0] + ".jitprofile");
    }
}
