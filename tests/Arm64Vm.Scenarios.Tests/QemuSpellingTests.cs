using System.CommandLine;
using Arm64Vm.Cli;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>QEMU's spellings of the run options: a pasted QEMU command line builds the same machine as ours.</summary>
[Collection("console")]
public class QemuSpellingTests
{
    private static byte[] DumpDtb(params string[] args)
    {
        string file = Path.Combine(Path.GetTempPath(), $"arm64vm-{Guid.NewGuid():N}.dtb");
        try
        {
            var (code, err) = RunCli.Run(args.Concat(new[] { "--dump-dtb", file }).ToArray());
            Assert.True(code == 0, err);
            return File.ReadAllBytes(file);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void AQemuCommandLineBuildsTheSameMachineAsOurSpelling()
    {
        var qemu = DumpDtb("-kernel", RunCli.Relocate, "-m", "512", "-smp", "cpus=2", "-append", "console=ttyAMA0", "-nographic");
        var ours = DumpDtb(RunCli.Relocate, "--memory", "512M", "--cpus", "2", "--append", "console=ttyAMA0");
        Assert.Equal(ours, qemu);
        Assert.Equal(ours, DumpDtb("-kernel", RunCli.Relocate, "-m", "size=512M", "-smp", "2", "-append", "console=ttyAMA0"));
        Assert.NotEqual(ours, DumpDtb(RunCli.Relocate, "--memory", "1G", "--cpus", "2", "--append", "console=ttyAMA0"));
        Assert.Equal(DumpDtb(RunCli.Relocate, "--memory", "1G"), DumpDtb(RunCli.Relocate, "-m", "1G"));
    }

    [Theory]
    [InlineData(512UL, "512", 512UL << 20)]
    [InlineData(0UL, "1G", 1UL << 30)]
    [InlineData(0UL, "size=64M", 64UL << 20)]
    [InlineData(0UL, "2048k", 2UL << 20)]
    public void MinusMReadsQemuSizes(ulong unused, string text, ulong bytes)
    {
        _ = unused;
        Assert.Equal(bytes, QemuSpellings.ParseMemory("-m", text));
    }

    [Fact]
    public void OurMemorySpellingKeepsBytesForABareNumber() =>
        Assert.Equal(4096UL, QemuSpellings.ParseMemory("--memory", "4096"));

    [Theory]
    [InlineData("4,sockets=2", "-smp: '4,sockets=2': only N or cpus=N is supported, not 'sockets=2'")]
    [InlineData("many", "-smp: 'many' is not a number of CPUs")]
    public void AnSmpTheRunCannotHonourIsNamed(string value, string message)
    {
        var parse = new RootCommand { RunCommand.Create() }.Parse(new[] { "run", RunCli.Relocate, "-smp", value });
        Assert.Contains(parse.Errors, e => e.Message.StartsWith(message, StringComparison.Ordinal));
    }

    private static string[] Words(string line) => line.Split(new[] { ' ', ',', ';', '(', ')' }, StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void HelpListsBothSpellings()
    {
        var output = new StringWriter();
        var parse = new RootCommand { RunCommand.Create() }.Parse(new[] { "run", "--help" });
        parse.Invoke(new InvocationConfiguration { Output = output });
        var lines = output.ToString().Split('\n');
        foreach (var (ours, qemu) in new[] { ("--kernel", "-kernel"), ("--initrd", "-initrd"), ("--append", "-append"), ("--memory", "-m"), ("--cpus", "-smp"), ("--wait-gdb", "-S") })
            Assert.Contains(lines, l => Words(l).Contains(ours) && Words(l).Contains(qemu));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("-nographic", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("-s ", StringComparison.Ordinal) && l.Contains("tcp::1234", StringComparison.Ordinal));
    }

    [Fact]
    public void MinusSIsTheGdbStubOnPort1234()
    {
        var endpoint = GdbOptions.Endpoint(null, qemuDefault: true)!;
        Assert.Equal((System.Net.IPAddress.Loopback, 1234), (endpoint.Address, endpoint.Port));
        Assert.Equal(5555, GdbOptions.Endpoint("tcp::5555", qemuDefault: false)!.Port);
        Assert.Null(GdbOptions.Endpoint(null, qemuDefault: false));
    }

    [Theory]
    [InlineData("-S", "--wait-gdb (-S): needs --gdb tcp::PORT or -s")]
    [InlineData("-s --gdb tcp::5555", "-s: the gdb stub is given twice (-s and --gdb tcp::5555); give one")]
    public void AGdbSpellingTheRunCannotHonourIsNamed(string options, string message)
    {
        var (code, err) = RunCli.Run(new[] { RunCli.Relocate }.Concat(options.Split(' ')).ToArray());
        Assert.Equal(2, code);
        Assert.Contains(message, err);
    }
}
