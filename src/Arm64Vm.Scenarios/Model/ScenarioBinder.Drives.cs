using System.Text;
using Arm64Vm.Devices.Virtio;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

/// <summary>
/// <c>machine.drives</c> (virtio-blk disks made fresh per combination from a template) and the <c>disk</c> expectation
/// (what a drive's backing file holds).
/// </summary>
public static partial class ScenarioBinder
{
    /// <summary>The most bytes one <c>disk</c> expectation compares.</summary>
    public const ulong MaxDiskCheck = 16UL << 20;

    private static IReadOnlyList<DriveTemplate> BindDrives(YNode node, NodeReader r)
    {
        var drives = new List<DriveTemplate>();
        var items = r.List(node, "machine.drives");
        if (items.Count > Arm64Vm.Host.VirtBoard.VirtioTransports)
            throw NodeReader.Error(node, $"machine.drives: {items.Count} drives do not fit in the board's {Arm64Vm.Host.VirtBoard.VirtioTransports} virtio-mmio transports");
        foreach (var item in items)
        {
            var m = r.Mapping(item, "machine.drives[]", ScenarioKeys.Drive);
            var sizeNode = r.Required(m, "size", "a drive");
            ulong size = r.Size(sizeNode, "machine.drives.size", VirtioBlk.SectorSize, DriveTemplate.MaxSize);
            if (size % VirtioBlk.SectorSize != 0) throw NodeReader.Error(sizeNode, $"machine.drives.size must be whole {VirtioBlk.SectorSize}-byte sectors");
            byte fill = m.Get("fill") is { } f ? (byte)r.Number(f, "machine.drives.fill", 0, 255) : (byte)0;
            bool readOnly = m.Get("read-only") is { } ro && r.Bool(ro, "machine.drives.read-only");
            var patterns = new List<DrivePattern>();
            if (m.Get("pattern") is { } pn)
                foreach (var p in pn.Kind == YNodeKind.Sequence ? pn.Items : new[] { pn })
                {
                    var pm = r.Mapping(p, "machine.drives.pattern", ScenarioKeys.DrivePattern);
                    var (at, length, tag) = PatternRange(pm, r, "machine.drives.pattern", size);
                    patterns.Add(new DrivePattern(at, length, tag));
                }
            drives.Add(new DriveTemplate(size, fill, patterns, readOnly, item.Location));
        }
        return drives;
    }

    /// <summary>The <c>at</c>, <c>size</c> and <c>tag</c> of a pattern: whole 16-byte lines inside a disk of <paramref name="diskSize"/> bytes.</summary>
    private static (ulong At, ulong Size, char Tag) PatternRange(YNode m, NodeReader r, string what, ulong diskSize)
    {
        ulong at = m.Get("at") is { } a ? r.Size(a, $"{what}.at") : 0;
        var sizeNode = r.Required(m, "size", what);
        ulong size = r.Size(sizeNode, $"{what}.size", DrivePattern.LineBytes);
        var tagNode = r.Required(m, "tag", what);
        string tag = r.Text(tagNode, $"{what}.tag");
        if (tag.Length != 1 || !char.IsAsciiLetterOrDigit(tag[0])) throw NodeReader.Error(tagNode, $"{what}.tag must be one letter or digit, not '{tag}'");
        if (at % DrivePattern.LineBytes != 0 || size % DrivePattern.LineBytes != 0)
            throw NodeReader.Error(m, $"{what}: at and size must be whole {DrivePattern.LineBytes}-byte lines");
        if (at > diskSize || size > diskSize - at)
            throw NodeReader.Error(m, $"{what}: 0x{at:X}+0x{size:X} lies outside the disk (0x{diskSize:X} bytes)");
        return (at, size, tag[0]);
    }

    /// <summary>
    /// <c>disk: { drive, at, text | hex | pattern + size | fill + size }</c>: the drive's backing file holds those bytes
    /// at that offset.
    /// </summary>
    private static DiskCheck BindDiskCheck(YNode item, BindContext ctx)
    {
        var r = ctx.R;
        var m = r.Mapping(item, "disk", ScenarioKeys.DiskCheck);
        var drives = ctx.Machine.Drives;
        int drive = 0;
        if (m.Get("drive") is { } dn)
        {
            if (drives.Count == 0) throw NodeReader.Error(dn, "disk.drive: the machine has no drives (machine.drives)");
            drive = r.Int(dn, "disk.drive", 0, drives.Count - 1);
        }
        else if (drives.Count == 0) throw NodeReader.Error(item, "disk: the machine has no drives (machine.drives)");
        ulong diskSize = drives[drive].Size;
        var kinds = new[] { "text", "hex", "pattern", "fill" }.Where(k => m.Get(k) != null).ToArray();
        if (kinds.Length != 1) throw NodeReader.Error(item, "disk needs exactly one of text, hex, pattern, fill");
        var valueNode = m.Get(kinds[0])!;
        ulong at = m.Get("at") is { } a ? r.Size(a, "disk.at") : 0;
        byte[] expected;
        string source;
        switch (kinds[0])
        {
            case "text":
                NoSize(m, "text");
                source = r.NonEmptyText(valueNode, "disk.text");
                expected = Encoding.UTF8.GetBytes(source);
                source = $"'{source}'";
                break;
            case "hex":
                NoSize(m, "hex");
                if (!Scalars.TryParseHexBytes(r.Text(valueNode, "disk.hex"), out expected) || expected.Length == 0)
                    throw NodeReader.Error(valueNode, "disk.hex must be hex bytes, e.g. \"de ad be ef\"");
                source = $"\"{r.Text(valueNode, "disk.hex")}\"";
                break;
            case "pattern":
            {
                var (pAt, pSize, tag) = PatternRange(PatternNode(m, valueNode), r, "disk", diskSize);
                CheckDiskSize(m, pSize);
                at = pAt;
                expected = DrivePattern.Bytes(tag, pAt, pSize);
                source = $"pattern '{tag}'";
                break;
            }
            default:
            {
                byte value = (byte)r.Number(valueNode, "disk.fill", 0, 255);
                ulong size = r.Size(r.Required(m, "size", "disk with fill"), "disk.size", 1);
                CheckDiskSize(m, size);
                expected = new byte[size];
                expected.AsSpan().Fill(value);
                source = $"fill 0x{value:X2}";
                break;
            }
        }
        if (at > diskSize || (ulong)expected.Length > diskSize - at)
            throw NodeReader.Error(item, $"disk: 0x{at:X}+0x{expected.Length:X} lies outside drive {drive} (0x{diskSize:X} bytes)");
        return new DiskCheck("disk", valueNode.Location, drive, at, expected, source);
    }

    /// <summary>The pattern check's keys, read like a drive's pattern: <c>pattern</c> is the tag, beside <c>at</c> and <c>size</c>.</summary>
    private static YNode PatternNode(YNode m, YNode tag) =>
        YNode.Mapping(m.Entries.Where(e => e.Key.Value is "at" or "size").Append(new(YNode.Scalar("tag", tag.Location), tag)).ToArray(), m.Location);

    private static void NoSize(YNode m, string kind)
    {
        if (m.Get("size") is { } s) throw NodeReader.Error(s, $"disk.size does not go with {kind} (its bytes give the size)");
    }

    private static void CheckDiskSize(YNode m, ulong size)
    {
        if (size > MaxDiskCheck) throw NodeReader.Error(m.Get("size")!, $"disk.size must be at most {Scalars.FormatSize(MaxDiskCheck)}");
    }
}
