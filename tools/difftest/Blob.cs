using System.Buffers.Binary;
using System.Diagnostics;

namespace Arm64Vm.Tools.DiffTest;

/// <summary>The harness image (tools/difftest/harness.S, built with binutils) plus appended sequences.</summary>
internal static class Blob
{
    public const ulong LoadAddress = 0x40080000;

    /// <summary>Assembles and links harness.S; returns the raw image (ends with the info block).</summary>
    public static byte[] BuildHarness(string repoRoot)
    {
        string dir = Path.Combine(repoRoot, "tools", "difftest");
        string tmp = Directory.CreateTempSubdirectory("difftest").FullName;
        try
        {
            Run("aarch64-linux-gnu-as", $"-march=armv8.1-a+crc -o {tmp}/h.o harness.S", dir);
            Run("aarch64-linux-gnu-ld", $"-nostdlib -static --build-id=none -z noexecstack -n --no-warn-rwx-segments -T ../guest.ld -o {tmp}/h.elf {tmp}/h.o", dir);
            Run("aarch64-linux-gnu-objcopy", $"-O binary {tmp}/h.elf {tmp}/h.bin", dir);
            var image = File.ReadAllBytes($"{tmp}/h.bin");
            if (image.Length % 16 != 0 || System.Text.Encoding.ASCII.GetString(image, image.Length - 8, 8) != "DIFFTEST")
                throw new InvalidOperationException("harness image does not end with its info block");
            return image;
        }
        finally { Directory.Delete(tmp, true); }
    }

    public static ulong SeqDone(byte[] harness) => BinaryPrimitives.ReadUInt64LittleEndian(harness.AsSpan(harness.Length - 16));

    /// <summary>Appends the sequence table and the sequences to the harness.</summary>
    public static byte[] Build(byte[] harness, ulong seedBase, IReadOnlyList<uint[]> sequences)
    {
        var ms = new MemoryStream();
        ms.Write(harness);
        var b8 = new byte[8];
        void U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(b8, v); ms.Write(b8, 0, 4); }
        void U64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(b8, v); ms.Write(b8); }
        long tab = ms.Length;
        U32((uint)sequences.Count); U32(0); U64(seedBase);
        long offsets = ms.Length;
        foreach (var _ in sequences) U32(0);
        var starts = new long[sequences.Count];
        for (int i = 0; i < sequences.Count; i++)
        {
            starts[i] = ms.Length;
            foreach (var w in sequences[i]) U32(w);
        }
        var bytes = ms.ToArray();
        for (int i = 0; i < sequences.Count; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)offsets + 4 * i), (uint)(starts[i] - tab));
        return bytes;
    }

    /// <summary>Address the next sequence will get when <paramref name="sizeSoFar"/> bytes precede it.</summary>
    public static ulong AddressOf(long offsetInImage) => LoadAddress + (ulong)offsetInImage;

    public static string Run(string exe, string args, string cwd)
    {
        var psi = new ProcessStartInfo(exe, args) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string o = p.StandardOutput.ReadToEnd();
        string e = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} {args} failed ({p.ExitCode}): {e}");
        return o;
    }
}
