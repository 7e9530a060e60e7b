using System.Globalization;
using System.Text;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Host.Gdb;

/// <summary>
/// gdb's "monitor" commands (qRcmd): the model's state behind an address — every cache's copy of its line and PoC
/// (cache), the stage-2 mapping (s2), the host's recent actions (events) and counters (stats). Addresses are the
/// selected vCPU's VAs, or host PAs with -p.
/// </summary>
public sealed class GdbMonitor
{
    private readonly Vmm _vmm;
    private readonly GuestMemoryView _memory;

    public GdbMonitor(Vmm vmm, GuestMemoryView memory)
    {
        _vmm = vmm;
        _memory = memory;
    }

    public const string Help =
        "monitor cache [-p] ADDR  the line holding ADDR in every cache of every PE and at PoC: valid, dirty, value, and\n" +
        "                         where the selected vCPU's load would come from (-p: ADDR is a host PA)\n" +
        "monitor s2 ADDR          the stage-2 mapping of ADDR (a VA of the selected vCPU, or an IPA with -i)\n" +
        "monitor events [N]       the host's last N events (default 20)\n" +
        "monitor stats            instructions, host counters and cache statistics\n" +
        "monitor help             this text\n";

    /// <summary>Runs one command line; the answer is text for the user (one line naming the problem on bad input).</summary>
    public string Execute(string line, Vcpu vcpu)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0) return Help;
        try
        {
            return words[0] switch
            {
                "help" => Help,
                "cache" => Cache(words[1..], vcpu),
                "s2" => Stage2(words[1..], vcpu),
                "events" => Events(words[1..]),
                "stats" => Stats(),
                _ => $"unknown monitor command '{words[0]}' (try 'monitor help')\n",
            };
        }
        catch (ArgumentException e)
        {
            return e.Message + "\n";
        }
    }

    private static ulong ParseAddress(string text)
    {
        string t = text.Replace("_", "");
        bool hex = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (hex) t = t[2..];
        if (ulong.TryParse(t, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out ulong v)) return v;
        throw new ArgumentException($"'{text}' is not an address (decimal, or hex with 0x)");
    }

    /// <summary>Splits "[-FLAG] ADDR" into the flag and the address.</summary>
    private static (bool Flag, ulong Address) FlagAndAddress(string[] args, string flag, string usage)
    {
        bool f = args.Length > 0 && args[0] == flag;
        var rest = f ? args[1..] : args;
        if (rest.Length != 1) throw new ArgumentException($"usage: {usage}");
        return (f, ParseAddress(rest[0]));
    }

    private string Cache(string[] args, Vcpu vcpu)
    {
        var (physical, address) = FlagAndAddress(args, "-p", "monitor cache [-p] ADDR");
        var sb = new StringBuilder();
        ulong pa = address;
        var attributes = Arm64Vm.Memory.MemoryAttributes.NormalWriteBackInnerShareable;
        if (!physical)
        {
            if (_memory.Resolve(vcpu, address, out string error) is not { } r) return error + "\n";
            pa = r.Pa;
            attributes = r.Attributes;
            sb.Append($"VA 0x{address:X} -> IPA 0x{r.Ipa:X} -> PA 0x{pa:X} ({r.How}); vCPU {vcpu.Id} loads it as {attributes}\n");
        }
        ulong word = pa & ~7UL;
        ulong lineBase = pa & ~(ulong)(CacheConfig.LineSize - 1);
        if (_vmm.Machine.MemorySystem.Inspection is not { } caches)
        {
            var flat = new byte[8];
            if (!_memory.ReadPhysical(vcpu.Cpu.Index, word, flat, attributes)) return $"PA 0x{word:X} is not RAM\n";
            return sb + $"no caches (--cache-model off): memory is coherent; 0x{word:X} holds 0x{GdbHex.FromLittleEndian(flat):X16}\n";
        }
        if (_vmm.Machine.Map.FindRam(pa) is not { } ram) return sb + $"PA 0x{pa:X} is not RAM\n";
        sb.Append($"line 0x{lineBase:X} ({CacheConfig.LineSize} bytes); value = the 8 bytes at 0x{word:X}\n");
        foreach (var c in caches.AllCaches)
        {
            int i = c.Find(pa >> CacheConfig.LineShift);
            string state = i < 0 ? "invalid" : c.Lines[i].State == LineState.Dirty ? "valid dirty" : "valid clean";
            string value = i < 0 ? "" : $"0x{GdbHex.FromLittleEndian(c.LineData(i).Slice((int)(word - lineBase), 8)):X16}";
            sb.Append($"  {c.Name,-10} {state,-12} {value}".TrimEnd()).Append('\n');
        }
        sb.Append($"  {"PoC",-10} {"memory",-12} 0x{ram.ReadRaw(word, 8):X16}\n");
        if (!physical)
        {
            var source = caches.DebugSourceOf(vcpu.Cpu.Index, pa, attributes);
            var bytes = new byte[8];
            caches.DebugRead(vcpu.Cpu.Index, word, bytes, attributes);
            sb.Append($"vCPU {vcpu.Id}'s load reads 0x{GdbHex.FromLittleEndian(bytes):X16} from {source?.Name ?? "memory (PoC)"}\n");
        }
        return sb.ToString();
    }

    private string Stage2(string[] args, Vcpu vcpu)
    {
        var (isIpa, address) = FlagAndAddress(args, "-i", "monitor s2 [-i] ADDR");
        var sb = new StringBuilder();
        ulong ipa = address;
        if (!isIpa)
        {
            if (_memory.Resolve(vcpu, address, out string error) is not { } r) return error + "\n";
            ipa = r.Ipa;
            sb.Append($"VA 0x{address:X} -> IPA 0x{ipa:X} (stage 1 of vCPU {vcpu.Id})\n");
        }
        var vm = _vmm.Vm;
        var slot = vm.FindSlot(ipa);
        sb.Append(slot == null ? $"IPA 0x{ipa:X}: no memslot\n"
            : $"IPA 0x{ipa:X}: memslot {slot.Slot} (IPA 0x{slot.Ipa:X}+0x{slot.Size:X}, flags {slot.Flags}), backing PA 0x{slot.ToHostPa(ipa):X}{(slot.IsSwappedOut(ipa) ? ", swapped out" : "")}\n");
        if ((ipa >> vm.Stage2.IpaBits) != 0) return sb + $"beyond the {vm.Stage2.IpaBits}-bit IPA space\n";
        if (vm.Stage2.Lookup(ipa) is not { } leaf) return sb + "stage 2: not mapped (the next access faults to the host)\n";
        string kind = leaf.IsBlock ? $"{leaf.Size >> 20} MiB block" : "4 KiB page";
        string attr = leaf.MemAttr switch
        {
            Stage2PageTable.MemAttrNormalWriteBack => "Normal WB",
            Stage2PageTable.MemAttrFwbWriteBack => "forced WB (FWB)",
            Stage2PageTable.MemAttrDeviceNGnRE => "Device-nGnRE",
            _ => $"MemAttr 0x{leaf.MemAttr:X}",
        };
        sb.Append($"stage 2: mapped, {kind} IPA 0x{leaf.Ipa:X} -> PA 0x{leaf.Pa:X}, {leaf.Permissions}, {attr}, AF={(leaf.AccessFlag ? 1 : 0)}\n");
        return sb.ToString();
    }

    private string Events(string[] args)
    {
        int n = 20;
        if (args.Length > 1 || (args.Length == 1 && (!int.TryParse(args[0], out n) || n < 0)))
            throw new ArgumentException("usage: monitor events [N]");
        var log = _vmm.Vm.Events;
        var sb = new StringBuilder($"{log.Total} host events, the last {Math.Min(n, log.Events.Count)}:\n");
        foreach (var e in log.Events.Skip(Math.Max(0, log.Events.Count - n))) sb.Append("  ").Append(e).Append('\n');
        return sb.ToString();
    }

    private string Stats()
    {
        var sb = new StringBuilder();
        foreach (var v in _vmm.Vcpus)
            sb.Append($"vCPU {v.Id}: {v.Cpu.Retired:N0} instructions, PC 0x{v.Pc:X}, EL{v.Cpu.El}{(v.PoweredOff ? ", powered off" : "")}\n");
        sb.Append("host:");
        foreach (var (name, value) in _vmm.Vm.Counters.ToDictionary())
            if (value != 0) sb.Append($" {name}={value}");
        sb.Append('\n');
        if (_vmm.Machine.MemorySystem.Inspection is { } caches)
            foreach (var c in caches.AllCaches)
                sb.Append($"  {c.Name,-10} hits {c.Stats.Hits} misses {c.Stats.Misses} evictions {c.Stats.Evictions} write-backs {c.Stats.WriteBacks}\n");
        return sb.ToString();
    }
}
