namespace Arm64Vm.Host.DeviceTree;

/// <summary>
/// What QEMU's arm_load_dtb() changes in a user's tree (-dtb) before handing it over: every memory node replaced by
/// one memory@40000000 with this machine's RAM, and /chosen (created when missing) given bootargs when there is a
/// command line and linux,initrd-start/-end when there is an initrd. A property that exists keeps its place; a new
/// property or node goes in front of its siblings, as libfdt inserts it.
/// </summary>
public static class DeviceTreeFixup
{
    public static byte[] Apply(byte[] userBlob, BoardDescription board)
    {
        var tree = FdtReader.Read(userBlob);
        var root = tree.Root;
        root.Children.RemoveAll(c => c.Property("device_type") is { } t && t.Value.AsSpan().SequenceEqual("memory\0"u8));
        var memory = new FdtNode($"memory@{VirtBoard.RamBase:x}");
        memory.Properties.Add(new FdtProperty("reg", Cells(VirtBoard.RamBase >> 32, VirtBoard.RamBase & uint.MaxValue, board.MemorySize >> 32, board.MemorySize & uint.MaxValue)));
        memory.Properties.Add(new FdtProperty("device_type", "memory\0"u8.ToArray()));
        root.Children.Insert(0, memory);

        var chosen = root.Child("chosen");
        if (chosen == null)
        {
            chosen = new FdtNode("chosen");
            root.Children.Insert(0, chosen);
        }
        if (board.Bootargs != null) Set(chosen, "bootargs", System.Text.Encoding.UTF8.GetBytes(board.Bootargs + "\0"));
        if (board.Initrd is var (start, end))
        {
            Set(chosen, "linux,initrd-start", Address(start));
            Set(chosen, "linux,initrd-end", Address(end));
        }
        return FdtWriter.Write(tree);
    }

    private static void Set(FdtNode node, string name, byte[] value)
    {
        int at = node.Properties.FindIndex(p => p.Name == name);
        if (at >= 0) node.Properties[at] = new FdtProperty(name, value);
        else node.Properties.Insert(0, new FdtProperty(name, value));
    }

    private static byte[] Address(ulong address) =>
        address <= uint.MaxValue ? Cells(address) : Cells(address >> 32, address & uint.MaxValue);

    private static byte[] Cells(params ReadOnlySpan<ulong> cells)
    {
        var value = new byte[cells.Length * 4];
        for (int i = 0; i < cells.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(i * 4), (uint)cells[i]);
        return value;
    }
}
