using Arm64Vm.Host.Kvm;

namespace Arm64Vm.Host.Tracing;

/// <summary>How a host event shows on the timeline's host track: a readable name and its fields as args.</summary>
public static class TimelineHostEvents
{
    public static (string Name, (string, string)[] Args) Describe(HostEvent e)
    {
        var args = new List<(string, string)> { ("vcpu", TimelineWriter.Number(e.Vcpu)) };
        string name;
        switch (e.Kind)
        {
            case HostEventKind.Stage2Fault:
            {
                // Detail: "translation write", "permission exec", "access-flag read", "outside-memslot write ..."
                int space = e.Detail.IndexOf(' ');
                string kind = space < 0 ? e.Detail : e.Detail[..space];
                name = kind == "outside-memslot" ? "MMIO exit" : $"stage-2 fault ({kind})";
                args.Add(("kind", TimelineWriter.String(kind)));
                args.Add(("access", TimelineWriter.String(space < 0 ? "" : e.Detail[(space + 1)..])));
                args.Add(("ipa", TimelineWriter.Hex(e.Address)));
                return (name, args.ToArray());
            }
            case HostEventKind.CleanInvalidate:
                name = $"clean+invalidate ({e.Detail})";
                args.Add(("lines", TimelineWriter.Number(e.Lines)));
                break;
            case HostEventKind.IcacheInvalidate:
                name = e.Size == 0 ? "I-cache invalidate all" : "I-cache invalidate";
                args.Add(("lines", TimelineWriter.Number(e.Lines)));
                break;
            case HostEventKind.VcpuInit:
                name = e.Detail == "re-init" ? "vCPU re-init" : "vCPU init";
                break;
            case HostEventKind.Psci:
                name = $"PSCI {e.Detail}";
                break;
            case HostEventKind.DirtyLog:
                name = "dirty-log round";
                break;
            default:
                name = Kebab(e.Kind);
                break;
        }
        args.Add(("ipa", TimelineWriter.Hex(e.Address)));
        args.Add(("size", TimelineWriter.Hex(e.Size)));
        if (e.Detail.Length > 0) args.Add(("detail", TimelineWriter.String(e.Detail)));
        return (name, args.ToArray());
    }

    /// <summary>Host actions after which the dirty-line counts are sampled again.</summary>
    public static bool ChangesDirtyLines(HostEventKind kind) =>
        kind is HostEventKind.CleanInvalidate or HostEventKind.VmFlush or HostEventKind.Unmap or HostEventKind.MmuNotifier;

    private static string Kebab(HostEventKind kind) => kind switch
    {
        HostEventKind.Exit => "exit",
        HostEventKind.Map => "map",
        HostEventKind.Unmap => "unmap",
        HostEventKind.Relax => "relax permissions",
        HostEventKind.AccessFlag => "access flag",
        HostEventKind.WriteProtect => "write-protect",
        HostEventKind.Tlbi => "TLBI",
        HostEventKind.Tvm => "TVM",
        HostEventKind.VmFlush => "VM flush",
        HostEventKind.Emulate => "emulate",
        HostEventKind.InjectAbort => "inject abort",
        HostEventKind.Split => "block split",
        HostEventKind.MmuNotifier => "MMU notifier",
        HostEventKind.FrameMove => "frame move",
        _ => kind.ToString(),
    };
}
