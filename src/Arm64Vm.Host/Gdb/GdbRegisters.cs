using Arm64Vm.Cpu;

namespace Arm64Vm.Host.Gdb;

/// <summary>One register of the target description: its gdb number, size, feature and how it maps onto a PE.</summary>
public sealed record GdbRegister(int Number, string Name, int Bits, string Feature, string Type, string Group)
{
    public int Bytes => Bits / 8;
    /// <summary>Part of the 'g' packet (the core and FP registers, in number order); system registers go by 'p'.</summary>
    public bool InG => Feature != GdbRegisters.SystemFeature;
}

/// <summary>
/// gdb's AArch64 register numbering (org.gnu.gdb.aarch64.core: x0-x30 = 0-30, sp 31, pc 32, cpsr 33;
/// org.gnu.gdb.aarch64.fpu: v0-v31 = 34-65, fpsr 66, fpcr 67), then read-only system registers that the model holds
/// exactly (org.arm64vm.sysregs, 68 on). Values are little-endian images.
/// </summary>
public static class GdbRegisters
{
    public const string CoreFeature = "org.gnu.gdb.aarch64.core";
    public const string FpuFeature = "org.gnu.gdb.aarch64.fpu";
    public const string SystemFeature = "org.arm64vm.sysregs";
    public const int Sp = 31, Pc = 32, Cpsr = 33, V0 = 34, Fpsr = 66, Fpcr = 67, FirstSystem = 68;

    /// <summary>System registers read from the PE's register file by name (those the table defines).</summary>
    private static readonly string[] TableSystemRegisters =
    {
        "SCTLR_EL1", "TCR_EL1", "TTBR0_EL1", "TTBR1_EL1", "MAIR_EL1", "VBAR_EL1", "ESR_EL1", "FAR_EL1", "ELR_EL1",
        "SPSR_EL1", "PAR_EL1", "CPACR_EL1", "CONTEXTIDR_EL1", "TPIDR_EL0", "TPIDR_EL1", "CNTKCTL_EL1",
    };

    /// <summary>System state held outside the register file: the stack pointers, CurrentEL and the host's EL2 controls.</summary>
    private static readonly (string Name, Func<CpuCore, ulong> Read)[] FieldSystemRegisters =
    {
        ("sp_el0", c => c.SpEl0),
        ("sp_el1", c => c.SpEl1),
        ("currentel", c => (ulong)c.El << 2),
        ("hcr_el2", c => c.HcrEl2),
        ("vtcr_el2", c => c.VtcrEl2),
        ("vttbr_el2", c => c.VttbrEl2),
    };

    private static readonly Dictionary<int, Func<CpuCore, ulong>> SystemReaders = new();

    public static IReadOnlyList<GdbRegister> All { get; } = Build();

    private static List<GdbRegister> Build()
    {
        var list = new List<GdbRegister>();
        for (int i = 0; i <= 30; i++) list.Add(new(i, $"x{i}", 64, CoreFeature, "int", "general"));
        list.Add(new(Sp, "sp", 64, CoreFeature, "data_ptr", "general"));
        list.Add(new(Pc, "pc", 64, CoreFeature, "code_ptr", "general"));
        list.Add(new(Cpsr, "cpsr", 32, CoreFeature, "cpsr_flags", "general"));
        for (int i = 0; i < 32; i++) list.Add(new(V0 + i, $"v{i}", 128, FpuFeature, "aarch64v", "vector"));
        list.Add(new(Fpsr, "fpsr", 32, FpuFeature, "int", "float"));
        list.Add(new(Fpcr, "fpcr", 32, FpuFeature, "int", "float"));
        int n = FirstSystem;
        foreach (var name in TableSystemRegisters)
        {
            if (!SystemRegisterTable.TryGetByName(name, out var def)) continue;
            SystemReaders[n] = c => c.SysRegs.GetRaw(def);
            list.Add(new(n++, name.ToLowerInvariant(), 64, SystemFeature, "uint64", "system"));
        }
        foreach (var (name, read) in FieldSystemRegisters)
        {
            SystemReaders[n] = read;
            list.Add(new(n++, name, 64, SystemFeature, "uint64", "system"));
        }
        return list;
    }

    public static GdbRegister? Find(int number) => number >= 0 && number < All.Count ? All[number] : null;

    /// <summary>The register's value as gdb's little-endian hex image.</summary>
    public static string Read(CpuCore cpu, GdbRegister r)
    {
        int n = r.Number;
        if (n <= 30) return GdbHex.LittleEndian(cpu.X(n), 8);
        if (n == Sp) return GdbHex.LittleEndian(cpu.Sp, 8);
        if (n == Pc) return GdbHex.LittleEndian(cpu.Pc, 8);
        if (n == Cpsr) return GdbHex.LittleEndian(CpsrValue(cpu), 4);
        if (n < Fpsr) return GdbHex.LittleEndian(cpu.GetD(n - V0), 8) + GdbHex.LittleEndian(cpu.GetDHigh(n - V0), 8);
        if (n == Fpsr) return GdbHex.LittleEndian(cpu.Fpsr, 4);
        if (n == Fpcr) return GdbHex.LittleEndian(cpu.Fpcr, 4);
        return GdbHex.LittleEndian(SystemReaders[n](cpu), 8);
    }

    /// <summary>PSTATE as gdb's cpsr shows it: the SPSR image of PSTATE with PSTATE.SS in bit 21 (DBG-7, as SPSR_EL1.SS).</summary>
    public static ulong CpsrValue(CpuCore cpu) => cpu.PstateToSpsr() | (cpu.PstateSs ? SsBit : 0);

    private const ulong SsBit = 1UL << 21;

    /// <summary>
    /// Writes a register from its little-endian image (exactly <see cref="GdbRegister.Bytes"/> bytes). cpsr takes NZCV,
    /// DAIF, SS and SPSel (the exception level is not a debugger's to change); system registers are read-only. False when
    /// the register cannot be written.
    /// </summary>
    public static bool Write(CpuCore cpu, GdbRegister r, ReadOnlySpan<byte> image)
    {
        if (image.Length != r.Bytes) return false;
        int n = r.Number;
        ulong lo = GdbHex.FromLittleEndian(image[..Math.Min(8, image.Length)]);
        if (n <= 30) cpu.SetX(n, lo);
        else if (n == Sp) cpu.Sp = lo;
        else if (n == Pc) { cpu.Pc = lo; cpu.NextPc = lo; cpu.InvalidateFetch(); }
        else if (n == Cpsr)
        {
            cpu.Nzcv = (uint)lo & 0xF000_0000u;
            cpu.SetDaif((uint)lo & 0x3C0u);
            cpu.SpSel = (int)(lo & 1);
            cpu.PstateSs = (lo & SsBit) != 0;
        }
        else if (n < Fpsr) cpu.SetQ(n - V0, lo, GdbHex.FromLittleEndian(image[8..]));
        else if (n == Fpsr) cpu.Fpsr = (uint)lo;
        else if (n == Fpcr) cpu.Fpcr = (uint)lo;
        else return false;
        return true;
    }
}
