namespace Arm64Vm.Host.DeviceTree;

/// <summary>
/// Constants of the flattened device tree format (Devicetree Specification v0.4, chapter 5 "Flattened Devicetree
/// (DTB) Format"): the header, its version, the structure block's tokens.
/// </summary>
public static class Fdt
{
    public const uint Magic = 0xD00D_FEED;
    /// <summary>The format version written (section 5.2): 17, readable by anything that reads version 16.</summary>
    public const uint Version = 17;
    public const uint LastCompatibleVersion = 16;
    /// <summary>Size of the version-17 header: ten big-endian 32-bit fields.</summary>
    public const int HeaderSize = 40;

    public const uint BeginNode = 0x1;
    public const uint EndNode = 0x2;
    public const uint Prop = 0x3;
    public const uint Nop = 0x4;
    public const uint End = 0x9;

    // Header field offsets (section 5.2).
    internal const int TotalSizeOffset = 4;
    internal const int OffDtStructOffset = 8;
    internal const int OffDtStringsOffset = 12;
    internal const int OffMemRsvmapOffset = 16;
    internal const int VersionOffset = 20;
    internal const int LastCompVersionOffset = 24;
    internal const int BootCpuIdOffset = 28;
    internal const int SizeDtStringsOffset = 32;
    internal const int SizeDtStructOffset = 36;

    internal static int Align(int value, int alignment) => (value + alignment - 1) & ~(alignment - 1);
}
