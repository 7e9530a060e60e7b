using System.Diagnostics;
using Xunit;

namespace Arm64Vm.TestSupport;

/// <summary>
/// The reference device tree compiler (Debian package device-tree-compiler): decompiles a blob with
/// `dtc -I dtb -O dts`, returning the exit code, the source and the warnings.
/// </summary>
public static class Dtc
{
    public const string Package = "device-tree-compiler";

    /// <summary>dtc's full path when it is on PATH, else null.</summary>
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => System.IO.Path.Combine(dir, "dtc"))
        .FirstOrDefault(File.Exists);

    public static (int Code, string Source, string Warnings) Decompile(byte[] blob)
    {
        string file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"arm64vm-{Guid.NewGuid():N}.dtb");
        File.WriteAllBytes(file, blob);
        try
        {
            var info = new ProcessStartInfo(Path ?? "dtc") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-I", "dtb", "-O", "dts", file }) info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout, stderr.Result);
        }
        finally { File.Delete(file); }
    }
}

/// <summary>A fact that needs dtc: skipped, naming the package to install, when dtc is not on PATH.</summary>
public sealed class DtcFactAttribute : FactAttribute
{
    public DtcFactAttribute()
    {
        if (Dtc.Path == null) Skip = $"dtc is not on PATH: install the Debian package {Dtc.Package}";
    }
}

/// <summary>A theory that needs dtc: skipped, naming the package to install, when dtc is not on PATH.</summary>
public sealed class DtcTheoryAttribute : TheoryAttribute
{
    public DtcTheoryAttribute()
    {
        if (Dtc.Path == null) Skip = $"dtc is not on PATH: install the Debian package {Dtc.Package}";
    }
}
