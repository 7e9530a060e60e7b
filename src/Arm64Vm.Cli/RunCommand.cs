using System.CommandLine;
using System.Text.Json;
using Arm64Vm.Host;
using Arm64Vm.Host.Images;
using Arm64Vm.Host.Tracing;

namespace Arm64Vm.Cli;

/// <summary>`arm64vm run IMAGE`: boots an image on the virt machine and runs it to an end the guest or the user chooses.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "Guest image: ELF64 AArch64, Linux arm64 Image, or raw binary" };
        var load = new Option<string?>("--load") { Description = "Load address of a raw image (default 0x40080000)" };
        var entry = new Option<string?>("--entry") { Description = "Entry point (default: ELF entry, or the load address)" };
        var memory = new Option<string>("--memory") { Description = "RAM size at 0x40000000, e.g. 128M, 1G", DefaultValueFactory = _ => "128M" };
        var cpus = new Option<int>("--cpus") { Description = "Number of CPUs (1-8); CPU 0 boots, the others wait for PSCI CPU_ON", DefaultValueFactory = _ => 1 };
        var maxInstructions = new Option<string?>("--max-instructions") { Description = "Stop after this many instructions (exit code 3)" };
        var trace = new Option<string?>("--trace") { Description = "Write one line per instruction (PC, encoding, disassembly, changed registers) to FILE" };
        var stats = new Option<bool>("--stats") { Description = "Print instructions retired, host seconds and MIPS to stderr" };
        var statsJson = new Option<string?>("--stats-json") { Description = "Write run statistics as JSON to FILE" };
        var cmd = new Command("run", "Run a guest image on the virt machine")
        {
            image, load, entry, memory, cpus, maxInstructions, trace, stats, statsJson,
        };
        cmd.SetAction(parse => Execute(new RunOptions
        {
            Image = parse.GetValue(image)!,
            Load = parse.GetValue(load) is { } l ? ValueParsers.ParseNumber("--load", l) : null,
            Entry = parse.GetValue(entry) is { } e ? ValueParsers.ParseNumber("--entry", e) : null,
            Memory = ValueParsers.ParseSize("--memory", parse.GetValue(memory)!),
            Cpus = parse.GetValue(cpus),
            MaxInstructions = parse.GetValue(maxInstructions) is { } m ? ValueParsers.ParseNumber("--max-instructions", m) : ulong.MaxValue,
            Trace = parse.GetValue(trace),
            Stats = parse.GetValue(stats),
            StatsJson = parse.GetValue(statsJson),
        }));
        return cmd;
    }

    public sealed class RunOptions
    {
        public required string Image { get; init; }
        public ulong? Load { get; init; }
        public ulong? Entry { get; init; }
        public ulong Memory { get; init; }
        public int Cpus { get; init; }
        public ulong MaxInstructions { get; init; }
        public string? Trace { get; init; }
        public bool Stats { get; init; }
        public string? StatsJson { get; init; }
    }

    public static int Execute(RunOptions o)
    {
        if (o.Memory < 1UL << 20 || o.Memory > 64UL << 30 || o.Memory % 4096 != 0)
            throw new UsageException($"--memory: {o.Memory} bytes is not between 1M and 64G in whole 4 KiB pages");
        if (o.Cpus < 1 || o.Cpus > 8) throw new UsageException($"--cpus: {o.Cpus} is not between 1 and 8");
        var img = ImageLoader.Load(o.Image, o.Load, o.Entry);
        using var machine = new Machine(new MachineConfig { MemorySize = o.Memory, CpuCount = o.Cpus });
        var vmm = new Vmm(machine, new[] { img });
        vmm.Boot();

        InstructionTracer? tracer = null;
        StreamWriter? traceWriter = null;
        if (o.Trace != null)
        {
            try { traceWriter = new StreamWriter(o.Trace); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            { throw new UsageException($"--trace: cannot write {o.Trace}: {ex.Message}"); }
            tracer = new InstructionTracer(traceWriter);
            vmm.BeforeInstruction = tracer.Before;
            vmm.AfterInstruction = tracer.After;
        }

        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; vmm.Interrupt(); };
        Console.CancelKeyPress += onCancel;
        RunOutcome outcome;
        try { outcome = vmm.Run(o.MaxInstructions); }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            tracer?.Dispose();
            traceWriter?.Dispose();
            Console.Out.Flush();
        }

        if (outcome.Reason is not (StopReason.SystemOff or StopReason.SemihostingExit))
            Console.Error.WriteLine($"arm64vm: {outcome.Message}");
        if (o.Stats)
            Console.Error.WriteLine($"instructions: {outcome.Instructions:N0}  seconds: {outcome.Elapsed.TotalSeconds:F3}  MIPS: {outcome.Mips:F1}");
        if (o.StatsJson != null) WriteStatsJson(o.StatsJson, outcome, machine);
        return outcome.ExitCode;
    }

    private static void WriteStatsJson(string path, RunOutcome outcome, Machine machine)
    {
        var cpu0 = machine.Cpus[0];
        var stats = new Dictionary<string, object>
        {
            ["instructions"] = outcome.Instructions,
            ["seconds"] = Math.Round(outcome.Elapsed.TotalSeconds, 6),
            ["mips"] = Math.Round(outcome.Mips, 3),
            ["stopReason"] = outcome.Reason.ToString(),
            ["exitCode"] = outcome.ExitCode,
            ["resets"] = outcome.Resets,
            ["tlbFills"] = machine.Cpus.Sum(c => (long)c.TlbFills),
            ["exceptions"] = machine.Cpus.Sum(c => (long)c.ExceptionsTaken),
            ["codePages"] = machine.CpuSystem.CodeCache.PageCount,
            ["uartBytes"] = machine.Uart.BytesTransmitted,
        };
        try
        {
            File.WriteAllText(path, JsonSerializer.Serialize(stats, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--stats-json: cannot write {path}: {ex.Message}");
        }
    }
}
