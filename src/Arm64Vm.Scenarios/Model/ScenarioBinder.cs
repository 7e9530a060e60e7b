using Arm64Vm.Host;
using Arm64Vm.Host.Images;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

/// <summary>Turns the tree of one combination into a <see cref="ScenarioConfig"/>, with every error located.</summary>
public static partial class ScenarioBinder
{
    private static readonly string[] CacheModels = { "state", "off" };

    public static ScenarioConfig Bind(YNode root, string directory)
    {
        var parameters = new Dictionary<string, YNode>();
        if (root.Get("params") is { Kind: YNodeKind.Mapping } p)
            foreach (var e in p.Entries) parameters[e.Key.Value] = e.Value;
        var r = new NodeReader(parameters);
        r.Mapping(root, "the scenario", ScenarioKeys.Root);
        var machine = root.Get("machine") is { } m ? BindMachine(m, r) : new MachineSpec();
        var policy = HostPolicy.Kvm;
        if (root.Get("host") is { } h)
        {
            var hm = r.Mapping(h, "host", ScenarioKeys.Host);
            if (hm.Get("policy") is { } pn) policy = HostPolicy.Parse(r.Word(pn, "host.policy", HostPolicy.Names.ToArray()));
        }
        var ctx = new BindContext(r, directory, machine, root);
        var guest = BindGuest(r.Required(root, "guest", "the scenario"), ctx);
        var steps = BindSteps(r.Required(root, "steps", "the scenario"), ctx);
        return new ScenarioConfig(machine, policy, guest.Image, steps) { Boot = guest.Boot, SkipReason = guest.SkipReason };
    }

    private static MachineSpec BindMachine(YNode node, NodeReader r)
    {
        var map = r.Mapping(node, "machine", ScenarioKeys.Machine);
        var spec = new MachineSpec();
        if (map.Get("cpus") is { } c) spec = spec with { Cpus = r.Int(c, "machine.cpus", 1, 8) };
        if (map.Get("memory") is { } mem)
        {
            ulong size = r.Size(mem, "machine.memory", 1UL << 20, 64UL << 30);
            if (size % 4096 != 0) throw NodeReader.Error(mem, "machine.memory must be whole 4 KiB pages");
            spec = spec with { Memory = size };
        }
        if (map.Get("cache-model") is { } cm) spec = spec with { CacheModel = CacheModel.Parse(r.Word(cm, "machine.cache-model", CacheModels)) };
        if (map.Get("seed") is { } sd) spec = spec with { Seed = r.Number(sd, "machine.seed") };
        if (map.Get("hugepages") is { } hp) spec = spec with { HugePages = r.Bool(hp, "machine.hugepages") };
        if (map.Get("features") is { } f)
        {
            var fm = r.Mapping(f, "machine.features", ScenarioKeys.Features);
            if (fm.Get("fwb") is { } fwb) spec = spec with { Fwb = r.Bool(fwb, "machine.features.fwb") };
            if (fm.Get("dic") is { } dic) spec = spec with { Dic = r.Bool(dic, "machine.features.dic") };
            if (fm.Get("idc") is { } idc) spec = spec with { Idc = r.Bool(idc, "machine.features.idc") };
        }
        if (map.Get("virtio") is { } vio)
        {
            var vm = r.Mapping(vio, "machine.virtio", ScenarioKeys.Virtio);
            if (vm.Get("dma-coherent") is { } dc) spec = spec with { VirtioDmaCoherent = r.Bool(dc, "machine.virtio.dma-coherent") };
            if (vm.Get("dma-path") is { } dp)
                spec = spec with { VirtioDmaPath = r.Word(dp, "machine.virtio.dma-path", ScenarioKeys.DmaPaths) == "poc" ? DmaPath.Poc : DmaPath.HostCacheable };
            if (vm.Get("access-platform") is { } ap) spec = spec with { VirtioAccessPlatform = r.Bool(ap, "machine.virtio.access-platform") };
        }
        if (map.Get("drives") is { } drives) spec = spec with { Drives = BindDrives(drives, r) };
        if (map.Get("caches") is { } caches && !caches.IsNull) spec = spec with { Caches = CacheConfigReader.Read(caches, r, spec.Cpus) };
        return spec;
    }

    /// <summary>What binding the steps needs: the reader, the file's directory, the machine (RAM bounds, CPU count) and the combination's tree.</summary>
    private sealed record BindContext(NodeReader R, string Directory, MachineSpec Machine, YNode Root)
    {
        public ulong RamEnd => VirtBoard.RamBase + Machine.Memory;

        public string ResolvePath(string path) => Path.GetFullPath(Path.Combine(Directory, path));

        /// <summary>An address range must lie in guest RAM (memslot 0).</summary>
        public void CheckRam(YNode where, ulong at, ulong size, string what)
        {
            if (at < VirtBoard.RamBase || at >= RamEnd || size > RamEnd - at)
                throw NodeReader.Error(where, $"{what}: 0x{at:X}+0x{size:X} lies outside guest RAM 0x{VirtBoard.RamBase:X}-0x{RamEnd - 1:X}");
        }

        public LoadedImage LoadImage(YNode where, string what, ulong? load, ulong? entry = null)
        {
            string file = R.NonEmptyText(where, what);
            LoadedImage image;
            try { image = ImageLoader.Load(ResolvePath(file), load, entry); }
            catch (ImageFormatException e) { throw NodeReader.Error(where, $"{what} '{file}': {Reason(e)}"); }
            foreach (var seg in image.Segments)
                CheckRam(where, seg.Address, Math.Max((ulong)seg.Data.Length, seg.MemorySize), $"{what} '{file}'");
            return image;
        }

        private static string Reason(ImageFormatException e)
        {
            string prefix = e.FileName + ": ";
            return e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
        }

        public int Vcpu(YNode node, string what) => R.Int(node, what, 0, Machine.Cpus - 1);
    }

    private static GuestSpec BindGuest(YNode node, BindContext ctx)
    {
        var r = ctx.R;
        var map = r.Mapping(node, "guest", ScenarioKeys.Guest);
        if (map.Get("kernel") != null) return BindKernelGuest(r, map, ctx);
        foreach (var key in new[] { "kernel-dir", "initrd", "append" })
            if (map.Get(key) is { } bad) throw NodeReader.Error(bad, $"guest.{key} needs guest.kernel");
        ulong? load = map.Get("load") is { } l ? r.Number(l, "guest.load") : null;
        ulong? entry = map.Get("entry") is { } e ? r.Number(e, "guest.entry") : null;
        var image = ctx.LoadImage(r.Required(map, "image", "guest"), "guest.image", load, entry);
        if (map.Get("entry") is { } en) ctx.CheckRam(en, image.Entry, 4, "guest.entry");
        return new GuestSpec(image, null, null);
    }
}
