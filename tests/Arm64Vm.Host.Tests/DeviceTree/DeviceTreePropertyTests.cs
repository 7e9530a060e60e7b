using Arm64Vm.Host.DeviceTree;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Host.Tests.DeviceTree;

/// <summary>
/// Properties of the FDT writer and reader: any tree written reads back node for node with each property name stored
/// once; any corruption or truncation of a valid blob is either still a valid tree or an FdtFormatException at an
/// offset inside the blob, never another exception (a user's --dtb must not crash the emulator).
/// </summary>
public class DeviceTreePropertyTests
{
    private sealed record TNode(string Name, (string Name, uint[] Cells)[] Props, TNode[] Children);

    private static readonly string[] PropNames = { "reg", "compatible", "#address-cells", "phandle", "x", "clock-frequency" };

    private static Gen<uint> Word => Gen.Zip(Gen.Choose(0, 0xFFFF), Gen.Choose(0, 0xFFFF)).Select(t => ((uint)t.Item1 << 16) | (uint)t.Item2);

    private static Gen<(string, uint[])> PropGen =>
        Gen.Zip(Gen.Elements(PropNames), Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(Word, n)));

    private static Gen<TNode> NodeGen(string? name, int depth) =>
        from n in name != null ? Gen.Constant(name) : Gen.Elements("a", "cpu@0", "memory@40000000", "node-with-a-long-name")
        from props in Gen.Choose(0, 4).SelectMany(k => Gen.ArrayOf(PropGen, k))
        from children in depth == 0 ? Gen.Constant(Array.Empty<TNode>()) : Gen.Choose(0, 3).SelectMany(k => Gen.ArrayOf(NodeGen(null, depth - 1), k))
        select new TNode(n, props, children);

    private static void Write(FdtWriter w, TNode node)
    {
        w.BeginNode(node.Name);
        foreach (var (name, cells) in node.Props) w.Cells(name, cells);
        foreach (var child in node.Children) Write(w, child);
        w.EndNode();
    }

    private static bool Same(TNode expected, FdtNode actual) =>
        expected.Name == actual.Name
        && expected.Props.Length == actual.Properties.Count
        && expected.Props.Zip(actual.Properties).All(p => p.First.Name == p.Second.Name && p.First.Cells.SequenceEqual(p.Second.Cells()))
        && expected.Children.Length == actual.Children.Count
        && expected.Children.Zip(actual.Children).All(c => Same(c.First, c.Second));

    private static IEnumerable<string> Names(TNode node) => node.Props.Select(p => p.Name).Concat(node.Children.SelectMany(Names));

    [Fact]
    public void AnyWrittenTreeReadsBackWithEachNameStoredOnce() =>
        Prop.ForAll(Arb.From(NodeGen("", 3)), root =>
        {
            var w = new FdtWriter();
            Write(w, root);
            var blob = w.Finish();
            var tree = FdtReader.Read(blob);
            int sizeStrings = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(32));
            int expected = Names(root).Distinct().Sum(n => n.Length + 1);
            return Same(root, tree.Root) && sizeStrings == expected && blob.Length % 8 == 0;
        }).QuickCheckThrowOnFailure();

    private static readonly byte[] Virt = VirtDeviceTree.Build(128UL << 20, 2, "console=ttyAMA0");

    /// <summary>Reads a damaged blob: true when it parses or fails with an FdtFormatException inside the blob.</summary>
    private static bool ReadsOrRejectsCleanly(byte[] blob)
    {
        try { FdtReader.Read(blob); return true; }
        catch (FdtFormatException e) { return e.Offset >= 0 && e.Offset <= blob.Length; }
    }

    [Fact]
    public void AnyCorruptedByteIsReadOrRejectedWithAnOffset() =>
        Prop.ForAll(Arb.From(Gen.Zip(Gen.Choose(0, Virt.Length - 1), Gen.Choose(0, 255))), t =>
        {
            var blob = (byte[])Virt.Clone();
            blob[t.Item1] = (byte)t.Item2;
            return ReadsOrRejectsCleanly(blob);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void AnyTruncationIsRejectedWithAnOffset() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, Virt.Length - 1)), length =>
        {
            var e = Assert.Throws<FdtFormatException>(() => FdtReader.Read(Virt.AsSpan(0, length)));
            return e.Offset == (length < Fdt.HeaderSize ? length : 4);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void EveryWordSetToEveryTokenIsReadOrRejectedWithAnOffset()
    {
        // Exhaustive: each aligned word of the blob replaced by each token value (and a non-token) in turn.
        foreach (uint value in new uint[] { Fdt.BeginNode, Fdt.EndNode, Fdt.Prop, Fdt.Nop, Fdt.End, 0xFFFF_FFFF, 0x8000_0000 })
            for (int at = 0; at + 4 <= Virt.Length; at += 4)
            {
                var blob = (byte[])Virt.Clone();
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(at), value);
                Assert.True(ReadsOrRejectsCleanly(blob), $"word at 0x{at:x} = 0x{value:x}");
            }
    }
}
