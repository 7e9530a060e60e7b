using System.Buffers.Binary;
using System.Text;

namespace Arm64Vm.Host.DeviceTree;

/// <summary>
/// Builds a flattened device tree (Devicetree Specification v0.4, chapter 5): a header, the memory reservation
/// block, the structure block (FDT_BEGIN_NODE / FDT_PROP / FDT_END_NODE / FDT_END) and a strings block holding each
/// property name once. Every block starts 8-byte aligned; cells are big-endian. Nodes are written in document order:
/// a node's properties first, then its subnodes (section 5.4.2).
/// </summary>
public sealed class FdtWriter
{
    private readonly List<(ulong Address, ulong Size)> _reservations = new();
    private readonly Dictionary<string, int> _nameOffsets = new(StringComparer.Ordinal);
    private byte[] _struct = new byte[1024];
    private int _structLength;
    private byte[] _strings = new byte[256];
    private int _stringsLength;
    private int _depth;
    private bool _rootDone;
    private bool _hasSubnode;

    /// <summary>Adds a memory reservation entry (section 5.3).</summary>
    public FdtWriter Reserve(ulong address, ulong size)
    {
        _reservations.Add((address, size));
        return this;
    }

    /// <summary>Opens a node; the first is the root, whose name is empty.</summary>
    public FdtWriter BeginNode(string name)
    {
        if (_rootDone) throw new InvalidOperationException("a device tree has one root node");
        if (_depth == 0 && name.Length != 0) throw new ArgumentException("the root node's name is empty", nameof(name));
        if (_depth > 0 && name.Length == 0) throw new ArgumentException("only the root node has an empty name", nameof(name));
        PutWord(Fdt.BeginNode);
        PutName(name);
        _depth++;
        _hasSubnode = false;
        return this;
    }

    public FdtWriter EndNode()
    {
        if (_depth == 0) throw new InvalidOperationException("EndNode without an open node");
        PutWord(Fdt.EndNode);
        _depth--;
        _hasSubnode = true;
        if (_depth == 0) _rootDone = true;
        return this;
    }

    /// <summary>A property with a raw value.</summary>
    public FdtWriter Property(string name, ReadOnlySpan<byte> value)
    {
        if (_depth == 0) throw new InvalidOperationException($"property '{name}' outside a node");
        if (_hasSubnode) throw new InvalidOperationException($"property '{name}' after a subnode (section 5.4.2: properties come first)");
        PutWord(Fdt.Prop);
        PutWord((uint)value.Length);
        PutWord((uint)NameOffset(name));
        var dest = Grow(ref _struct, ref _structLength, Fdt.Align(value.Length, 4));
        value.CopyTo(dest);
        return this;
    }

    /// <summary>An empty property (a flag such as "interrupt-controller").</summary>
    public FdtWriter Property(string name) => Property(name, ReadOnlySpan<byte>.Empty);

    /// <summary>A &lt;u32&gt; or &lt;prop-encoded-array&gt; property of 32-bit big-endian cells.</summary>
    public FdtWriter Cells(string name, params ReadOnlySpan<uint> cells)
    {
        Span<byte> value = cells.Length <= 32 ? stackalloc byte[cells.Length * 4] : new byte[cells.Length * 4];
        for (int i = 0; i < cells.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(value[(i * 4)..], cells[i]);
        return Property(name, value);
    }

    /// <summary>A &lt;string&gt; property, or a &lt;stringlist&gt; when given several strings.</summary>
    public FdtWriter Strings(string name, params ReadOnlySpan<string> values)
    {
        int length = 0;
        foreach (var v in values) length += Encoding.UTF8.GetByteCount(v) + 1;
        Span<byte> value = length <= 512 ? stackalloc byte[length] : new byte[length];
        int at = 0;
        foreach (var v in values)
        {
            if (v.Contains('\0')) throw new ArgumentException($"property '{name}': a string holds a NUL", nameof(values));
            at += Encoding.UTF8.GetBytes(v, value[at..]);
            value[at++] = 0;
        }
        return Property(name, value);
    }

    /// <summary>The finished blob: header, reservation block, structure block, strings block.</summary>
    public byte[] Finish(uint bootCpuId = 0)
    {
        if (!_rootDone) throw new InvalidOperationException(_depth > 0 ? $"{_depth} node(s) still open" : "no root node");
        int offRsvmap = Fdt.Align(Fdt.HeaderSize, 8);
        int offStruct = offRsvmap + (_reservations.Count + 1) * 16;
        int sizeStruct = _structLength + 4;
        int offStrings = Fdt.Align(offStruct + sizeStruct, 8);
        int total = Fdt.Align(offStrings + _stringsLength, 8);
        var blob = new byte[total];
        var span = blob.AsSpan();
        Put(span, 0, Fdt.Magic);
        Put(span, Fdt.TotalSizeOffset, (uint)total);
        Put(span, Fdt.OffDtStructOffset, (uint)offStruct);
        Put(span, Fdt.OffDtStringsOffset, (uint)offStrings);
        Put(span, Fdt.OffMemRsvmapOffset, (uint)offRsvmap);
        Put(span, Fdt.VersionOffset, Fdt.Version);
        Put(span, Fdt.LastCompVersionOffset, Fdt.LastCompatibleVersion);
        Put(span, Fdt.BootCpuIdOffset, bootCpuId);
        Put(span, Fdt.SizeDtStringsOffset, (uint)_stringsLength);
        Put(span, Fdt.SizeDtStructOffset, (uint)sizeStruct);
        int at = offRsvmap;
        foreach (var (address, size) in _reservations)
        {
            BinaryPrimitives.WriteUInt64BigEndian(span[at..], address);
            BinaryPrimitives.WriteUInt64BigEndian(span[(at + 8)..], size);
            at += 16;
        }
        _struct.AsSpan(0, _structLength).CopyTo(span[offStruct..]);
        Put(span, offStruct + _structLength, Fdt.End);
        _strings.AsSpan(0, _stringsLength).CopyTo(span[offStrings..]);
        return blob;
    }

    /// <summary>A parsed tree written back: its reservations, nodes and properties in order, its boot CPU id.</summary>
    public static byte[] Write(FdtTree tree)
    {
        var w = new FdtWriter();
        foreach (var (address, size) in tree.Reservations) w.Reserve(address, size);
        WriteNode(w, tree.Root);
        return w.Finish(tree.BootCpuId);
    }

    private static void WriteNode(FdtWriter w, FdtNode node)
    {
        w.BeginNode(node.Name);
        foreach (var p in node.Properties) w.Property(p.Name, p.Value);
        foreach (var child in node.Children) WriteNode(w, child);
        w.EndNode();
    }

    private static void Put(Span<byte> span, int offset, uint value) => BinaryPrimitives.WriteUInt32BigEndian(span[offset..], value);

    private void PutWord(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Grow(ref _struct, ref _structLength, 4), value);

    private void PutName(string name)
    {
        int length = Encoding.UTF8.GetByteCount(name);
        var dest = Grow(ref _struct, ref _structLength, Fdt.Align(length + 1, 4));
        Encoding.UTF8.GetBytes(name, dest);
    }

    /// <summary>Offset of a property name in the strings block, added once however many properties use it.</summary>
    private int NameOffset(string name)
    {
        if (_nameOffsets.TryGetValue(name, out int offset)) return offset;
        offset = _stringsLength;
        int length = Encoding.UTF8.GetByteCount(name);
        Encoding.UTF8.GetBytes(name, Grow(ref _strings, ref _stringsLength, length + 1));
        _nameOffsets.Add(name, offset);
        return offset;
    }

    /// <summary>Appends <paramref name="count"/> zeroed bytes to a buffer and returns them.</summary>
    private static Span<byte> Grow(ref byte[] buffer, ref int length, int count)
    {
        if (length + count > buffer.Length) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + count));
        var span = buffer.AsSpan(length, count);
        span.Clear();
        length += count;
        return span;
    }
}
