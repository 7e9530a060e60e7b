using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Arm64Vm.Host.Tracing;

/// <summary>
/// Writes Chrome trace-event JSON ("JSON Object Format": <c>{"traceEvents": [...]}</c>) as events come, one per line:
/// every event has name, ph, ts (microseconds), pid and tid; B/E pairs nest per track; "X" slices carry dur, "i"
/// instants a scope, "C" counters their series in args, "M" metadata the track names. Numbers are formatted invariantly,
/// so the same run writes the same bytes.
/// </summary>
public sealed class TimelineWriter
{
    private const int Pid = 1;
    private readonly TextWriter _out;
    private long _seq;
    private bool _first = true;

    public TimelineWriter(TextWriter output, string label, string clock)
    {
        _out = output;
        _out.Write("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"label\":");
        _out.Write(String(label));
        _out.Write(",\"clock\":");
        _out.Write(String(clock));
        _out.Write("},\n\"traceEvents\":[\n");
        _out.Write($"{{\"name\":\"process_name\",\"ph\":\"M\",\"ts\":0,\"pid\":{Pid},\"tid\":0,\"args\":{{\"name\":{String(label)}}}}}");
        _first = false;
    }

    /// <summary>A JSON string literal.</summary>
    public static string String(string s) => JsonSerializer.Serialize(s, Options);

    /// <summary>Readable names ("clean+invalidate", not "clean\u002Binvalidate"); the file is never embedded in HTML.</summary>
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Number(long v) => v.ToString(CultureInfo.InvariantCulture);

    public static string Number(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    public static string Hex(ulong v) => String($"0x{v:X}");

    private static string Time(double us) => us.ToString("0.###", CultureInfo.InvariantCulture);

    public void ThreadName(int tid, string name, int sortIndex)
    {
        Event("thread_name", "M", 0, tid, null, new[] { ("name", String(name)) });
        Event("thread_sort_index", "M", 0, tid, null, new[] { ("sort_index", Number(sortIndex)) });
    }

    public void Begin(int tid, string name, double ts) => Event(name, "B", ts, tid, null, null);

    public void End(int tid, string name, double ts) => Event(name, "E", ts, tid, null, null);

    public void Complete(int tid, string name, double ts, double dur, (string, string)[] args) =>
        Event(name, "X", ts, tid, $",\"dur\":{Time(dur)}", args);

    public void Instant(int tid, string name, double ts, (string, string)[] args) => Event(name, "i", ts, tid, ",\"s\":\"t\"", args);

    public void Counter(int tid, string name, double ts, (string, string)[] series) => Event(name, "C", ts, tid, null, series);

    private void Event(string name, string ph, double ts, int tid, string? extra, (string Key, string Json)[]? args)
    {
        if (!_first) _out.Write(",\n");
        _first = false;
        _out.Write($"{{\"name\":{String(name)},\"ph\":\"{ph}\",\"ts\":{Time(ts)},\"pid\":{Pid},\"tid\":{tid}{extra}");
        _out.Write($",\"args\":{{\"seq\":{Number(_seq++)}");
        if (args != null)
            foreach (var (key, json) in args) _out.Write($",{String(key)}:{json}");
        _out.Write("}}");
    }

    public void Close()
    {
        _out.Write("\n]}\n");
        _out.Flush();
    }
}
