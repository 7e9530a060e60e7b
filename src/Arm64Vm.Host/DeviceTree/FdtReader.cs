using System.Buffers.Binary;
using System.Text;

namespace Arm64Vm.Host.DeviceTree;

/// <summary>A parsed flattened device tree: its header fields, memory reservations and root node.</summary>
public sealed record FdtTree(uint Version, uint LastCompatibleVersion, uint BootCpuId, IReadOnlyList<(ulong Address, ulong Size)> Reservations, FdtNode Root);

/// <summary>
/// Reads and validates a flattened device tree (Devicetree Specification v0.4, chapter 5): the header, every
/// block inside the blob, the reservation list's terminator, the structure block's token stream (one root node,
/// balanced nesting, properties before subnodes, names and values inside the block, FDT_END last) and each property's
/// name offset into the strings block. The first problem is reported with its byte offset in the blob.
/// </summary>
public static class FdtReader
{
    public static FdtTree Read(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < Fdt.HeaderSize) throw new FdtFormatException(blob.Length, $"truncated: {blob.Length} bytes, a header is {Fdt.HeaderSize}");
        uint magic = Word(blob, 0);
        if (magic != Fdt.Magic) throw new FdtFormatException(0, $"bad magic 0x{magic:x8} (expected 0x{Fdt.Magic:x8})");
        uint total = Word(blob, Fdt.TotalSizeOffset);
        if (total < Fdt.HeaderSize || total > (uint)blob.Length)
            throw new FdtFormatException(Fdt.TotalSizeOffset, $"totalsize {total} outside the {blob.Length}-byte file");
        blob = blob[..(int)total];
        uint version = Word(blob, Fdt.VersionOffset);
        uint lastComp = Word(blob, Fdt.LastCompVersionOffset);
        if (version < Fdt.Version) throw new FdtFormatException(Fdt.VersionOffset, $"version {version} (this reader needs 17)");
        if (lastComp > Fdt.Version) throw new FdtFormatException(Fdt.LastCompVersionOffset, $"last_comp_version {lastComp} (newer than 17)");
        int offStruct = Block(blob, Fdt.OffDtStructOffset, Fdt.SizeDtStructOffset, "structure block", 4);
        int sizeStruct = (int)Word(blob, Fdt.SizeDtStructOffset);
        int offStrings = Block(blob, Fdt.OffDtStringsOffset, Fdt.SizeDtStringsOffset, "strings block", 1);
        int sizeStrings = (int)Word(blob, Fdt.SizeDtStringsOffset);
        var reservations = ReadReservations(blob);
        var root = ReadStructure(blob.Slice(offStruct, sizeStruct), offStruct, blob.Slice(offStrings, sizeStrings), offStrings);
        return new FdtTree(version, lastComp, Word(blob, Fdt.BootCpuIdOffset), reservations, root);
    }

    private static uint Word(ReadOnlySpan<byte> blob, int offset) => BinaryPrimitives.ReadUInt32BigEndian(blob[offset..]);

    /// <summary>Checks that a block named by an offset and a size field lies inside the blob; returns its offset.</summary>
    private static int Block(ReadOnlySpan<byte> blob, int offsetField, int sizeField, string what, int alignment)
    {
        uint offset = Word(blob, offsetField), size = Word(blob, sizeField);
        if (offset < Fdt.HeaderSize || offset > (uint)blob.Length || size > (uint)blob.Length - offset)
            throw new FdtFormatException(offsetField, $"{what} at 0x{offset:x} size 0x{size:x} outside the 0x{blob.Length:x}-byte blob");
        if (offset % alignment != 0) throw new FdtFormatException(offsetField, $"{what} at 0x{offset:x} is not {alignment}-byte aligned");
        return (int)offset;
    }

    private static List<(ulong, ulong)> ReadReservations(ReadOnlySpan<byte> blob)
    {
        uint offset = Word(blob, Fdt.OffMemRsvmapOffset);
        if (offset < Fdt.HeaderSize || offset > (uint)blob.Length)
            throw new FdtFormatException(Fdt.OffMemRsvmapOffset, $"memory reservation block at 0x{offset:x} outside the 0x{blob.Length:x}-byte blob");
        if (offset % 8 != 0) throw new FdtFormatException(Fdt.OffMemRsvmapOffset, $"memory reservation block at 0x{offset:x} is not 8-byte aligned");
        var list = new List<(ulong, ulong)>();
        for (int at = (int)offset; ; at += 16)
        {
            if (at + 16 > blob.Length) throw new FdtFormatException(at, "memory reservation block runs past the blob without its terminating entry");
            ulong address = BinaryPrimitives.ReadUInt64BigEndian(blob[at..]), size = BinaryPrimitives.ReadUInt64BigEndian(blob[(at + 8)..]);
            if (address == 0 && size == 0) return list;
            list.Add((address, size));
        }
    }

    private static FdtNode ReadStructure(ReadOnlySpan<byte> block, int baseOffset, ReadOnlySpan<byte> strings, int stringsOffset)
    {
        var stack = new Stack<FdtNode>();
        FdtNode? root = null;
        bool subnodeSeen = false;
        int at = 0;
        while (true)
        {
            int tokenAt = at;
            if (at + 4 > block.Length) throw new FdtFormatException(baseOffset + at, "structure block ends without FDT_END");
            uint token = Word(block, at);
            at += 4;
            switch (token)
            {
                case Fdt.Nop:
                    break;
                case Fdt.BeginNode:
                {
                    if (root != null && stack.Count == 0) throw new FdtFormatException(baseOffset + tokenAt, "a second root node");
                    string name = ReadString(block, at, baseOffset, "node name", out int nameBytes);
                    if (stack.Count == 0 && name.Length != 0) throw new FdtFormatException(baseOffset + at, $"root node named '{name}' (must be empty)");
                    if (stack.Count > 0 && name.Length == 0) throw new FdtFormatException(baseOffset + at, "subnode with an empty name");
                    at += Fdt.Align(nameBytes + 1, 4);
                    var node = new FdtNode(name);
                    if (stack.Count == 0) root = node;
                    else stack.Peek().Children.Add(node);
                    stack.Push(node);
                    subnodeSeen = false;
                    break;
                }
                case Fdt.EndNode:
                    if (stack.Count == 0) throw new FdtFormatException(baseOffset + tokenAt, "FDT_END_NODE without an open node");
                    stack.Pop();
                    subnodeSeen = true;
                    break;
                case Fdt.Prop:
                {
                    if (stack.Count == 0) throw new FdtFormatException(baseOffset + tokenAt, "FDT_PROP outside a node");
                    if (subnodeSeen) throw new FdtFormatException(baseOffset + tokenAt, "FDT_PROP after a subnode (properties come first)");
                    if (at + 8 > block.Length) throw new FdtFormatException(baseOffset + tokenAt, "FDT_PROP header runs past the structure block");
                    uint length = Word(block, at), nameOffset = Word(block, at + 4);
                    if (length > (uint)(block.Length - at - 8))
                        throw new FdtFormatException(baseOffset + at, $"property value of {length} bytes runs past the structure block");
                    if (nameOffset >= (uint)strings.Length)
                        throw new FdtFormatException(baseOffset + at + 4, $"property name offset 0x{nameOffset:x} outside the 0x{strings.Length:x}-byte strings block");
                    string name = ReadString(strings, (int)nameOffset, stringsOffset, "property name", out _);
                    if (name.Length == 0) throw new FdtFormatException(stringsOffset + (int)nameOffset, "empty property name");
                    stack.Peek().Properties.Add(new FdtProperty(name, block.Slice(at + 8, (int)length).ToArray()));
                    at += 8 + Fdt.Align((int)length, 4);
                    break;
                }
                case Fdt.End:
                    if (stack.Count != 0) throw new FdtFormatException(baseOffset + tokenAt, $"FDT_END with {stack.Count} node(s) still open");
                    if (root == null) throw new FdtFormatException(baseOffset + tokenAt, "FDT_END before any node");
                    if (at != block.Length) throw new FdtFormatException(baseOffset + at, $"{block.Length - at} byte(s) after FDT_END in the structure block");
                    return root;
                default:
                    throw new FdtFormatException(baseOffset + tokenAt, $"bad token 0x{token:x8}");
            }
            if (at > block.Length) throw new FdtFormatException(baseOffset + tokenAt, "padding runs past the structure block");
        }
    }

    /// <summary>A NUL-terminated string starting at <paramref name="at"/>, which must end inside the block.</summary>
    private static string ReadString(ReadOnlySpan<byte> block, int at, int baseOffset, string what, out int length)
    {
        length = block[at..].IndexOf((byte)0);
        if (length < 0) throw new FdtFormatException(baseOffset + at, $"{what} is not NUL-terminated inside its block");
        return Encoding.UTF8.GetString(block.Slice(at, length));
    }
}
