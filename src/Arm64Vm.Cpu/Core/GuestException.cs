namespace Arm64Vm.Cpu;

/// <summary>
/// Unwinds the host stack out of an instruction handler after the CPU has already taken a guest exception (or
/// prepared an exit). It carries no data and is a single preallocated instance, so a guest fault costs no
/// allocation. It never escapes <see cref="CpuCore.Run"/>.
/// </summary>
public sealed class GuestException : Exception
{
    public static readonly GuestException Instance = new();
    private GuestException() : base("guest exception taken") { }
}
