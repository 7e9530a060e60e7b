using System.Text;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

/// <summary>
/// A run of the drive pattern (<c>pattern: { at, size, tag }</c>): 16-byte lines, each the tag letter, the line's
/// disk offset in 14 lower-case hex digits and "\n" ("r00000000100000\n"), so a wrong line says where it came from.
/// tools/make-dma-initramfs.sh writes the same lines into its initramfs for the guest to compare against.
/// </summary>
public sealed record DrivePattern(ulong At, ulong Size, char Tag)
{
    public const int LineBytes = 16;

    /// <summary>The pattern's bytes for disk offsets [from, from + destination.Length); both 16-byte aligned.</summary>
    public static void Fill(char tag, ulong from, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i += LineBytes)
            Encoding.ASCII.GetBytes($"{tag}{from + (ulong)i:x14}\n", destination.Slice(i, LineBytes));
    }

    public static byte[] Bytes(char tag, ulong from, ulong size)
    {
        var bytes = new byte[size];
        Fill(tag, from, bytes);
        return bytes;
    }
}

/// <summary>
/// <c>machine.drives[n]</c>: a virtio-blk disk made fresh for every combination (a file of <see cref="Size"/> bytes in
/// a temporary folder, <see cref="Fill"/> everywhere, then the <see cref="Patterns"/>), deleted after the run.
/// </summary>
public sealed record DriveTemplate(ulong Size, byte Fill, IReadOnlyList<DrivePattern> Patterns, bool ReadOnly, SourceLocation Location)
{
    /// <summary>The largest disk a scenario makes (the runner writes it whole for every combination).</summary>
    public const ulong MaxSize = 1UL << 30;

    /// <summary>Writes the disk image to <paramref name="path"/>.</summary>
    public void WriteTo(string path)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        var chunk = new byte[Math.Min(Size, 1UL << 20)];
        chunk.AsSpan().Fill(Fill);
        for (ulong done = 0; done < Size; done += (ulong)chunk.Length)
            file.Write(chunk, 0, (int)Math.Min((ulong)chunk.Length, Size - done));
        foreach (var p in Patterns)
        {
            file.Position = (long)p.At;
            file.Write(DrivePattern.Bytes(p.Tag, p.At, p.Size));
        }
    }
}
