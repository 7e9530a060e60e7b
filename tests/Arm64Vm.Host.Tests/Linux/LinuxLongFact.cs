using Xunit;

namespace Arm64Vm.Host.Tests.Linux;

/// <summary>
/// A Linux test that boots more than the default run may (4 vCPUs, both cache models, the QEMU log diff): it runs only
/// with ARM64VM_LINUX_LONG=1 (tools/linux-long-tests.sh sets it and filters on the trait Linux=long) and the fetched
/// kernel; otherwise it is skipped with a message saying so.
/// </summary>
internal static class LinuxLong
{
    public const string Variable = "ARM64VM_LINUX_LONG";

    public static string? SkipReason =>
        Environment.GetEnvironmentVariable(Variable) != "1"
            ? $"long Linux test: set {Variable}=1 or run tools/linux-long-tests.sh"
            : !DebianKernel.Present ? $"no Debian kernel in {DebianKernel.Directory}: run tools/fetch-debian-kernel.sh" : null;
}

/// <inheritdoc cref="LinuxLong"/>
public sealed class LinuxLongFactAttribute : FactAttribute
{
    public LinuxLongFactAttribute() => Skip = LinuxLong.SkipReason;
}

/// <inheritdoc cref="LinuxLong"/>
public sealed class LinuxLongTheoryAttribute : TheoryAttribute
{
    public LinuxLongTheoryAttribute() => Skip = LinuxLong.SkipReason;
}
