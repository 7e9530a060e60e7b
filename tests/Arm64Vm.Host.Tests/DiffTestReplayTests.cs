using System.Text;
using Xunit;

namespace Arm64Vm.Host.Tests;

/// <summary>
/// Replays the differential-test blobs recorded under QEMU (tests/golden/difftest, see its README): each blob
/// runs 200 random integer instruction sequences and prints what each changed; arm64vm must print the same.
/// </summary>
public class DiffTestReplayTests
{
    private const string Dir = "tests/golden/difftest";

    public static TheoryData<string> Blobs()
    {
        var data = new TheoryData<string>();
        foreach (var line in File.ReadAllLines(GuestRunner.PathOf(Dir + "/manifest.txt")))
            if (line.Length > 0 && line[0] != '#') data.Add(line.Split(' ')[0]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Blobs))]
    public void SequencesAgreeWithQemu(string name)
    {
        string bin = GuestRunner.PathOf($"{Dir}/{name}.bin");
        var expected = File.ReadAllText(GuestRunner.PathOf($"{Dir}/{name}.txt")).Split('\n');
        Assert.Equal("DONE", expected[^2]);
        var (output, outcome) = GuestRunner.Run(bin, 500_000_000);
        Assert.Equal(StopReason.SystemOff, outcome.Reason);
        var got = output.Split('\n');
        var report = new StringBuilder();
        int diffs = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            string g = i < got.Length ? got[i] : "(missing)";
            if (g == expected[i]) continue;
            if (++diffs <= 5)
                report.Append($"\n{name} line {i}:\n  qemu: {expected[i]}\n  ours: {g}\n  words: {SequenceWords(bin, i)}");
        }
        Assert.True(diffs == 0, $"{diffs} sequence(s) differ from QEMU:{report}");
        Assert.Equal(expected.Length, got.Length);
    }

    /// <summary>The instruction words of sequence <paramref name="index"/> (for the failure message).</summary>
    private static string SequenceWords(string bin, int index)
    {
        var image = File.ReadAllBytes(bin);
        for (int i = 0; i + 16 <= image.Length; i += 16)
        {
            if (Encoding.ASCII.GetString(image, i + 8, 8) != "DIFFTEST") continue;
            int tab = i + 16;
            int count = BitConverter.ToInt32(image, tab);
            if (index >= count) return "?";
            int start = tab + BitConverter.ToInt32(image, tab + 16 + 4 * index);
            int end = index + 1 < count ? tab + BitConverter.ToInt32(image, tab + 16 + 4 * (index + 1)) : image.Length;
            var sb = new StringBuilder();
            for (int o = start; o < end; o += 4) sb.Append($"{BitConverter.ToUInt32(image, o):x8} ");
            return sb.ToString().TrimEnd();
        }
        return "?";
    }
}
