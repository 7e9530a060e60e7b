using Arm64Vm.Host.Images;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

public static partial class ScenarioBinder
{
    private static IReadOnlyList<Step> BindSteps(YNode node, BindContext ctx)
    {
        var items = ctx.R.List(node, "steps");
        if (items.Count == 0) throw NodeReader.Error(node, "steps needs at least one step");
        var steps = new List<Step>();
        for (int i = 0; i < items.Count; i++) steps.Add(BindStep(items[i], i + 1, ctx));
        return steps;
    }

    private static Step BindStep(YNode item, int index, BindContext ctx)
    {
        var r = ctx.R;
        var map = r.Mapping(item, $"step {index}", ScenarioKeys.StepKinds);
        if (map.Entries.Count != 1)
            throw NodeReader.Error(item, $"step {index} must have exactly one of {string.Join(", ", ScenarioKeys.StepKinds)}");
        var (key, body) = (map.Entries[0].Key, map.Entries[0].Value);
        var loc = key.Location;
        string kind = key.Value;
        switch (kind)
        {
            case "run":
            {
                var m = r.Mapping(body, "run", ScenarioKeys.Run);
                // until: one end, or a list of ends any of which the run may take (a story whose guest may hang).
                var ends = m.Get("until") is { } u
                    ? r.ListOrOne(u, "run.until").Select(e => ParseUntil(r.Word(e, "run.until", ScenarioKeys.Until))).Distinct().ToArray()
                    : new[] { RunUntil.SystemOff };
                ulong max = m.Get("max-instructions") is { } mx ? r.Number(mx, "run.max-instructions", 1) : RunStep.DefaultMaxInstructions;
                return new RunStep(index, loc, ends[0], max) { OrUntil = ends[1..] };
            }
            case "expect":
            {
                string? id = body.Kind == YNodeKind.Mapping && body.Get("id") is { } idNode ? r.Text(idNode, "expect.id") : null;
                bool applies = body.Kind != YNodeKind.Mapping || body.Get("when") is not { } when ||
                               Conditions.Hold(ctx.Root, r.Mapping(when, "expect.when", when.Keys.ToArray()).Entries.Select(e => new Setting(e.Key.Value, e.Value)));
                return new ExpectStep(index, loc, id, BindChecks(body, ctx)) { Applies = applies };
            }
            case "host-write":
            {
                var m = r.Mapping(body, "host-write", ScenarioKeys.HostWrite);
                ulong? at = m.Get("at") is { } a ? r.Number(a, "host-write.at") : null;
                if (m.Get("image") is { } img)
                {
                    if (m.Get("bytes") != null) throw NodeReader.Error(m, "host-write takes 'image' or 'bytes', not both");
                    var image = ctx.LoadImage(img, "host-write.image", at);
                    return new HostWriteStep(index, loc, Runs(image), r.Text(img, "host-write.image"));
                }
                var bytesNode = m.Get("bytes") ?? throw NodeReader.Error(m, "host-write needs 'image' or 'bytes'");
                if (!Scalars.TryParseHexBytes(r.Text(bytesNode, "host-write.bytes"), out var bytes))
                    throw NodeReader.Error(bytesNode, "host-write.bytes must be hex bytes, e.g. \"de ad be ef\"");
                var atNode = r.Required(m, "at", "host-write with bytes");
                ctx.CheckRam(atNode, at!.Value, (ulong)bytes.Length, "host-write");
                return new HostWriteStep(index, loc, new[] { new ByteRun(at.Value, bytes) }, $"{bytes.Length} bytes");
            }
            case "host-fill":
            {
                var m = r.Mapping(body, "host-fill", ScenarioKeys.HostFill);
                var atNode = r.Required(m, "at", "host-fill");
                ulong at = r.Number(atNode, "host-fill.at");
                ulong size = r.Size(r.Required(m, "size", "host-fill"), "host-fill.size", 1);
                byte value = m.Get("value") is { } v ? (byte)r.Number(v, "host-fill.value", 0, 255) : (byte)0;
                ctx.CheckRam(atNode, at, size, "host-fill");
                return new HostFillStep(index, loc, at, size, value);
            }
            case "vcpu-init":
            {
                var m = r.Mapping(body, "vcpu-init", ScenarioKeys.VcpuInit);
                int? vcpu = m.Get("vcpu") is { } v ? ctx.Vcpu(v, "vcpu-init.vcpu") : null;
                bool? powerOff = m.Get("power-off") is { } po ? r.Bool(po, "vcpu-init.power-off") : null;
                ulong? pc = null;
                if (m.Get("pc") is { } pcNode)
                {
                    pc = r.Number(pcNode, "vcpu-init.pc");
                    ctx.CheckRam(pcNode, pc.Value, 4, "vcpu-init.pc");
                }
                return new VcpuInitStep(index, loc, vcpu, powerOff, pc);
            }
            case "reset":
                r.Mapping(body, "reset", ScenarioKeys.Reset);
                return new ResetStep(index, loc);
            case "set-registers":
            {
                var m = r.Mapping(body, "set-registers", ScenarioKeys.SetRegisters);
                int vcpu = m.Get("vcpu") is { } v ? ctx.Vcpu(v, "set-registers.vcpu") : 0;
                var (x, pc) = Registers(m, r, "set-registers");
                if (x.Count == 0 && pc == null) throw NodeReader.Error(body, "set-registers needs at least one of x0-x30 or pc");
                return new SetRegistersStep(index, loc, vcpu, x, pc);
            }
            case "dirty-log":
            {
                var m = r.Mapping(body, "dirty-log", ScenarioKeys.DirtyLog);
                bool enable = m.Get("enable") is not { } en || r.Bool(en, "dirty-log.enable");
                bool manual = m.Get("manual-protect") is { } mp && r.Bool(mp, "dirty-log.manual-protect");
                bool initiallySet = false;
                if (m.Get("initially-set") is { } init && (initiallySet = r.Bool(init, "dirty-log.initially-set")) && !manual)
                    throw NodeReader.Error(init, "dirty-log.initially-set needs manual-protect: true (KVM_DIRTY_LOG_INITIALLY_SET is a flag of manual protect)");
                return new DirtyLogStep(index, loc, enable, manual, initiallySet);
            }
            case "migrate":
            {
                var m = r.Mapping(body, "migrate", ScenarioKeys.Migrate);
                int rounds = m.Get("rounds") is { } rn ? r.Int(rn, "migrate.rounds", 0, 10_000) : 1;
                ulong run = m.Get("run-instructions") is { } ri ? r.Number(ri, "migrate.run-instructions") : 100_000;
                ulong window = m.Get("window-instructions") is { } wi ? r.Number(wi, "migrate.window-instructions") : 0;
                bool final = m.Get("final") is not { } f || r.Bool(f, "migrate.final");
                return new MigrateStep(index, loc, rounds, run, window, final);
            }
            case "host-read" or "swap-page" or "break-cow":
                return BindHostMemoryStep(kind, body, index, loc, ctx);
            default:
                throw NodeReader.Error(key, $"unknown step '{kind}'");
        }
    }

    private static RunUntil ParseUntil(string word) => word switch
    {
        "system-reset" => RunUntil.SystemReset,
        "system-off" => RunUntil.SystemOff,
        "exit" => RunUntil.Exit,
        "instructions" => RunUntil.Instructions,
        _ => RunUntil.Idle,
    };

    private static IReadOnlyList<ByteRun> Runs(LoadedImage image) =>
        image.Segments.Select(s =>
        {
            ulong size = Math.Max((ulong)s.Data.Length, s.MemorySize);
            var data = new byte[size];
            s.Data.CopyTo(data, 0);
            return new ByteRun(s.Address, data);
        }).ToArray();

    /// <summary>x0..x30 and pc of a set-registers step or a registers check.</summary>
    private static (Dictionary<int, ulong> X, ulong? Pc) Registers(YNode map, NodeReader r, string what)
    {
        var x = new Dictionary<int, ulong>();
        ulong? pc = null;
        foreach (var e in map.Entries)
        {
            if (e.Key.Value == "vcpu") continue;
            if (e.Key.Value == "pc") { pc = r.Number(e.Value, $"{what}.pc"); continue; }
            x[int.Parse(e.Key.Value.AsSpan(1))] = r.Number(e.Value, $"{what}.{e.Key.Value}");
        }
        return (x, pc);
    }
}
