using System.CommandLine;
using System.Text.Json;
using Arm64Vm.Host;
using Arm64Vm.Host.DeviceTree;
using Arm64Vm.Host.Images;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Host.Tracing;

namespace Arm64Vm.Cli;

/// <summary>`arm64vm run IMAGE`: boots an image on the virt machine and runs it to an end the guest or the user chooses.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var image = new Argument<string?>("image") { Description = "Guest image: ELF64 AArch64, Linux arm64 Image (or gzip-compressed vmlinuz), or raw binary", Arity = ArgumentArity.ZeroOrOne };
        var kernel = new Option<string?>("--kernel", "-kernel") { Description = "The guest image (the same as IMAGE), as QEMU's -kernel; also spelled --kernel" };
        var initrd = new Option<string?>("--initrd", "-initrd") { Description = "Initial ramdisk: loaded after the kernel and named in /chosen (linux,initrd-start/-end); also spelled --initrd" };
        var gic = new Option<string>("--gic") { Description = "Interrupt controller: 3 (GICv3, the default) or 2 (GICv2, at most 8 CPUs)", DefaultValueFactory = _ => "3" };
        var clock = new Option<string>("--clock") { Description = "What the guest's clocks follow: 'virtual' (instructions retired, reproducible; the default) or 'host' (the wall clock)", DefaultValueFactory = _ => "virtual" };
        var load = new Option<string?>("--load") { Description = "Load address of a raw image (default 0x40080000)" };
        var entry = new Option<string?>("--entry") { Description = "Entry point (default: ELF entry, or the load address)" };
        var memory = new Option<string>("--memory", "-m") { Description = "RAM size at 0x40000000, e.g. 128M, 1G (with -m, QEMU's syntax: a bare number is MiB, 512 = 512M; size=1G)", DefaultValueFactory = _ => "128M" };
        var cpus = new Option<int>("--cpus", "-smp") { Description = "Number of CPUs (1-8); CPU 0 boots, the others wait for PSCI CPU_ON (-smp N or -smp cpus=N, as QEMU)", DefaultValueFactory = _ => 1, CustomParser = QemuSpellings.ParseCpus };
        var maxInstructions = new Option<string?>("--max-instructions") { Description = "Stop after this many instructions (exit code 3)" };
        var trace = new Option<string?>("--trace") { Description = "Write one line per instruction (PC, encoding, disassembly, changed registers) to FILE" };
        var stats = new Option<bool>("--stats") { Description = "Print instructions retired, host seconds and MIPS to stderr" };
        var statsJson = new Option<string?>("--stats-json") { Description = "Write run statistics as JSON to FILE" };
        var cacheModel = new Option<string>("--cache-model") { Description = "Memory system: 'state' (data-holding caches, the default) or 'off' (flat coherent memory, fastest)", DefaultValueFactory = _ => "state" };
        var features = new Option<string?>("--features") { Description = "Comma-separated machine features: fwb (FEAT_S2FWB), dic, idc (CTR_EL0.DIC/IDC)" };
        var policy = new Option<string>("--policy") { Description = "Host policy: " + string.Join(", ", HostPolicy.Names) + " (default kvm)", DefaultValueFactory = _ => "kvm" };
        var seed = new Option<string?>("--seed") { Description = "Seed of the caches' pseudo-random replacement (default 1)" };
        var hugePages = new Option<bool>("--hugepages") { Description = "Back guest RAM with 2 MiB huge pages (as THP/hugetlbfs): stage-2 faults map 2 MiB blocks (rule H11)" };
        var cacheConfig = new Option<string?>("--cache-config") { Description = "Cache geometry as YAML (the shape of a scenario's machine.caches, see scenarios/README.md)" };
        var append = new Option<string?>("--append", "-append") { Description = "Kernel command line: /chosen/bootargs of the device tree; also spelled --append" };
        var dtb = new Option<string?>("--dtb") { Description = "Use this flattened device tree instead of the generated one (its memory node and /chosen are updated as QEMU does)" };
        var drive = new Option<string[]>("--drive") { Description = "A virtio-blk disk backed by FILE (repeatable): FILE or FILE,readonly" };
        var rng = new Option<bool>("--rng") { Description = "A virtio-rng entropy device (bytes from --seed; the host's generator with --clock host)" };
        var virtioCoherent = new Option<string>("--virtio-dma-coherent") { Description = "The device tree calls the virtio-mmio transports dma-coherent: true (as QEMU, the default) or false", DefaultValueFactory = _ => "true" };
        var virtioAccessPlatform = new Option<string>("--virtio-access-platform") { Description = "The virtio devices offer VIRTIO_F_ACCESS_PLATFORM, so Linux reaches them through its DMA API (QEMU's iommu_platform=on): false (the default, as QEMU) or true", DefaultValueFactory = _ => "false" };
        var virtioDma = new Option<string>("--virtio-dma") { Description = "How the virtio devices reach guest RAM: 'host' (the host's cacheable path, as QEMU on KVM; the default) or 'poc' (memory at PoC, a non-coherent master)", DefaultValueFactory = _ => "host" };
        var dumpDtb = new Option<string?>("--dump-dtb") { Description = "Write the machine's device tree to FILE and exit without running (as QEMU's -machine dumpdtb=FILE)" };
        var gdb = new Option<string?>("--gdb") { Description = "Serve gdb's remote protocol on tcp::PORT or tcp:HOST:PORT (as QEMU's -gdb; 127.0.0.1 unless HOST is given)" };
        var waitGdb = new Option<bool>("--wait-gdb", "-S") { Description = "Stop before the first instruction until gdb continues (as QEMU's -S; needs --gdb or -s)" };
        var gdbDefault = new Option<bool>("-s") { Description = "Shorthand for --gdb tcp::1234 (as QEMU's -s)" };
        var timeline = new Option<string?>("--timeline") { Description = "Write a timeline of the run to FILE.json (Chrome trace-event JSON: open it in Perfetto or chrome://tracing)" };
        var nographic = new Option<bool>("-nographic") { Description = "Accepted so a QEMU command line can be pasted: the guest's console is always this terminal (no effect)" };
        var cmd = new Command("run", "Run a guest image on the virt machine")
        {
            image, load, entry, memory, cpus, maxInstructions, trace, stats, statsJson, cacheModel, features, policy, seed, cacheConfig, hugePages,
            append, dtb, dumpDtb, kernel, initrd, gic, clock, timeline, nographic, gdb, gdbDefault, waitGdb,
            drive, rng, virtioCoherent, virtioDma, virtioAccessPlatform,
        };
        cmd.SetAction(parse => Execute(new RunOptions
        {
            Image = ChooseImage(parse.GetValue(image), parse.GetValue(kernel)),
            Initrd = parse.GetValue(initrd),
            GicVersion = ParseGic(parse.GetValue(gic)!),
            Clock = ParseClock(parse.GetValue(clock)!),
            Load = parse.GetValue(load) is { } l ? ValueParsers.ParseNumber("--load", l) : null,
            Entry = parse.GetValue(entry) is { } e ? ValueParsers.ParseNumber("--entry", e) : null,
            Memory = QemuSpellings.ParseMemory(parse.GetResult(memory)?.IdentifierToken?.Value, parse.GetValue(memory)!),
            Cpus = parse.GetValue(cpus),
            MaxInstructions = parse.GetValue(maxInstructions) is { } m ? ValueParsers.ParseNumber("--max-instructions", m) : ulong.MaxValue,
            Trace = parse.GetValue(trace),
            Stats = parse.GetValue(stats),
            StatsJson = parse.GetValue(statsJson),
            CacheModel = ParseCacheModel(parse.GetValue(cacheModel)!),
            Features = ParseFeatures(parse.GetValue(features)),
            Policy = ParsePolicy(parse.GetValue(policy)!),
            Seed = parse.GetValue(seed) is { } sd ? ValueParsers.ParseNumber("--seed", sd) : 1,
            CacheConfig = parse.GetValue(cacheConfig),
            HugePages = parse.GetValue(hugePages),
            Append = parse.GetValue(append),
            Dtb = parse.GetValue(dtb),
            DumpDtb = parse.GetValue(dumpDtb),
            Drives = VirtioOptions.ParseDrives(parse.GetValue(drive)),
            Rng = parse.GetValue(rng),
            VirtioDmaCoherent = VirtioOptions.ParseBool("--virtio-dma-coherent", parse.GetValue(virtioCoherent)!),
            VirtioDma = VirtioOptions.ParseDmaPath(parse.GetValue(virtioDma)!),
            VirtioAccessPlatform = VirtioOptions.ParseBool("--virtio-access-platform", parse.GetValue(virtioAccessPlatform)!),
            Gdb = GdbOptions.Endpoint(parse.GetValue(gdb), parse.GetValue(gdbDefault)),
            WaitGdb = parse.GetValue(waitGdb),
            Timeline = parse.GetValue(timeline),
        }));
        return cmd;
    }

    private static string ChooseImage(string? image, string? kernel) => (image, kernel) switch
    {
        (null, null) => throw new UsageException("run: no guest image (give IMAGE or --kernel FILE)"),
        (not null, not null) => throw new UsageException("--kernel: the image is given twice (IMAGE and --kernel); give one"),
        _ => (image ?? kernel)!,
    };

    private static int ParseGic(string text) => text.Trim() switch
    {
        "2" => 2,
        "3" => 3,
        _ => throw new UsageException($"--gic: '{text}' is not 2 or 3"),
    };

    private static ClockSource ParseClock(string text) => text.Trim().ToLowerInvariant() switch
    {
        "virtual" => ClockSource.Virtual,
        "host" => ClockSource.Host,
        _ => throw new UsageException($"--clock: '{text}' is not 'virtual' or 'host'"),
    };

    private static CacheModelKind ParseCacheModel(string text)
    {
        try { return CacheModel.Parse(text); }
        catch (ArgumentException e) { throw new UsageException($"--cache-model: {e.Message}"); }
    }

    private static HostPolicy ParsePolicy(string text)
    {
        try { return HostPolicy.Parse(text); }
        catch (ArgumentException e) { throw new UsageException($"--policy: {e.Message}"); }
    }

    private static HashSet<string> ParseFeatures(string? text)
    {
        var set = new HashSet<string>();
        if (string.IsNullOrWhiteSpace(text)) return set;
        foreach (var f in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string name = f.ToLowerInvariant();
            if (name is not ("fwb" or "dic" or "idc")) throw new UsageException($"--features: unknown feature '{f}' (known: fwb, dic, idc)");
            set.Add(name);
        }
        return set;
    }

    public sealed class RunOptions
    {
        public CacheModelKind CacheModel { get; init; } = Host.CacheModelKind.State;
        public HashSet<string> Features { get; init; } = new();
        public HostPolicy Policy { get; init; } = HostPolicy.Kvm;
        public ulong Seed { get; init; } = 1;
        public required string Image { get; init; }
        /// <summary>--initrd: the initial ramdisk file.</summary>
        public string? Initrd { get; init; }
        /// <summary>--gic: 2 or 3.</summary>
        public int GicVersion { get; init; } = 3;
        /// <summary>--clock: virtual (default) or host.</summary>
        public ClockSource Clock { get; init; } = ClockSource.Virtual;
        public ulong? Load { get; init; }
        public ulong? Entry { get; init; }
        public ulong Memory { get; init; }
        public int Cpus { get; init; }
        public ulong MaxInstructions { get; init; }
        public string? Trace { get; init; }
        public bool Stats { get; init; }
        public string? StatsJson { get; init; }
        /// <summary>YAML cache geometry file (read by Arm64Vm.Scenarios' CacheConfigReader).</summary>
        public string? CacheConfig { get; init; }
        /// <summary>--hugepages: the VMM's RAM backing is huge-page-backed (H11).</summary>
        public bool HugePages { get; init; }
        /// <summary>--append: the kernel command line, /chosen/bootargs of the generated device tree.</summary>
        public string? Append { get; init; }
        /// <summary>--dtb: a user's flattened device tree, used instead of the generated one.</summary>
        public string? Dtb { get; init; }
        /// <summary>--dump-dtb: write the device tree to this file and exit 0 without running.</summary>
        public string? DumpDtb { get; init; }
        /// <summary>--drive, --rng, --virtio-dma-coherent, --virtio-dma, --virtio-access-platform: the virtio devices (VIO-1, VIO-9).</summary>
        public IReadOnlyList<DriveSpec> Drives { get; init; } = [];
        public bool Rng { get; init; }
        public bool VirtioDmaCoherent { get; init; } = true;
        public DmaPath VirtioDma { get; init; } = DmaPath.HostCacheable;
        public bool VirtioAccessPlatform { get; init; }
        /// <summary>--gdb: where the gdb stub listens (null: no stub).</summary>
        public Arm64Vm.Host.Gdb.GdbEndpoint? Gdb { get; init; }
        /// <summary>--wait-gdb: stopped before the first instruction until gdb resumes the guest.</summary>
        public bool WaitGdb { get; init; }
        /// <summary>--timeline: Chrome trace-event JSON of the run (Tracing/Timeline.cs).</summary>
        public string? Timeline { get; init; }
    }

    public static int Execute(RunOptions o)
    {
        if (o.Memory < 1UL << 20 || o.Memory > 64UL << 30 || o.Memory % 4096 != 0)
            throw new UsageException($"--memory: {o.Memory} bytes is not between 1M and 64G in whole 4 KiB pages");
        if (o.GicVersion == 2 && o.Cpus > VirtBoard.MaxGicV2Cpus)
            throw new UsageException($"--cpus: {o.Cpus} CPUs need --gic 3 (GICv2 has at most {VirtBoard.MaxGicV2Cpus})");
        if (o.Cpus < 1 || o.Cpus > 8) throw new UsageException($"--cpus: {o.Cpus} is not between 1 and 8");
        var img = ImageLoader.Load(o.Image, o.Load, o.Entry);
        byte[]? userDtb = o.Dtb != null ? ReadDtb(o.Dtb) : null;
        InitrdFile? initrd = o.Initrd != null ? new InitrdFile(o.Initrd, ReadInitrd(o.Initrd)) : null;
        Arm64Vm.Memory.Caches.CacheConfig? caches = null;
        if (o.CacheConfig != null)
        {
            try { caches = Arm64Vm.Scenarios.Model.CacheConfigReader.LoadFile(o.CacheConfig, o.Cpus); }
            catch (Arm64Vm.Scenarios.Yaml.ScenarioException e) { throw new UsageException($"--cache-config: {e.Message}"); }
        }
        var options = new VmmOptions
        {
            MemorySize = o.Memory,
            Cpus = o.Cpus,
            CacheModel = o.CacheModel,
            Fwb = o.Features.Contains("fwb"),
            Dic = o.Features.Contains("dic"),
            Idc = o.Features.Contains("idc"),
            Policy = o.Policy,
            Seed = o.Seed,
            Caches = caches,
            HugePages = o.HugePages,
            Dtb = userDtb,
            Bootargs = o.Append,
            Initrd = initrd,
            GicVersion = o.GicVersion,
            Clock = o.Clock,
            Drives = o.Drives,
            VirtioRng = o.Rng,
            VirtioDmaCoherent = o.VirtioDmaCoherent,
            VirtioDmaPath = o.VirtioDma,
            VirtioAccessPlatform = o.VirtioAccessPlatform,
        };
        if (o.DumpDtb != null)
        {
            WriteFile("--dump-dtb", o.DumpDtb, BootProtocol.Plan(img, options).Dtb);
            return 0;
        }
        using var vmm = VirtioOptions.CreateVmm(options, img);
        using var timeline = o.Timeline != null ? OpenTimeline(o.Timeline, vmm, Path.GetFileName(o.Image)) : null;
        vmm.Boot();

        InstructionTracer? tracer = null;
        StreamWriter? traceWriter = null;
        if (o.Trace != null)
        {
            try { traceWriter = new StreamWriter(o.Trace); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            { throw new UsageException($"--trace: cannot write {o.Trace}: {ex.Message}"); }
            tracer = new InstructionTracer(traceWriter, vmm.PeekInstruction);
            vmm.BeforeInstruction = tracer.Before;
            vmm.AfterInstruction = tracer.After;
        }

        using var terminal = TerminalInput.Start(vmm);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; vmm.Interrupt(); };
        Console.CancelKeyPress += onCancel;
        using var gdbServer = GdbOptions.Start(o, vmm);
        RunOutcome outcome;
        try { outcome = gdbServer != null ? gdbServer.Serve(o.WaitGdb) : vmm.Run(o.MaxInstructions); }
        finally
        {
            terminal.Dispose();
            Console.CancelKeyPress -= onCancel;
            tracer?.Dispose();
            traceWriter?.Dispose();
            Console.Out.Flush();
        }

        if (terminal.QuitRequested)
        {
            Console.Error.WriteLine("\narm64vm: quit (Ctrl-A X)");
            outcome = outcome with { ExitCode = 0 };
        }
        else if (outcome.Reason is not (StopReason.SystemOff or StopReason.SemihostingExit))
            Console.Error.WriteLine($"arm64vm: {outcome.Message}");
        if (o.Stats)
            Console.Error.WriteLine($"instructions: {outcome.Instructions:N0}  seconds: {outcome.Elapsed.TotalSeconds:F3} "
                + $"(of which .NET JIT {outcome.JitTime.TotalSeconds:F3})  MIPS: {outcome.Mips:F1}");
        if (o.StatsJson != null) WriteStatsJson(o.StatsJson, outcome, vmm);
        return outcome.ExitCode;
    }

    /// <summary>Reads a user's device tree and validates it: a blob that does not parse is one line naming the file,
    /// the byte offset and the problem.</summary>
    private static byte[] ReadDtb(string path)
    {
        byte[] blob;
        try { blob = File.ReadAllBytes(path); }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException) { throw new UsageException($"--dtb: {path}: file not found"); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new UsageException($"--dtb: {path}: {ex.Message}"); }
        try { FdtReader.Read(blob); }
        catch (FdtFormatException e) { throw new UsageException($"--dtb: {path}: not a valid device tree: {e.Message}"); }
        return blob;
    }

    /// <summary>An initrd's bytes; a missing or unreadable file is one line naming it.</summary>
    private static byte[] ReadInitrd(string path)
    {
        try { return ImageLoader.ReadFile(path); }
        catch (ImageFormatException e) { throw new UsageException($"--initrd: {e.Message}"); }
    }

    private static Timeline OpenTimeline(string path, Vmm vmm, string label)
    {
        try { return Timeline.ToFile(vmm, path, label); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        { throw new UsageException($"--timeline: cannot write {path}: {ex.Message}"); }
    }

    private static void WriteFile(string option, string path, byte[] bytes)
    {
        try { File.WriteAllBytes(path, bytes); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        { throw new UsageException($"{option}: cannot write {path}: {ex.Message}"); }
    }

    private static void WriteStatsJson(string path, RunOutcome outcome, Vmm vmm)
    {
        var machine = vmm.Machine;
        var stats = new Dictionary<string, object>
        {
            ["instructions"] = outcome.Instructions,
            ["seconds"] = Math.Round(outcome.Elapsed.TotalSeconds, 6),
            ["jitSeconds"] = Math.Round(outcome.JitTime.TotalSeconds, 6),
            ["mips"] = Math.Round(outcome.Mips, 3),
            ["stopReason"] = outcome.Reason.ToString(),
            ["exitCode"] = outcome.ExitCode,
            ["resets"] = outcome.Resets,
            ["tlbFills"] = machine.Cpus.Sum(c => (long)c.TlbFills),
            ["tlbWay1Hits"] = machine.Cpus.Sum(c => (long)c.TlbWay1Hits),
            ["tlbContextSwitches"] = machine.Cpus.Sum(c => (long)c.Tlb.ContextSwitches),
            ["exceptions"] = machine.Cpus.Sum(c => (long)c.ExceptionsTaken),
            ["codePages"] = machine.CpuSystem.CodeCache.PageCount,
            ["uartBytes"] = vmm.Uart.BytesTransmitted,
            ["policy"] = vmm.Options.Policy.Name,
            ["features"] = vmm.Vm.Features.ToString(),
            ["host"] = vmm.Vm.Counters.ToDictionary(),
            ["cacheModel"] = machine.MemorySystem.Statistics != null ? "state" : "off",
        };
        if (machine.MemorySystem.Statistics is { } cacheStatistics)
            stats["caches"] = cacheStatistics.ToDictionary();
        WriteFile("--stats-json", path, System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(stats, new JsonSerializerOptions { WriteIndented = true }) + "\n"));
    }
}
