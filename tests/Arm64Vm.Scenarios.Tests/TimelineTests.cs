using System.Text.Json;
using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>
/// `--timeline`: the Chrome trace-event JSON (Perfetto, chrome://tracing) a run writes. The file is checked against the
/// format's rules (every event has name, ph, ts, pid, tid; B/E pairs balance per track; X slices have a duration) and
/// the reboot story's timeline shows H1's re-init, the unmap it makes and the stage-2 faults that follow, in order.
/// </summary>
[Collection("console")]
public class TimelineTests
{
    /// <summary>The reboot story's timeline with <paramref name="policy"/>, or as written when it is null.</summary>
    private static List<JsonElement> RunRebootTimeline(string dir, string? policy)
    {
        var doc = ScenarioDocument.Load(Path.Combine(RepoPaths.Scenarios, "reboot-relocate.yaml"));
        var request = new RunRequest
        {
            TraceDirectory = dir,
            Timeline = true,
            Overrides = policy == null ? Array.Empty<Setting>() : new[] { RunRequest.ParseSetting($"host.policy={policy}") },
        };
        var results = ScenarioRunner.RunAll(doc, request);
        Assert.True(results.Single().MatchesExpected);
        return Validate(File.ReadAllText(Path.Combine(dir, "reboot-relocate.0.timeline.json")));
    }

    /// <summary>The format's rules; returns the events in file order.</summary>
    internal static List<JsonElement> Validate(string json)
    {
        using var parsed = JsonDocument.Parse(json);
        var events = parsed.RootElement.GetProperty("traceEvents").EnumerateArray().Select(e => e.Clone()).ToList();
        Assert.NotEmpty(events);
        var open = new Dictionary<(long, long), Stack<string>>();
        foreach (var e in events)
        {
            foreach (var field in new[] { "name", "ph", "ts", "pid", "tid" })
                Assert.True(e.TryGetProperty(field, out _), $"event without '{field}': {e}");
            string ph = e.GetProperty("ph").GetString()!;
            Assert.Contains(ph, new[] { "B", "E", "X", "i", "C", "M" });
            Assert.True(e.GetProperty("ts").GetDouble() >= 0);
            var track = (e.GetProperty("pid").GetInt64(), e.GetProperty("tid").GetInt64());
            if (!open.TryGetValue(track, out var stack)) open[track] = stack = new Stack<string>();
            if (ph == "B") stack.Push(e.GetProperty("name").GetString()!);
            if (ph == "E")
            {
                Assert.True(stack.Count > 0, $"E without B: {e}");
                Assert.Equal(stack.Pop(), e.GetProperty("name").GetString());
            }
            if (ph == "X") Assert.True(e.GetProperty("dur").GetDouble() >= 0);
        }
        foreach (var (track, stack) in open) Assert.True(stack.Count == 0, $"track {track}: {stack.Count} B without E");
        // Virtual time never runs backwards through the file.
        var times = events.Where(e => e.GetProperty("ph").GetString() != "M").Select(e => e.GetProperty("ts").GetDouble()).ToList();
        for (int i = 1; i < times.Count; i++) Assert.True(times[i] >= times[i - 1], $"event {i} at {times[i]} us after {times[i - 1]} us");
        return events;
    }

    private static string Name(JsonElement e) => e.GetProperty("name").GetString()!;

    [Fact]
    public void H1_RebootTimelineShowsTheReinitThenTheUnmapThenTheFaultsThatFollow()
    {
        using var dir = new ScenarioDir();
        {
            var events = RunRebootTimeline(dir.Path, "kvm");
            int reinit = events.FindIndex(e => Name(e) == "vCPU re-init");
            Assert.True(reinit > 0, "the timeline shows the re-init");
            Assert.True(events.FindIndex(e => Name(e) == "vCPU init") < reinit, "the first init comes before it");
            int unmap = events.FindIndex(reinit, e => Name(e) == "unmap");
            Assert.True(unmap > reinit, "the re-init unmaps (H1)");
            int clean = events.FindIndex(reinit, e => Name(e).StartsWith("clean+invalidate (unmap)", StringComparison.Ordinal));
            Assert.True(clean > reinit, "the unmap cleans the pages it removes (H2)");
            int fault = events.FindIndex(unmap, e => Name(e).StartsWith("stage-2 fault (translation)", StringComparison.Ordinal));
            Assert.True(fault > unmap, "boot 2 faults the unmapped pages back in");
            var f = events[fault].GetProperty("args");
            Assert.StartsWith("0x4", f.GetProperty("ipa").GetString());
            // The faults are taken by boot 2's guest code: a vCPU slice runs between the unmap and them.
            Assert.Contains(events.Skip(unmap).Take(fault - unmap), e => Name(e) == "guest" && e.GetProperty("tid").GetInt64() == 1);
            Assert.Contains(events, e => Name(e) == "PSCI SYSTEM_RESET");
            Assert.Contains(events, e => Name(e) == "dirty lines" && e.GetProperty("ph").GetString() == "C" && e.GetProperty("args").TryGetProperty("L1D", out _));
            var slices = events.Where(e => Name(e) == "guest").ToList();
            Assert.True(slices.Sum(e => e.GetProperty("args").GetProperty("instructions").GetInt64()) > 1000);
        }
    }

    [Fact]
    public void H1_WithoutTheUnmapPolicyTheTimelineShowsNoUnmapAfterTheReinit()
    {
        using var dir = new ScenarioDir();
        {
            var events = RunRebootTimeline(dir.Path, "no-unmap-on-init");
            int reinit = events.FindIndex(e => Name(e) == "vCPU re-init");
            Assert.True(reinit > 0);
            Assert.DoesNotContain(events.Skip(reinit), e => Name(e) == "unmap");
        }
    }

    [Fact]
    public void TheSameRunWritesTheSameTimeline()
    {
        using var a = new ScenarioDir();
        using var b = new ScenarioDir();
        RunRebootTimeline(a.Path, "kvm");
        RunRebootTimeline(b.Path, "kvm");
        Assert.Equal(File.ReadAllText(Path.Combine(a.Path, "reboot-relocate.0.timeline.json")), File.ReadAllText(Path.Combine(b.Path, "reboot-relocate.0.timeline.json")));
    }

    /// <summary>The committed timeline (scenarios/README.md's picture is drawn from it) is what the story writes now.</summary>
    [Fact]
    public void TheCommittedTimelineIsTheOneTheRebootStoryWrites()
    {
        using var dir = new ScenarioDir();
        RunRebootTimeline(dir.Path, policy: null);
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Scenarios, "results", "reboot-relocate-timeline.json")),
            File.ReadAllText(Path.Combine(dir.Path, "reboot-relocate.0.timeline.json")));
    }

    [Fact]
    public void RunTimelineFollowsTheVmmsRebootOfTheRelocateGuest()
    {
        using var dir = new ScenarioDir();
        string file = Path.Combine(dir.Path, "relocate.json");
        {
            var (code, err) = RunCli.Run(RunCli.Relocate, "--timeline", file, "--max-instructions", "2000000");
            Assert.True(code == 0, err);
            var events = Validate(File.ReadAllText(file));
            int reset = events.FindIndex(e => Name(e) == "PSCI SYSTEM_RESET");
            int vmmReset = events.FindIndex(e => Name(e) == "system reset (VMM)");
            int reinit = events.FindIndex(e => Name(e) == "vCPU re-init");
            Assert.True(reset >= 0 && reset < vmmReset && vmmReset < reinit, $"reset {reset}, VMM reset {vmmReset}, re-init {reinit}");
            Assert.Contains(events.Skip(reinit), e => Name(e) == "PSCI SYSTEM_OFF");
        }
    }

    /// <summary>
    /// The vCPU track of the timer guest (tests/guests/timer-irq.S): it sleeps in WFI twice until its timer fires (a
    /// "WFI sleep" from the WFI exit to the wake-up, after a slice the WFI ended), and takes three timer IRQs (PPI 27
    /// once, PPI 30 twice, as its output says), each an "exception taken" instant in the slice that took it.
    /// </summary>
    [Fact]
    public void RunTimelineShowsTheTimerGuestsWfiSleepsAndTheInterruptsItTakes()
    {
        using var dir = new ScenarioDir();
        string file = Path.Combine(dir.Path, "timer.json");
        var (code, err) = RunCli.Run(Path.Combine(RepoPaths.Root, "tests", "guests", "bin", "timer-irq.elf"), "--timeline", file);
        Assert.True(code == 0, err);
        var vcpu = Validate(File.ReadAllText(file)).Where(e => e.GetProperty("tid").GetInt64() == 1).ToList();
        var sleeps = vcpu.Where(e => Name(e) == "WFI sleep" && e.GetProperty("ph").GetString() == "B").ToList();
        Assert.Equal(2, sleeps.Count);
        foreach (var sleep in sleeps)
        {
            var before = vcpu[vcpu.IndexOf(sleep) - 1];
            Assert.Equal("WFI", before.GetProperty("args").GetProperty("endedBy").GetString());
        }
        var slices = vcpu.Where(e => Name(e) == "guest").ToList();
        Assert.Equal(3, slices.Sum(e => e.GetProperty("args").GetProperty("exceptionsTaken").GetInt64()));
        Assert.Equal(3, vcpu.Count(e => Name(e) == "exception taken"));
    }

    /// <summary>
    /// The dirty-log story (scenarios/dirty-log-migration.yaml, as written: `migrate: { rounds: 3, final: true }`)
    /// harvests four times: four "dirty-log round" instants on the host track, and between the first two the guest's
    /// writes to the pages the first harvest write-protected fault (H7).
    /// </summary>
    [Fact]
    public void TheDirtyLogStoryShowsEachHarvestAsADirtyLogRound()
    {
        using var dir = new ScenarioDir();
        var doc = ScenarioDocument.Load(Path.Combine(RepoPaths.Scenarios, "dirty-log-migration.yaml"));
        var results = ScenarioRunner.RunAll(doc, new RunRequest { TraceDirectory = dir.Path, Timeline = true });
        Assert.True(results.Single().MatchesExpected);
        var events = Validate(File.ReadAllText(Path.Combine(dir.Path, "dirty-log-migration.0.timeline.json")));
        var rounds = Enumerable.Range(0, events.Count).Where(i => Name(events[i]) == "dirty-log round").ToList();
        Assert.Equal(4, rounds.Count);
        Assert.Contains(events.Skip(rounds[0]).Take(rounds[1] - rounds[0]), e => Name(e) == "stage-2 fault (permission)");
    }

    [Fact]
    public void RunTimelineToAnUnwritablePathIsAUsageError()
    {
        var (code, err) = RunCli.Run(RunCli.Relocate, "--timeline", "/nonexistent-dir/t.json");
        Assert.Equal(2, code);
        Assert.StartsWith("arm64vm: --timeline: cannot write /nonexistent-dir/t.json", err);
    }
}
