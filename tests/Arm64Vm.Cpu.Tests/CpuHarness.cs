using Arm64Vm.Memory;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// A bare machine for instruction tests: RAM at 0x4000_0000 (QEMU virt), one PE at EL1 with its MMU off, vectors
/// at <see cref="VectorBase"/> that each hold a BRK so a taken exception stops the run visibly.
/// Programs are lists of instruction words placed at <see cref="CodeBase"/>.
/// </summary>
public sealed class CpuHarness : IDisposable
{
    public const ulong RamBase = 0x4000_0000;
    public const ulong RamSize = 16 * 1024 * 1024;
    public const ulong CodeBase = 0x4008_0000;
    public const ulong DataBase = 0x4010_0000;
    public const ulong VectorBase = 0x4000_0000;
    /// <summary>HLT #0xF000 would be semihosting; tests end programs with this BRK #0x7FF instead (EC 0x3C).</summary>
    public const uint Stop = 0xD4200000 | (0x7FF << 5);

    public CpuHarness(CpuFeatures? features = null)
    {
        Map = new PhysicalMemoryMap();
        Ram = Map.AddRam(RamBase, RamSize);
        MemorySystem = new FlatMemorySystem(Map);
        System = new CpuSystem(MemorySystem, features);
        Cpu = System.AddCpu();
        // Every vector entry: BRK #0x7FE so that an unexpected exception stops at a recognisable place.
        for (ulong off = 0; off < 0x800; off += 4) Ram.WriteRaw(VectorBase + off, 4, 0xD4200000 | (0x7FE << 5));
        Cpu.SysRegs.VbarEl1 = VectorBase;
        Cpu.Pc = CodeBase;
    }

    public PhysicalMemoryMap Map { get; }
    public Ram Ram { get; }
    public IMemorySystem MemorySystem { get; }
    public CpuSystem System { get; }
    public CpuCore Cpu { get; }

    public void Load(ulong address, params uint[] words)
    {
        for (int i = 0; i < words.Length; i++) Ram.WriteRaw(address + (ulong)(4 * i), 4, words[i]);
        Ram.NoteWrite(address, words.Length * 4);
    }

    /// <summary>
    /// Places the program at CodeBase followed by the stop BRK, runs it, and returns when the BRK is reached
    /// (or an exception vector's BRK is hit, or the budget runs out).
    /// </summary>
    public CpuCore Run(params uint[] program) => RunFor(100_000, program);

    public CpuCore RunFor(ulong maxInstructions, params uint[] program)
    {
        Load(CodeBase, program);
        Load(CodeBase + (ulong)(4 * program.Length), Stop);
        Cpu.Pc = CodeBase;
        RunUntilStop(maxInstructions);
        return Cpu;
    }

    /// <summary>Runs until a BRK exception (program end or an exception vector) or the budget ends.</summary>
    public CpuExit RunUntilStop(ulong maxInstructions = 100_000)
    {
        ulong startExceptions = Cpu.ExceptionsTaken;
        while (true)
        {
            var exit = Cpu.Run(1);
            if (exit.Reason != ExitReason.InstructionLimit) return exit;
            if (--maxInstructions == 0) return exit;
            // A BRK to EL1 lands on a vector; a BRK at the program end is the stop marker.
            if ((Cpu.SysRegs.EsrEl1 >> 26) == ExceptionClass.Brk64 && Cpu.ExceptionsTaken != startExceptions)
            {
                uint imm = (uint)(Cpu.SysRegs.EsrEl1 & 0xFFFF);
                if (imm == 0x7FF || imm == 0x7FE) return exit;
            }
        }
    }

    /// <summary>True when the last stop was the program's final BRK (no other exception happened).</summary>
    public bool StoppedCleanly => (Cpu.SysRegs.EsrEl1 >> 26) == ExceptionClass.Brk64 && (Cpu.SysRegs.EsrEl1 & 0xFFFF) == 0x7FF;

    public void Dispose() => Ram.Dispose();
}
