using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Arm64Vm.Scenarios.Sweep;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Cli;

/// <summary>A report read back (`scenario merge`): its header, each result's entry as written, and the results rebuilt.</summary>
public sealed record ReadReport(string File, ScenarioReport.Header Header, IReadOnlyList<(int Index, JsonNode Entry, CombinationResult Result)> Results);

/// <summary>
/// Reads a report <see cref="ScenarioReport"/> wrote. A file that is not one is a one-line error naming the file and
/// what is wrong with it.
/// </summary>
public static class ScenarioReportReader
{
    public static ReadReport Read(string file)
    {
        JsonNode root;
        try { root = JsonNode.Parse(System.IO.File.ReadAllText(file)) ?? throw Bad(file, "empty"); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw Bad(file, "file not found"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw Bad(file, e.Message); }
        catch (JsonException e) { throw Bad(file, $"not JSON: {e.Message}"); }
        try
        {
            Shard? shard = null;
            int planned = 0;
            if (root["shard"] is JsonObject s)
            {
                shard = new Shard((int)s["k"]!, (int)s["n"]!);
                planned = (int)s["planned"]!;
            }
            ScenarioReport.SweepHeader? sweep = root["sweep"] is JsonObject w
                ? new ScenarioReport.SweepHeader((string)w["scenario"]!, (string)w["metric"]!, (string)w["title"]!)
                : null;
            var results = (root["results"] as JsonArray ?? throw Bad(file, "no 'results' array: not a report of scenario run or sweep"))
                .Select(e => ((int)e!["index"]!, e.DeepClone(), Result(e))).ToList();
            return new ReadReport(file, new ScenarioReport.Header(shard, planned, sweep), results);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
        {
            throw Bad(file, $"not a report of scenario run or sweep ({e.Message})");
        }
    }

    private static ScenarioException Bad(string file, string what) => new(new SourceLocation(file, 0, 0), what);

    /// <summary>The result an entry describes (what the table, the summary, the CSV and the chart need).</summary>
    private static CombinationResult Result(JsonNode e)
    {
        string file = (string)e["file"]!;
        var where = new SourceLocation(file, 0, 0);
        var settings = e["combination"]!.AsObject().Select(kv => new Setting(kv.Key, YNode.Scalar((string)kv.Value!, where))).ToList();
        var r = new CombinationResult
        {
            Scenario = (string)e["scenario"]!,
            File = file,
            Combination = new Combination(settings),
            ExpectedSource = (string)e["expectedSource"]!,
            ExpectedFailure = e["expectedFailure"] is JsonObject f
                ? new ExpectedFailure((string)f["fails"]!, (string?)f["observed"], Location((string)f["location"]!))
                : null,
            ChecksRun = (int)e["checks"]!,
            Instructions = (ulong)e["instructions"]!,
            HostSeconds = (double)e["hostSeconds"]!,
            Counters = e["counters"]!.AsObject().ToDictionary(kv => kv.Key, kv => (long)kv.Value!),
            SkipReason = (string?)e["skipped"],
        };
        if (e["staleReads"] is JsonArray stale)
            foreach (var line in stale) r.StaleReads.Add((string)line!);
        foreach (var kv in e["runner"]!.AsObject()) r.Extra[kv.Key] = (long)kv.Value!;
        foreach (var run in e["runs"]!.AsArray()) r.Runs.Add((string)run!);
        foreach (var x in e["failures"]!.AsArray())
            r.Failures.Add(new Failure((string)x!["step"]!, (string)x["expectation"]!, (string)x["detail"]!, (string)x["location"]!,
                Kind((string)x["kind"]!), (string?)x["expect"], (string?)x["observed"]));
        return r;
    }

    private static FailureKind Kind(string kebab) => kebab switch
    {
        "expectation" => FailureKind.Expectation,
        "run" => FailureKind.Run,
        "host-error" => FailureKind.HostError,
        _ => throw new FormatException($"unknown failure kind '{kebab}'"),
    };

    /// <summary>"file:line:column" back into a location (the file name may itself hold colons).</summary>
    private static SourceLocation Location(string text)
    {
        var parts = text.Split(':');
        if (parts.Length >= 3
            && long.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out long line)
            && long.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out long column))
            return new SourceLocation(string.Join(':', parts[..^2]), line, column);
        return new SourceLocation(text, 0, 0);
    }
}
