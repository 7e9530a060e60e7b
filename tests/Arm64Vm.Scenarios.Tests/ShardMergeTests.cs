using System.Text.RegularExpressions;
using Arm64Vm.Scenarios.Sweep;
using Arm64Vm.Scenarios.Yaml;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>
/// `--shard K/N` and `scenario merge`: the parts of a plan are disjoint and cover it, and merging the parts' reports
/// gives, byte for byte, the table, JSON report, CSV and SVG one unsharded run writes — except host seconds, the
/// wall-clock time each run took, which no rerun reproduces: the comparison masks them (the table's "host s" column,
/// the report's hostSeconds, the CSV's host-seconds column and the chart's host-seconds panel).
/// </summary>
[Collection("console")]
public partial class ShardMergeTests
{
    [Fact]
    public void ThePartsOfAPlanAreDisjointBalancedAndCoverIt()
    {
        foreach (int n in new[] { 1, 2, 3, 5, 7 })
            foreach (int size in new[] { 0, 1, 4, 12, 13 })
            {
                var plan = Enumerable.Range(0, size).ToList();
                var parts = Enumerable.Range(1, n).Select(k => new Shard(k, n).Of(plan).Select(p => p.Index).ToList()).ToList();
                Assert.Equal(plan, parts.SelectMany(p => p).Order());
                Assert.True(parts.Max(p => p.Count) - parts.Min(p => p.Count) <= 1, $"{size} in {n} parts: {string.Join(",", parts.Select(p => p.Count))}");
            }
    }

    [Theory]
    [InlineData("0/2", "K must be between 1 and N")]
    [InlineData("3/2", "K must be between 1 and N")]
    [InlineData("2", "expected K/N")]
    [InlineData("a/b", "expected K/N")]
    public void ABadShardIsALocatedError(string text, string message)
    {
        var e = Assert.Throws<ScenarioException>(() => Shard.Parse(text));
        Assert.Contains($"--shard {text}", e.Message);
        Assert.Contains(message, e.Message);
        var (code, _, err) = CliTests.Invoke("scenario", "run", Path.Combine(RepoPaths.Scenarios, "reboot-relocate.yaml"), "--shard", text, "--report", "r.json");
        Assert.Equal(2, code);
        Assert.Contains(message, err);
    }

    [GeneratedRegex(@"""hostSeconds"": [0-9.E+-]+")]
    private static partial Regex JsonHostSeconds();

    [GeneratedRegex(@"\|\s+[0-9.]+ \|$", RegexOptions.Multiline)]
    private static partial Regex TableHostSeconds();

    [GeneratedRegex(@"<g id=""panel-host-seconds"">.*?</g>\n", RegexOptions.Singleline)]
    private static partial Regex SvgHostSeconds();

    private static string MaskJson(string json) => JsonHostSeconds().Replace(json, "\"hostSeconds\": (host)");

    /// <summary>The table and what follows it (the run's progress lines before it are not part of a merge).</summary>
    private static string MaskTable(string stdout) => TableHostSeconds().Replace(stdout[stdout.IndexOf("+-", StringComparison.Ordinal)..], "| (host) |");

    private static string MaskCsv(string csv) =>
        string.Join("\n", csv.Split('\n').Select(l => l.Split(',')).Select(c => string.Join(",", c.Select((v, i) => i == 5 ? "(host)" : v))));

    [Fact]
    public void MergingTheShardsOfAMatrixRunGivesTheUnshardedTableAndReport()
    {
        using var dir = new ScenarioDir();
        string file = Path.Combine(RepoPaths.Scenarios, "reboot-relocate.yaml");     // 12 combinations
        string whole = Path.Combine(dir.Path, "whole.json");
        var (code, stdout, _) = CliTests.Invoke("scenario", "run", file, "--matrix", "--report", whole);
        Assert.Equal(0, code);
        const int n = 5;                                                               // parts of 3, 3, 2, 2, 2
        var parts = new List<string>();
        for (int k = 1; k <= n; k++)
        {
            string part = Path.Combine(dir.Path, $"part{k}.json");
            var (partCode, _, partErr) = CliTests.Invoke("scenario", "run", file, "--matrix", "--shard", $"{k}/{n}", "--report", part);
            Assert.True(partCode == 0, partErr);
            parts.Add(part);
        }
        Assert.Contains("\"shard\"", File.ReadAllText(parts[0]));
        string merged = Path.Combine(dir.Path, "merged.json");
        parts.Reverse();                                                               // the order of the files does not matter
        var (mergeCode, mergeOut, mergeErr) = CliTests.Invoke(new[] { "scenario", "merge" }.Concat(parts).Concat(new[] { "--report", merged }).ToArray());
        Assert.True(mergeCode == 0, mergeErr);
        Assert.Equal(MaskJson(File.ReadAllText(whole)), MaskJson(File.ReadAllText(merged)));
        Assert.Equal(MaskTable(stdout), MaskTable(mergeOut));
        Assert.Contains("12 result(s), every one as expected", mergeOut);
    }

    [Fact]
    public void MergingTheShardsOfASweepGivesTheUnshardedCsvAndChart()
    {
        using var dir = new ScenarioDir();
        string file = CliTests.WriteTouchSweep(dir);                                   // 12 points
        string wholeDir = Path.Combine(dir.Path, "whole"), partsDir = Path.Combine(dir.Path, "parts"), mergedDir = Path.Combine(dir.Path, "merged");
        Assert.Equal(0, CliTests.Invoke("scenario", "sweep", file, "--out", wholeDir).Code);
        for (int k = 1; k <= 3; k++) Assert.Equal(0, CliTests.Invoke("scenario", "sweep", file, "--out", partsDir, "--shard", $"{k}/3").Code);
        var parts = Directory.GetFiles(partsDir, "touch-sweep.shard-*-of-3.json").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(3, parts.Length);
        Assert.Empty(Directory.GetFiles(partsDir, "*.csv"));                           // a part writes no partial chart
        var (code, _, err) = CliTests.Invoke(new[] { "scenario", "merge" }.Concat(parts).Concat(new[] { "--out", mergedDir }).ToArray());
        Assert.True(code == 0, err);
        Assert.Equal(MaskCsv(File.ReadAllText(Path.Combine(wholeDir, "touch-sweep.csv"))), MaskCsv(File.ReadAllText(Path.Combine(mergedDir, "touch-sweep.csv"))));
        string wholeSvg = File.ReadAllText(Path.Combine(wholeDir, "touch-sweep.svg")), mergedSvg = File.ReadAllText(Path.Combine(mergedDir, "touch-sweep.svg"));
        Assert.Matches(SvgHostSeconds(), wholeSvg);
        Assert.Equal(SvgHostSeconds().Replace(wholeSvg, ""), SvgHostSeconds().Replace(mergedSvg, ""));
    }

    [Fact]
    public void AMergeWithAPartMissingOrGivenTwiceNamesIt()
    {
        using var dir = new ScenarioDir();
        string file = Path.Combine(RepoPaths.Scenarios, "reboot-relocate.yaml");
        string one = Path.Combine(dir.Path, "1.json"), three = Path.Combine(dir.Path, "3.json");
        Assert.Equal(0, CliTests.Invoke("scenario", "run", file, "--matrix", "--shard", "1/3", "--report", one).Code);
        Assert.Equal(0, CliTests.Invoke("scenario", "run", file, "--matrix", "--shard", "3/3", "--report", three).Code);
        var (code, _, err) = CliTests.Invoke("scenario", "merge", one, three);
        Assert.Equal(2, code);
        Assert.Contains("part(s) 2/3 missing", err);
        (code, _, err) = CliTests.Invoke("scenario", "merge", one, three, one);
        Assert.Equal(2, code);
        Assert.Contains("part 1/3 is given twice", err);
        string whole = Path.Combine(dir.Path, "whole.json");
        Assert.Equal(0, CliTests.Invoke("scenario", "run", file, "--report", whole).Code);
        (code, _, err) = CliTests.Invoke("scenario", "merge", whole);
        Assert.Equal(2, code);
        Assert.Contains($"{whole}: not a shard's report", err);
        (code, _, err) = CliTests.Invoke("scenario", "merge", file);
        Assert.Equal(2, code);
        Assert.Contains($"{file}: not JSON", err);
    }
}
