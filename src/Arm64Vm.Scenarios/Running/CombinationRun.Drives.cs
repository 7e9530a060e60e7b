using Arm64Vm.Scenarios.Model;

namespace Arm64Vm.Scenarios.Running;

/// <summary>
/// <c>machine.drives</c>: each combination gets fresh disk files made from the templates in a temporary folder of its
/// own (never a file of the repository), deleted with the run; <c>disk</c> expectations read them back.
/// </summary>
internal sealed partial class CombinationRun
{
    private string? _driveFolder;

    /// <summary>Makes the combination's disks; their paths in <c>machine.drives</c> order.</summary>
    private IReadOnlyList<string> MakeDrives()
    {
        var drives = _config.Machine.Drives;
        if (drives.Count == 0) return [];
        _driveFolder = Directory.CreateTempSubdirectory("arm64vm-drives-").FullName;
        var paths = new string[drives.Count];
        for (int i = 0; i < drives.Count; i++)
        {
            paths[i] = Path.Combine(_driveFolder, $"drive{i}.img");
            drives[i].WriteTo(paths[i]);
        }
        return paths;
    }

    private void DeleteDrives()
    {
        if (_driveFolder == null) return;
        try { Directory.Delete(_driveFolder, recursive: true); }
        catch (IOException) { }               // a temporary folder left behind is no failure of the combination
        _driveFolder = null;
    }

    /// <summary>Observed: the 16 bytes (hex) of the line holding the first difference, or "equal".</summary>
    private CheckOutcome DiskProblem(DiskCheck d)
    {
        var actual = new byte[d.Expected.Length];
        int read = _vmm.Virtio.Drives[d.Drive].ReadBacking((long)d.At, actual);
        int first = actual.AsSpan(0, read).CommonPrefixLength(d.Expected);
        if (first == d.Expected.Length) return new(null, "equal");
        int differ = 0;
        for (int i = first; i < actual.Length; i++)
            if (i >= read || actual[i] != d.Expected[i]) differ++;
        int line = first & ~(DrivePattern.LineBytes - 1);
        int len = Math.Min(DrivePattern.LineBytes, actual.Length - line);
        string observed = Verdict.HexBytes(actual.AsSpan(line, len).ToArray());
        return new($"{differ} byte(s) differ, first at disk offset 0x{d.At + (ulong)first:X}; the line at 0x{d.At + (ulong)line:X} holds " +
                   $"{Printable(actual.AsSpan(line, len))} instead of {Printable(d.Expected.AsSpan(line, len))}", observed);
    }

    /// <summary>Bytes as text, with \n and non-printable bytes escaped: "r00000000100000\n", "\0\0\0…".</summary>
    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new System.Text.StringBuilder("'");
        foreach (byte b in bytes)
            sb.Append(b switch { (byte)'\n' => "\\n", 0 => "\\0", >= 0x20 and < 0x7F => ((char)b).ToString(), _ => $"\\x{b:x2}" });
        return sb.Append('\'').ToString();
    }
}
