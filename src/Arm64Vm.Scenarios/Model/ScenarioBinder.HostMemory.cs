using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

public static partial class ScenarioBinder
{
    /// <summary>host-read, swap-page and break-cow (H13: the host's memory management acting on guest pages).</summary>
    private static Step BindHostMemoryStep(string kind, YNode body, int index, SourceLocation loc, BindContext ctx)
    {
        var r = ctx.R;
        var keys = kind switch { "host-read" => ScenarioKeys.HostRead, "swap-page" => ScenarioKeys.SwapPage, _ => ScenarioKeys.BreakCow };
        var m = r.Mapping(body, kind, keys);
        var atNode = r.Required(m, "at", kind);
        ulong at = r.Number(atNode, $"{kind}.at");
        switch (kind)
        {
            case "host-read":
            {
                ulong size = m.Get("size") is { } sz ? r.Size(sz, "host-read.size", 1) : 8;
                if (size > 1UL << 20) throw NodeReader.Error(m.Get("size")!, "host-read.size must be at most 1MiB");
                ctx.CheckRam(atNode, at, size, kind);
                return new HostReadStep(index, loc, at, size);
            }
            case "swap-page":
                ctx.CheckRam(atNode, at, 1, kind);
                return new SwapPageStep(index, loc, at);
            default:
            {
                byte[] data = Array.Empty<byte>();
                if (m.Get("bytes") is { } bytesNode && !Scalars.TryParseHexBytes(r.Text(bytesNode, "break-cow.bytes"), out data))
                    throw NodeReader.Error(bytesNode, "break-cow.bytes must be hex bytes, e.g. \"de ad be ef\"");
                ctx.CheckRam(atNode, at, (ulong)Math.Max(1, data.Length), kind);
                if ((at & 0xFFF) + (ulong)data.Length > 0x1000)
                    throw NodeReader.Error(atNode, "break-cow: the VMM's write must stay inside the page it breaks");
                return new BreakCowStep(index, loc, at, data);
            }
        }
    }
}
