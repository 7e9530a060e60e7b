using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Arm64Vm.Scenarios.Yaml;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>
/// <c>machine.drives</c> (virtio-blk disks made per combination from a template) and the <c>disk</c> expectation, with a
/// tiny virtio-blk driver (<see cref="VirtioBlkGuest"/>): an OUT request the device writes to the file, an IN request
/// that brings the template's pattern into guest RAM (VIO-6).
/// </summary>
public class DriveTests
{
    /// <summary>"r00000000008000\n": the pattern line at disk offset 32 KiB, as hex bytes.</summary>
    private static readonly string PatternLineAt32K = Verdict.HexBytes(DrivePattern.Bytes('r', 0x8000, 16));

    private static string Yaml(string drives, string extra = "") => $$"""
        name: blk
        machine:
          memory: 128MiB
          drives:
        {{drives}}
        guest: { image: blk.bin }
        steps:
          - run: {}
          - expect:
              id: guest-wrote
              console-contains: "blk done"
              memory: { at: 0x{{VirtioBlkGuest.StatusOut:X}}, equals: "00" }
              disk: { at: 0, text: {{VirtioBlkGuest.Written}} }
          - expect:
              id: rest-untouched
              disk:
                - { at: 8, fill: 0, size: 504 }
                - { at: 32KiB, pattern: r, size: 1KiB }
          - expect:
              id: guest-read
              memory:
                - { at: 0x{{VirtioBlkGuest.StatusIn:X}}, equals: "00" }
                - { at: 0x{{VirtioBlkGuest.DataIn:X}}, equals: "{{PatternLineAt32K}}" }
        {{extra}}
        """;

    private const string Drive = """
            - size: 64KiB
              pattern: { at: 32KiB, size: 1KiB, tag: r }
        """;

    private static ScenarioDocument Load(ScenarioDir dir, string yaml)
    {
        dir.Write("blk.bin", VirtioBlkGuest.Image());
        return dir.Load("blk.yaml", yaml);
    }

    [Fact]
    public void ThePatternLinesNameTheirDiskOffset()
    {
        Assert.Equal("r00000000100000\nr00000000100010\n", System.Text.Encoding.ASCII.GetString(DrivePattern.Bytes('r', 0x10_0000, 32)));
    }

    /// <summary>The guest of virtio-dma-nc.yaml compares with lines tools/make-dma-initramfs.sh makes with awk: the same bytes.</summary>
    [Fact]
    public void TheDmaInitramfsScriptMakesTheSamePatternLines()
    {
        string script = File.ReadAllText(Path.Combine(RepoPaths.Root, "tools", "make-dma-initramfs.sh"));
        string pattern = Assert.Single(script.Split('\n'), l => l.StartsWith("pattern() {", StringComparison.Ordinal));
        var psi = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(pattern + "\npattern r 1048560 64");
        using var bash = System.Diagnostics.Process.Start(psi)!;
        string output = bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();
        Assert.Equal(0, bash.ExitCode);
        Assert.Equal(System.Text.Encoding.ASCII.GetString(DrivePattern.Bytes('r', 1048560, 64)), output);
    }

    [Fact]
    public void TheGuestWritesTheDiskAndReadsTheTemplatesPattern()
    {
        using var dir = new ScenarioDir();
        var r = Assert.Single(ScenarioDir.Run(Load(dir, Yaml(Drive))));
        Assert.True(r.Passed, string.Join("; ", r.Failures.Select(f => f.ToString())));
        Assert.Equal(7, r.ChecksRun);
        // The disk was made outside the scenario's folder and is gone with the run.
        Assert.Equal(new[] { "blk.bin", "blk.yaml" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    /// <summary>
    /// VIO-9: machine.virtio.access-platform reaches the VMM, and the tiny driver, which accepts only VERSION_1, is
    /// served all the same.
    /// </summary>
    [Fact]
    public void Vio9_AccessPlatformReachesTheVmmAndADriverThatDoesNotAcceptItIsServed()
    {
        using var dir = new ScenarioDir();
        string yaml = Yaml(Drive).Replace("  memory: 128MiB\n", "  memory: 128MiB\n  virtio: { access-platform: true }\n");
        var doc = Load(dir, yaml);
        Assert.True(doc.Bind(Combination.Base, Array.Empty<Setting>()).ToVmmOptions(_ => { }).VirtioAccessPlatform);
        Assert.False(Load(dir, Yaml(Drive)).Bind(Combination.Base, Array.Empty<Setting>()).ToVmmOptions(_ => { }).VirtioAccessPlatform);
        var r = Assert.Single(ScenarioDir.Run(doc));
        Assert.True(r.Passed, string.Join("; ", r.Failures.Select(f => f.ToString())));
    }

    /// <summary>A read-only drive answers the OUT request IOERR (VIO-6): the disk keeps the template's zeros.</summary>
    [Fact]
    public void AReadOnlyDriveFailsTheNamedExpectationWithTheBytesTheDiskHolds()
    {
        using var dir = new ScenarioDir();
        string extra = """
            matrix:
              machine.drives.0.read-only: [false, true]
            expected:
              - machine.drives.0.read-only: true
                result: fail
                fails: guest-wrote               # IOERR status, and the file holds the fill
                observed: "00 00 00 00 00 00 00 00"
            """;
        var results = ScenarioDir.Run(Load(dir, Yaml(Drive, extra)), matrix: true);
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.True(r.MatchesExpected, r.Mismatch));
        var ro = results[1];
        Assert.Equal(new[] { "guest-wrote", "guest-wrote" }, ro.Failures.Select(f => f.ExpectId));
        Assert.Contains(ro.Failures, f => f.Detail.Contains("differ, first at disk offset 0x0; the line at 0x0 holds '\\0\\0", StringComparison.Ordinal));
        Assert.Contains(ro.Failures, f => f.Observed == "01");            // VIRTIO_BLK_S_IOERR
    }

    [Fact]
    public void ADiskCheckThatDoesNotHoldIsAMismatchNamingTheLine()
    {
        using var dir = new ScenarioDir();
        string drive = """
                - size: 64KiB
                  pattern: { at: 32KiB, size: 1KiB, tag: q }
            """;
        var r = Assert.Single(ScenarioDir.Run(Load(dir, Yaml(drive))));
        Assert.Equal(new[] { "rest-untouched", "guest-read" }, r.Failures.Select(f => f.ExpectId));
        Assert.Contains("the line at 0x8000 holds 'q00000000008000\\n' instead of 'r00000000008000\\n'", r.Failures[0].Detail);
        Assert.Equal(Verdict.HexBytes(DrivePattern.Bytes('q', 0x8000, 16)), r.Failures[0].Observed);
        Assert.StartsWith("71", r.Failures[1].Observed);                 // the guest read the 'q' line
        Assert.NotNull(r.Mismatch);
    }

    [Theory]
    [InlineData("    - { size: 1000 }", "machine.drives.size must be whole 512-byte sectors", 5)]
    [InlineData("    - { size: 2GiB }", "machine.drives.size must be between 512 and 1GiB, not 2GiB", 5)]
    [InlineData("    - { size: 64KiB, colour: red }", "unknown key 'colour' in machine.drives[]", 5)]
    [InlineData("    - { fill: 1 }", "a drive needs 'size'", 5)]
    [InlineData("    - { size: 64KiB, pattern: { at: 8, size: 16, tag: r } }", "machine.drives.pattern: at and size must be whole 16-byte lines", 5)]
    [InlineData("    - { size: 64KiB, pattern: { at: 64KiB, size: 16, tag: r } }", "machine.drives.pattern: 0x10000+0x10 lies outside the disk (0x10000 bytes)", 5)]
    [InlineData("    - { size: 64KiB, pattern: { size: 16, tag: rr } }", "machine.drives.pattern.tag must be one letter or digit", 5)]
    [InlineData("    - { size: 512 }", "disk: 0x8000+0x400 lies outside the disk (0x200 bytes)", 18)]
    public void BadDrivesAreLocatedErrors(string drive, string message, int line)
    {
        using var dir = new ScenarioDir();
        var e = Assert.Throws<ScenarioException>(() => ScenarioRunner.ValidateAll(Load(dir, Yaml(drive))));
        Assert.Contains(message, e.Message);
        Assert.Equal(line, e.Location.Line);
    }

    [Theory]
    [InlineData("disk: { at: 0, text: x, size: 4 }", "disk.size does not go with text")]
    [InlineData("disk: { at: 0, text: x, hex: \"78\" }", "disk needs exactly one of text, hex, pattern, fill")]
    [InlineData("disk: { drive: 1, hex: \"78\" }", "disk.drive must be between 0 and 0")]
    [InlineData("disk: { fill: 0 }", "disk with fill needs 'size'")]
    [InlineData("disk: { pattern: r, size: 17 }", "disk: at and size must be whole 16-byte lines")]
    [InlineData("disk: { hex: \"zz\" }", "disk.hex must be hex bytes")]
    [InlineData("disk: { fill: 0, size: 1KiB, view: poc }", "unknown key 'view' in disk")]
    public void BadDiskChecksAreLocatedErrors(string check, string message)
    {
        using var dir = new ScenarioDir();
        var e = Assert.Throws<ScenarioException>(() => ScenarioRunner.ValidateAll(Load(dir, Yaml(Drive, $"  - expect: {{ {check} }}"))));
        Assert.Equal(25, e.Location.Line);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ADiskCheckWithoutDrivesIsAnError()
    {
        using var dir = new ScenarioDir();
        dir.Write("off.bin", TestGuests.HelloOff());
        var doc = dir.Load("s.yaml", "guest: { image: off.bin }\nsteps:\n  - run: {}\n  - expect: { disk: { text: x } }\n");
        var e = Assert.Throws<ScenarioException>(() => ScenarioRunner.ValidateAll(doc));
        Assert.Contains("disk: the machine has no drives (machine.drives)", e.Message);
        Assert.Equal(4, e.Location.Line);
    }
}
