using System.Diagnostics;
using System.Xml.Linq;
using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Arm64Vm.Scenarios.Sweep;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>librsvg's rsvg-convert (Debian librsvg2-bin): renders an SVG to PNG, failing on a broken one.</summary>
public static class RsvgConvert
{
    public const string Package = "librsvg2-bin";

    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => System.IO.Path.Combine(dir, "rsvg-convert"))
        .FirstOrDefault(File.Exists);

    public static (int Code, byte[] Png, string Errors) Render(string svgFile)
    {
        var info = new ProcessStartInfo(Path ?? "rsvg-convert") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--format", "png", svgFile }) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var png = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(png);
        process.WaitForExit();
        return (process.ExitCode, png.ToArray(), stderr.Result);
    }
}

/// <summary>A fact that needs rsvg-convert: skipped, naming the package to install, when it is not on PATH.</summary>
public sealed class RsvgFactAttribute : FactAttribute
{
    public RsvgFactAttribute()
    {
        if (RsvgConvert.Path == null) Skip = $"rsvg-convert is not on PATH: install the Debian package {RsvgConvert.Package}";
    }
}

/// <summary>The sweep's chart: small multiples that keep coinciding series apart, and an SVG that renders.</summary>
public class SweepChartTests
{
    private static readonly string Committed = Path.Combine(RepoPaths.Scenarios, "results", "sweep-working-set-sweep.svg");

    [RsvgFact]
    public void TheCommittedChartRendersToPng()
    {
        var (code, png, errors) = RsvgConvert.Render(Committed);
        Assert.True(code == 0, errors);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.True(png.Length > 10_000, $"{png.Length} bytes of PNG");
    }

    [RsvgFact]
    public void ABrokenSvgFailsToRender()
    {
        string file = Path.Combine(Path.GetTempPath(), $"arm64vm-{Guid.NewGuid():N}.svg");
        File.WriteAllText(file, File.ReadAllText(Committed).Replace("</svg>", ""));
        try { Assert.NotEqual(0, RsvgConvert.Render(file).Code); }
        finally { File.Delete(file); }
    }

    [Fact]
    public void TheCommittedChartHasAPanelPerCost()
    {
        var svg = XDocument.Load(Committed);
        var ids = svg.Descendants().Where(e => e.Name.LocalName == "g").Select(e => (string?)e.Attribute("id")).ToList();
        Assert.Equal(SweepRunner.Costs.Select(c => "panel-" + c.Cost), ids);
    }

    private static SweepPoint Point(string policy, ulong memory, ulong ws, long lines, long faults, double seconds)
    {
        var r = new CombinationResult { Scenario = "s", File = "s.yaml", Combination = Combination.Base, HostSeconds = seconds };
        r.Counters = new Dictionary<string, long> { ["lines-cleaned"] = lines, ["stage2-faults"] = faults, ["vm-flushes"] = 0, ["dirty-bytes-written-back"] = 64 };
        return new SweepPoint(policy, memory, ws, r);
    }

    [Fact]
    public void CoincidingSeriesAreNamedIdenticalAndValuesSpanningDecadesGetALogScale()
    {
        var points = new List<SweepPoint>();
        foreach (ulong ws in new ulong[] { 16, 256, 4096 })
        {
            // Faults differ per policy; lines cleaned are the same for both memory sizes of a policy; 16→4096 spans decades.
            points.Add(Point("kvm", 32 << 20, ws, (long)ws * 64, (long)ws, 0.1));
            points.Add(Point("kvm", 256 << 20, ws, (long)ws * 64, (long)ws + 1, 0.2));
            points.Add(Point("eager", 32 << 20, ws, (long)ws * 65, 3, 0.3));
        }
        string svg = SweepRunner.Svg(points, "lines-cleaned", "t");
        XDocument.Parse(svg);
        var doc = XDocument.Parse(svg);
        string Panel(string id) => doc.Descendants().Single(e => (string?)e.Attribute("id") == "panel-" + id).ToString();
        Assert.Contains("lines cleaned+invalidated (log scale)", Panel("lines-cleaned"));
        Assert.Contains("identical: kvm, 32MiB = kvm, 256MiB", Panel("lines-cleaned"));
        Assert.DoesNotContain("identical", Panel("stage2-faults"));
        Assert.Contains("identical: kvm, 32MiB = kvm, 256MiB = eager, 32MiB", Panel("dirty-bytes-written-back"));
        Assert.DoesNotContain("log scale", Panel("dirty-bytes-written-back"));
        // Three series, three marker shapes in every panel: a circle, a square and a triangle per point.
        Assert.Equal(3, Panel("vm-flushes").Split("<circle").Length - 1);
        Assert.Equal(3, Panel("vm-flushes").Split("<rect").Length - 1);
        Assert.Equal(3, Panel("vm-flushes").Split("<polygon").Length - 1);
    }
}
