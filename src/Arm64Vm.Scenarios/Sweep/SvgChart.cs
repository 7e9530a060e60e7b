using System.Globalization;
using System.Net;
using System.Text;

namespace Arm64Vm.Scenarios.Sweep;

/// <summary>
/// A self-contained SVG of small multiples: one panel per cost, every panel sharing the x axis (log2 when the x values
/// span more than a factor of 8). A panel's y axis is logarithmic when its positive values span two decades or more
/// (zeros then sit on a "0" line below the lowest decade), linear from 0 otherwise. Every series has its own colour
/// family (its group), dash and marker shape, markers drawn largest first and hollow, so series that coincide stay
/// visible as nested markers; a panel names the series it draws on top of each other ("identical: …").
/// </summary>
public static class SvgChart
{
    /// <summary>Group decides the colour family: series of one policy share a hue and differ in dash and marker.</summary>
    public sealed record Series(string Label, string Group, IReadOnlyList<(double X, double Y)> Points);

    /// <summary>One cost: its title, and one series per strategy. <see cref="Id"/> names the panel's &lt;g&gt;.</summary>
    public sealed record Panel(string Id, string Title, IReadOnlyList<Series> Series);

    private const int Columns = 3, PanelW = 340, PanelH = 250, PlotLeft = 64, PlotRight = 16, PlotTop = 52, PlotBottom = 46, Top = 56;
    private static readonly string[] Colours = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf" };
    private static readonly string[] Dashes = { "", "6 4", "2 3", "10 3 2 3", "1 5" };
    private static readonly string[] Markers = { "circle", "square", "triangle", "diamond", "cross" };

    public static string Render(string title, string xLabel, IReadOnlyList<Panel> panels)
    {
        int cells = panels.Count + 1;                       // the legend takes the last cell
        int rows = (cells + Columns - 1) / Columns;
        int width = Columns * PanelW, height = Top + rows * PanelH + 30;
        var sb = new StringBuilder();
        sb.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n"));
        sb.Append(Inv($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"));
        sb.Append(Inv($"<text x=\"{width / 2}\" y=\"26\" text-anchor=\"middle\" font-size=\"16\">{Esc(title)}</text>\n"));
        var all = panels.SelectMany(p => p.Series).SelectMany(s => s.Points).ToList();
        var xs = all.Select(p => p.X).Distinct().Order().ToList();
        var style = Styles(panels.SelectMany(p => p.Series).Select(s => (s.Label, s.Group)).Distinct().ToList());
        for (int i = 0; i < panels.Count; i++)
            RenderPanel(sb, panels[i], xs, style, (i % Columns) * PanelW, Top + (i / Columns) * PanelH);
        int last = panels.Count;
        RenderLegend(sb, style, (last % Columns) * PanelW, Top + (last / Columns) * PanelH);
        sb.Append(Inv($"<text x=\"{width / 2}\" y=\"{height - 10}\" text-anchor=\"middle\" font-size=\"12\">x axis of every panel: {Esc(xLabel)}{(LogX(xs) ? " (log scale)" : "")}</text>\n"));
        return sb.Append("</svg>\n").ToString();
    }

    private sealed record Style(string Colour, string Dash, string Marker, double Size);

    /// <summary>Colour by group, dash and marker by position within the group; earlier series get larger markers.</summary>
    private static Dictionary<string, Style> Styles(IReadOnlyList<(string Label, string Group)> series)
    {
        var groups = series.Select(s => s.Group).Distinct().ToList();
        var inGroup = new Dictionary<string, int>();
        var styles = new Dictionary<string, Style>();
        for (int i = 0; i < series.Count; i++)
        {
            var (label, group) = series[i];
            int d = inGroup.GetValueOrDefault(group);
            inGroup[group] = d + 1;
            styles[label] = new Style(Colours[groups.IndexOf(group) % Colours.Length], Dashes[d % Dashes.Length], Markers[i % Markers.Length],
                Math.Max(2.5, 7 - 1.2 * i));
        }
        return styles;
    }

    private static bool LogX(IReadOnlyList<double> xs) => xs.Count > 0 && xs[0] > 0 && xs[^1] / xs[0] > 8;

    private static void RenderPanel(StringBuilder sb, Panel panel, IReadOnlyList<double> xs, Dictionary<string, Style> style, int ox, int oy)
    {
        sb.Append(Inv($"<g id=\"panel-{Esc(panel.Id)}\">\n"));
        int plotW = PanelW - PlotLeft - PlotRight, plotH = PanelH - PlotTop - PlotBottom;
        int left = ox + PlotLeft, top = oy + PlotTop, bottom = top + plotH;
        var scale = YScale.For(panel.Series.SelectMany(s => s.Points).Select(p => p.Y).ToList());
        sb.Append(Inv($"<text x=\"{ox + PanelW / 2}\" y=\"{oy + 14}\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{Esc(panel.Title)}{(scale.Log ? " (log scale)" : "")}</text>\n"));
        var identical = Wrap(IdenticalClasses(panel.Series), 64);
        for (int k = 0; k < identical.Count; k++)
            sb.Append(Inv($"<text x=\"{ox + PanelW / 2}\" y=\"{oy + 27 + 10 * k}\" text-anchor=\"middle\" font-size=\"9\" fill=\"#444\">{(k == 0 ? "identical: " : "")}{Esc(identical[k])}</text>\n"));

        bool logX = LogX(xs);
        double Tx(double x) => logX ? Math.Log2(x) : x;
        double txMin = xs.Count > 0 ? Tx(xs[0]) : 0, txMax = xs.Count > 0 ? Tx(xs[^1]) : 1;
        if (txMax == txMin) { txMin -= 1; txMax += 1; }
        double Px(double x) => left + (Tx(x) - txMin) / (txMax - txMin) * plotW;
        double Py(double y) => bottom - scale.Fraction(y) * plotH;

        sb.Append(Inv($"<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{left + plotW}\" y2=\"{bottom}\" stroke=\"black\"/>\n"));
        sb.Append(Inv($"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{bottom}\" stroke=\"black\"/>\n"));
        foreach (double y in scale.Ticks)
        {
            double py = Py(y);
            sb.Append(Inv($"<line x1=\"{left}\" y1=\"{py:F1}\" x2=\"{left + plotW}\" y2=\"{py:F1}\" stroke=\"#e4e4e4\"/>\n"));
            sb.Append(Inv($"<text x=\"{left - 6}\" y=\"{py + 4:F1}\" text-anchor=\"end\">{Num(y)}</text>\n"));
        }
        foreach (double x in xs)
        {
            double px = Px(x);
            sb.Append(Inv($"<line x1=\"{px:F1}\" y1=\"{bottom}\" x2=\"{px:F1}\" y2=\"{bottom + 4}\" stroke=\"black\"/>\n"));
            sb.Append(Inv($"<text x=\"{px:F1}\" y=\"{bottom + 16}\" text-anchor=\"middle\">{Num(x)}</text>\n"));
        }
        foreach (var s in panel.Series)
        {
            var st = style[s.Label];
            string dashAttr = st.Dash.Length > 0 ? $" stroke-dasharray=\"{st.Dash}\"" : "";
            string pts = string.Join(' ', s.Points.Select(p => Inv($"{Px(p.X):F1},{Py(p.Y):F1}")));
            sb.Append(Inv($"<polyline fill=\"none\" stroke=\"{st.Colour}\" stroke-width=\"1.6\"{dashAttr} points=\"{pts}\"/>\n"));
        }
        // Markers after every line, largest first: coinciding points show as nested shapes.
        foreach (var s in panel.Series.OrderByDescending(s => style[s.Label].Size))
            foreach (var p in s.Points)
                sb.Append(Marker(style[s.Label], Px(p.X), Py(p.Y), $"{s.Label}: {Num(p.X)} → {Num(p.Y)}"));
        sb.Append("</g>\n");
    }

    private static void RenderLegend(StringBuilder sb, Dictionary<string, Style> style, int ox, int oy)
    {
        sb.Append(Inv($"<text x=\"{ox + 24}\" y=\"{oy + 20}\" font-size=\"13\" font-weight=\"bold\">strategy, memory</text>\n"));
        int i = 0;
        foreach (var (label, st) in style)
        {
            int y = oy + 44 + i++ * 22;
            string dashAttr = st.Dash.Length > 0 ? $" stroke-dasharray=\"{st.Dash}\"" : "";
            sb.Append(Inv($"<line x1=\"{ox + 24}\" y1=\"{y}\" x2=\"{ox + 64}\" y2=\"{y}\" stroke=\"{st.Colour}\" stroke-width=\"1.6\"{dashAttr}/>\n"));
            sb.Append(Marker(st, ox + 44, y, label));
            sb.Append(Inv($"<text x=\"{ox + 74}\" y=\"{y + 4}\" font-size=\"12\">{Esc(label)}</text>\n"));
        }
    }

    private static string Marker(Style st, double x, double y, string tip)
    {
        double r = st.Size;
        string paint = $"fill=\"white\" fill-opacity=\"0.6\" stroke=\"{st.Colour}\" stroke-width=\"1.5\"";
        string title = $"<title>{Esc(tip)}</title>";
        return st.Marker switch
        {
            "square" => Inv($"<rect x=\"{x - r:F1}\" y=\"{y - r:F1}\" width=\"{2 * r:F1}\" height=\"{2 * r:F1}\" {paint}>{title}</rect>\n"),
            "triangle" => Inv($"<polygon points=\"{x:F1},{y - r:F1} {x + r:F1},{y + r * 0.8:F1} {x - r:F1},{y + r * 0.8:F1}\" {paint}>{title}</polygon>\n"),
            "diamond" => Inv($"<polygon points=\"{x:F1},{y - r:F1} {x + r:F1},{y:F1} {x:F1},{y + r:F1} {x - r:F1},{y:F1}\" {paint}>{title}</polygon>\n"),
            "cross" => Inv($"<path d=\"M{x - r:F1},{y - r:F1}L{x + r:F1},{y + r:F1}M{x - r:F1},{y + r:F1}L{x + r:F1},{y - r:F1}\" {paint}>{title}</path>\n"),
            _ => Inv($"<circle cx=\"{x:F1}\" cy=\"{y:F1}\" r=\"{r:F1}\" {paint}>{title}</circle>\n"),
        };
    }

    /// <summary>"A = B" for each set of series whose points are all equal (drawn on top of each other).</summary>
    public static IReadOnlyList<string> IdenticalClasses(IReadOnlyList<Series> series) =>
        series.GroupBy(s => string.Join(";", s.Points.Select(p => Inv($"{p.X:R}:{p.Y:R}"))))
            .Where(g => g.Count() > 1).Select(g => string.Join(" = ", g.Select(s => s.Label))).ToList();

    /// <summary>Each class on its own lines of at most <paramref name="max"/> characters, broken at " = ".</summary>
    private static List<string> Wrap(IReadOnlyList<string> classes, int max)
    {
        var lines = new List<string>();
        foreach (var c in classes)
        {
            string line = "";
            foreach (var part in c.Split(" = "))
            {
                string next = line.Length == 0 ? part : line + " = " + part;
                if (next.Length > max && line.Length > 0)
                {
                    lines.Add(line + " =");
                    line = part;
                }
                else line = next;
            }
            lines.Add(line);
        }
        return lines;
    }

    /// <summary>A panel's y axis: linear from 0, or log10 over whole decades when the positive values span two or more.</summary>
    private sealed record YScale(bool Log, double Min, double Max, IReadOnlyList<double> Ticks)
    {
        public static YScale For(IReadOnlyList<double> ys)
        {
            var positive = ys.Where(y => y > 0).ToList();
            if (positive.Count > 0 && positive.Max() / positive.Min() >= 100)
            {
                double lo = Math.Floor(Math.Log10(positive.Min())), hi = Math.Ceiling(Math.Log10(positive.Max()));
                if (hi == lo) hi++;
                bool zeros = ys.Any(y => y <= 0);
                var ticks = new List<double>();
                if (zeros) ticks.Add(0);
                for (double d = lo; d <= hi; d++) ticks.Add(Math.Pow(10, d));
                // Zeros sit half a decade below the lowest decade.
                return new YScale(true, zeros ? lo - 0.5 : lo, hi, ticks);
            }
            double max = NiceCeiling(Math.Max(1, ys.Count > 0 ? ys.Max() : 1));
            return new YScale(false, 0, max, Enumerable.Range(0, 6).Select(i => max * i / 5).ToList());
        }

        public double Fraction(double y)
        {
            if (!Log) return y / Max;
            double ly = y > 0 ? Math.Log10(y) : Min;
            return (ly - Min) / (Max - Min);
        }
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
        : v.ToString(v != 0 && Math.Abs(v) < 0.01 ? "0.####" : "0.##", CultureInfo.InvariantCulture);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
