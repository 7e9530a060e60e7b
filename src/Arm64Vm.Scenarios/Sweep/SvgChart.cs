using System.Globalization;
using System.Net;
using System.Text;

namespace Arm64Vm.Scenarios.Sweep;

/// <summary>
/// A small self-contained SVG line chart: log2 x axis when the x values span more than a factor of 8, linear y axis
/// from 0, one coloured polyline with point markers per series (dashed for the second group), and a legend.
/// </summary>
public static class SvgChart
{
    /// <summary>Group decides the colour family: series of one policy share a hue and differ in dash.</summary>
    public sealed record Series(string Label, string Group, IReadOnlyList<(double X, double Y)> Points);

    private const int Width = 860, Height = 520, Left = 90, Right = 250, Top = 50, Bottom = 70;
    private static readonly string[] Colours = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf" };
    private static readonly string[] Dashes = { "", "6 4", "2 3", "10 3 2 3", "1 5" };

    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<Series> series)
    {
        var all = series.SelectMany(s => s.Points).ToList();
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">{Esc(title)}</text>\n");
        if (all.Count == 0) return sb.Append("</svg>\n").ToString();

        double xMin = all.Min(p => p.X), xMax = all.Max(p => p.X);
        bool logX = xMin > 0 && xMax / xMin > 8;
        double Tx(double x) => logX ? Math.Log2(x) : x;
        double txMin = Tx(xMin), txMax = Tx(xMax);
        if (txMax == txMin) { txMin -= 1; txMax += 1; }
        double yMax = NiceCeiling(Math.Max(1, all.Max(p => p.Y)));
        int plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double Px(double x) => Left + (Tx(x) - txMin) / (txMax - txMin) * plotW;
        double Py(double y) => Top + plotH - y / yMax * plotH;

        // Axes, grid and ticks.
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Top + plotH}\" x2=\"{Left + plotW}\" y2=\"{Top + plotH}\" stroke=\"black\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Top + plotH}\" stroke=\"black\"/>\n");
        for (int i = 0; i <= 5; i++)
        {
            double y = yMax * i / 5;
            double py = Py(y);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{py:F1}\" x2=\"{Left + plotW}\" y2=\"{py:F1}\" stroke=\"#ddd\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"{py + 4:F1}\" text-anchor=\"end\">{Num(y)}</text>\n");
        }
        foreach (double x in all.Select(p => p.X).Distinct().Order())
        {
            double px = Px(x);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{px:F1}\" y1=\"{Top + plotH}\" x2=\"{px:F1}\" y2=\"{Top + plotH + 5}\" stroke=\"black\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{px:F1}\" y=\"{Top + plotH + 20}\" text-anchor=\"middle\">{Num(x)}</text>\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + plotW / 2}\" y=\"{Height - 20}\" text-anchor=\"middle\">{Esc(xLabel)}{(logX ? " (log scale)" : "")}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(22 {Top + plotH / 2}) rotate(-90)\" text-anchor=\"middle\">{Esc(yLabel)}</text>\n");

        // Series and legend.
        var groups = series.Select(s => s.Group).Distinct().ToList();
        var dashIndex = new Dictionary<string, int>();
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            string colour = Colours[groups.IndexOf(s.Group) % Colours.Length];
            int d = dashIndex.GetValueOrDefault(s.Group);
            dashIndex[s.Group] = d + 1;
            string dash = Dashes[d % Dashes.Length];
            string dashAttr = dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "";
            string pts = string.Join(' ', s.Points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{Px(p.X):F1},{Py(p.Y):F1}")));
            sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dashAttr} points=\"{pts}\"/>\n");
            foreach (var p in s.Points)
                sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Px(p.X):F1}\" cy=\"{Py(p.Y):F1}\" r=\"3\" fill=\"{colour}\"><title>{Esc(s.Label)}: {Num(p.X)} → {Num(p.Y)}</title></circle>\n");
            int ly = Top + 10 + i * 20;
            int lx = Left + plotW + 20;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{lx + 28}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"2\"{dashAttr}/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx + 34}\" y=\"{ly + 4}\">{Esc(s.Label)}</text>\n");
        }
        return sb.Append("</svg>\n").ToString();
    }

    /// <summary>1, 2 or 5 times a power of ten, at least v.</summary>
    public static double NiceCeiling(double v)
    {
        double p = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (double m in new[] { 1.0, 2, 5, 10 }) if (m * p >= v) return m * p;
        return 10 * p;
    }

    private static string Num(double v) => v >= 1e6 && v % 1000 == 0 ? (v / 1e6).ToString("0.###", CultureInfo.InvariantCulture) + "M"
        : v >= 1e4 && v % 100 == 0 ? (v / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
