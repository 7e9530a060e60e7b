namespace Arm64Vm.Cli;

/// <summary>A bad command line value: reported as "arm64vm: message" with exit code 2.</summary>
public sealed class UsageException : Exception
{
    public UsageException(string message) : base(message) { }
}
