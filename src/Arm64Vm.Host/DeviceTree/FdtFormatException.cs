namespace Arm64Vm.Host.DeviceTree;

/// <summary>A blob that is not a valid flattened device tree; <see cref="Offset"/> is the byte offset of the first problem.</summary>
public sealed class FdtFormatException(int offset, string problem) : Exception($"offset 0x{offset:x}: {problem}")
{
    public int Offset { get; } = offset;
    public string Problem { get; } = problem;
}
