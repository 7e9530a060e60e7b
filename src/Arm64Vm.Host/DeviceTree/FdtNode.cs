using System.Buffers.Binary;
using System.Text;

namespace Arm64Vm.Host.DeviceTree;

/// <summary>One property of a parsed device tree: its name and raw value.</summary>
public sealed record FdtProperty(string Name, byte[] Value)
{
    /// <summary>The value as 32-bit big-endian cells.</summary>
    public uint[] Cells()
    {
        if (Value.Length % 4 != 0) throw new FormatException($"property '{Name}' is {Value.Length} bytes, not whole cells");
        var cells = new uint[Value.Length / 4];
        for (int i = 0; i < cells.Length; i++) cells[i] = BinaryPrimitives.ReadUInt32BigEndian(Value.AsSpan(i * 4));
        return cells;
    }

    /// <summary>The value as a &lt;stringlist&gt; (NUL-terminated strings).</summary>
    public string[] Strings()
    {
        if (Value.Length == 0 || Value[^1] != 0) throw new FormatException($"property '{Name}' is not NUL-terminated strings");
        return Encoding.UTF8.GetString(Value, 0, Value.Length - 1).Split('\0');
    }
}

/// <summary>One node of a parsed device tree, with its properties and subnodes in blob order.</summary>
public sealed class FdtNode(string name)
{
    public string Name { get; } = name;
    public List<FdtProperty> Properties { get; } = new();
    public List<FdtNode> Children { get; } = new();

    public FdtProperty? Property(string name) => Properties.Find(p => p.Name == name);

    public FdtNode? Child(string name) => Children.Find(c => c.Name == name);

    /// <summary>The node at a path such as "/cpus/cpu@1" (this node is the root), or null.</summary>
    public FdtNode? Find(string path)
    {
        FdtNode? node = this;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node.Child(part);
            if (node == null) return null;
        }
        return node;
    }
}
