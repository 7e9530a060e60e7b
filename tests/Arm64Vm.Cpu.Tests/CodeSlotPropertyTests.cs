using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Arm64Vm.Cpu.Decoding;
using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;
using FsCheck;
using FsCheck.Fluent;
using Gee.External.Capstone.Arm64;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// An instruction whose own access resets its pre-decoded copy completes exactly as it would with no code cache at
/// all (Arm ARM (DDI 0487K.a) section B2.2.5: the instruction in flight executes as fetched). A store (pairs, pre-
/// and post-index write-back, SIMD, DC ZVA) placed in a code line writes into its own line, over itself, or into a
/// line whose allocation evicts its own line from an inclusive L2 (and so from the L1I), with flat memory or the
/// cache model (DIC 0/1, IDC 0/1, small and 1-way L2s, PoU at L2, the system cache or memory), MMU-off data as
/// Device or, with HCR_EL2.DC, as Normal write-back. The same machine run with
/// <see cref="CpuCore.DecodeEveryInstruction"/> (every instruction fetched and decoded anew) must end in the same
/// architectural state: X0-X30, SP, PC, NZCV, V0-V31, exception registers, instruction count and memory.
/// </summary>
public class CodeSlotPropertyTests
{
    private const ulong RamBase = 0x4000_0000;
    private const ulong CodePage = 0x4008_0000;
    private const ulong Stop = 0xD4200000 | (0x7FF << 5);

    /// <summary>A store kind: its encoding from (Rt, Rt2, Rn, scaled immediate), bytes stored, immediate scale and form.</summary>
    public sealed record Kind(string Name, string Mnemonic, int Bytes, int Scale, Form Form, Func<int, int, int, int, uint> Encode)
    {
        public override string ToString() => Name;
    }

    public enum Form { PostIndex, PreIndex, Offset }

    private static uint Pair(uint opc, int rt, int rt2, int rn, int imm7) =>
        opc | ((uint)(imm7 & 0x7F) << 15) | ((uint)rt2 << 10) | ((uint)rn << 5) | (uint)rt;

    private static uint Single(uint opc, int rt, int rn, int imm9) => opc | ((uint)(imm9 & 0x1FF) << 12) | ((uint)rn << 5) | (uint)rt;

    /// <summary>Encodings from the A64 load/store classes (Arm ARM C4.1.94); each is checked against Capstone below.</summary>
    public static readonly Kind[] Kinds =
    {
        new("STP X post", "stp", 16, 8, Form.PostIndex, (t, t2, n, i) => Pair(0xA8800000, t, t2, n, i)),
        new("STP X pre", "stp", 16, 8, Form.PreIndex, (t, t2, n, i) => Pair(0xA9800000, t, t2, n, i)),
        new("STP X offset", "stp", 16, 8, Form.Offset, (t, t2, n, i) => Pair(0xA9000000, t, t2, n, i)),
        new("STP W post", "stp", 8, 4, Form.PostIndex, (t, t2, n, i) => Pair(0x28800000, t, t2, n, i)),
        new("STP W pre", "stp", 8, 4, Form.PreIndex, (t, t2, n, i) => Pair(0x29800000, t, t2, n, i)),
        new("STP Q post", "stp", 32, 16, Form.PostIndex, (t, t2, n, i) => Pair(0xAC800000, t, t2, n, i)),
        new("STP Q pre", "stp", 32, 16, Form.PreIndex, (t, t2, n, i) => Pair(0xAD800000, t, t2, n, i)),
        new("STR X post", "str", 8, 1, Form.PostIndex, (t, _, n, i) => Single(0xF8000400, t, n, i)),
        new("STR X pre", "str", 8, 1, Form.PreIndex, (t, _, n, i) => Single(0xF8000C00, t, n, i)),
        new("STR W post", "str", 4, 1, Form.PostIndex, (t, _, n, i) => Single(0xB8000400, t, n, i)),
        new("STRH post", "strh", 2, 1, Form.PostIndex, (t, _, n, i) => Single(0x78000400, t, n, i)),
        new("STRB pre", "strb", 1, 1, Form.PreIndex, (t, _, n, i) => Single(0x38000C00, t, n, i)),
        new("STR Q post", "str", 16, 1, Form.PostIndex, (t, _, n, i) => Single(0x3C800400, t, n, i)),
        new("STR Q pre", "str", 16, 1, Form.PreIndex, (t, _, n, i) => Single(0x3C800C00, t, n, i)),
        new("ST1 16B post", "st1", 16, 16, Form.PostIndex, (t, _, n, _) => 0x4C9F7000u | ((uint)n << 5) | (uint)t),
        new("DC ZVA", "dc", 64, 64, Form.Offset, (t, _, _, _) => 0xD50B7420u | (uint)t),
    };

    /// <summary>Where the store goes relative to its own line.</summary>
    public enum Target { OwnLine, OverItself, EvictsOwnLine }

    /// <summary>Flat memory (null) or a cache-model configuration.</summary>
    private static readonly CacheConfig?[] Configs =
    {
        null,
        CacheConfig.CortexA57(1),
        CacheConfig.CortexA57(1) with { Dic = true },
        CacheConfig.CortexA57(1) with { Idc = true, Dic = true },
        CacheConfig.CortexA57(1) with { L2 = new CacheGeometry(4096, 1) },
        CacheConfig.CortexA57(1) with { L2 = new CacheGeometry(4096, 1), Dic = true },
        CacheConfig.CortexA57(1) with { L2 = new CacheGeometry(8192, 2) },
        CacheConfig.CortexA57(1) with { L2 = new CacheGeometry(4096, 1), L2Inclusion = InclusionPolicy.NonInclusive },
        CacheConfig.CortexA57(1) with { L1I = new CacheGeometry(4096, 1), L1D = new CacheGeometry(4096, 1), L2 = new CacheGeometry(4096, 1) },
        CacheConfig.CortexA57(1) with { Idc = true, PointOfUnification = CachePoint.Memory, L2 = new CacheGeometry(4096, 1) },
        CacheConfig.CortexA57(1) with { Idc = true, SystemCache = new CacheGeometry(16384, 4), PointOfUnification = CachePoint.SystemCache, L2 = new CacheGeometry(4096, 1) },
    };

    public sealed record Case(Kind Kind, Target Target, int ConfigIndex, bool NormalData, int Line, int Word, int Offset, int Imm,
        int Rt, int Rt2, int Rn, int Ways, ulong[] Values)
    {
        public override string ToString() =>
            $"{Kind} {Target} config#{ConfigIndex} ({Describe(Configs[ConfigIndex])}) data {(NormalData ? "Normal WB (HCR_EL2.DC)" : "Device (MMU off)")} " +
            $"at line {Line} word {Word}, target offset {Offset}, imm {Imm}, Rt {Rt} Rt2 {Rt2} Rn {Rn}, ways tried {Ways}";
    }

    private static string Describe(CacheConfig? c) => c == null ? "flat" :
        $"L2 {c.L2.SizeBytes}B/{c.L2.Ways}w {c.L2Inclusion}, IDC={(c.Idc ? 1 : 0)} DIC={(c.Dic ? 1 : 0)}, PoU {c.PointOfUnification}";

    private static readonly Gen<ulong> Word64 =
        from hi in Gen.Choose(int.MinValue, int.MaxValue)
        from lo in Gen.Choose(int.MinValue, int.MaxValue)
        select ((ulong)(uint)hi << 32) | (uint)lo;

    private static Gen<Case> Cases() =>
        from kind in Gen.Elements(Kinds)
        from target in Gen.Elements(Target.OwnLine, Target.OverItself, Target.EvictsOwnLine)
        from config in Gen.Choose(0, Configs.Length - 1)
        from normal in Gen.Elements(false, true)
        from line in Gen.Choose(1, 62)
        from word in Gen.Choose(0, 15)
        from slot in Gen.Choose(0, 63)
        from imm in Gen.Choose(-4, 4)
        from regs in Gen.Shuffle(Enumerable.Range(0, 29).ToArray())
        from ways in Gen.Choose(1, 4)
        from values in Gen.ArrayOf(Word64, 66)
        select new Case(kind, target, config, normal, line, word,
            slot % (64 / kind.Bytes) * kind.Bytes,          // the target's offset in its line, aligned to the access
            kind.Mnemonic == "dc" ? 0 : imm == 0 ? 1 : imm,
            regs[0], regs[1], regs[2], ways, values);

    /// <summary>Every kind's encoding disassembles (Capstone) to its mnemonic, with the write-back its form implies.</summary>
    [Fact]
    public void KindEncodingsAreWhatTheirNamesSay()
    {
        using var cs = Gee.External.Capstone.CapstoneDisassembler.CreateArm64Disassembler(Arm64DisassembleMode.LittleEndian);
        foreach (var k in Kinds)
        {
            uint w = k.Encode(3, 4, 1, 2);
            var ins = cs.Disassemble(BitConverter.GetBytes(w), 0);
            Assert.True(ins.Length == 1, $"{k}: {w:X8} does not disassemble");
            Assert.Equal(k.Mnemonic, ins[0].Mnemonic);
            Assert.Equal(k.Form == Form.PreIndex, ins[0].Operand.EndsWith('!'));
            Assert.Equal(k.Form == Form.PostIndex, ins[0].Operand.Contains("], #", StringComparison.Ordinal));
            Assert.NotEqual(A64Op.Unallocated, A64Decoder.DecodeOp(w));
        }
    }

    [Fact]
    public void InstructionWhoseAccessResetsItsDecodedCopyCompletesAsWithNoCodeCache()
    {
        int invalidating = 0, total = 0;
        Prop.ForAll(Arb.From(Cases()), c =>
        {
            var (withCache, invalidated) = RunCase(c, decodeEveryInstruction: false);
            var (reference, _) = RunCase(c, decodeEveryInstruction: true);
            total++;
            if (invalidated) invalidating++;
            return withCache == reference;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000).WithQuietOnSuccess(true));
        // The property must have exercised what it is about: cases whose store reset its own decoded slot.
        Assert.True(invalidating * 4 > total, $"only {invalidating} of {total} cases reset the store's own slot");
    }

    /// <summary>Runs one case on a fresh machine; returns its architectural state as text and whether a code slot was reset.</summary>
    private static (string State, bool Invalidated) RunCase(Case c, bool decodeEveryInstruction)
    {
        var map = new PhysicalMemoryMap();
        using var ram = map.AddRam(RamBase, 16 * 1024 * 1024);
        var config = Configs[c.ConfigIndex];
        IMemorySystem memory = config != null ? new CacheMemorySystem(map, config) : new FlatMemorySystem(map);
        var system = new CpuSystem(memory);
        var cpu = system.AddCpu();
        for (ulong off = 0; off < 0x800; off += 4) ram.WriteRaw(RamBase + off, 4, 0xD4200000 | (0x7FE << 5));
        cpu.SysRegs.VbarEl1 = RamBase;
        cpu.SysRegs.CpacrEl1 = 3UL << 20;
        FlatStage2.Install(cpu);
        if (c.NormalData) cpu.HcrEl2 = Hcr.DC;
        if (decodeEveryInstruction) cpu.DecodeEveryInstruction(true);

        ulong line = CodePage + (ulong)c.Line * 64;
        ulong pc = line + (ulong)c.Word * 4;
        // The store's target and the base register that reaches it.
        ulong target = c.Target switch
        {
            Target.OverItself => pc & ~(ulong)(Math.Min(c.Kind.Bytes, 64) - 1),
            Target.EvictsOwnLine => line + (ulong)c.Ways * 4096 + (ulong)c.Offset,
            _ => line + (ulong)c.Offset,
        };
        long imm = (long)c.Imm * c.Kind.Scale;
        ulong baseValue = c.Kind.Form == Form.PostIndex ? target : target - (ulong)imm;
        // Code page: random words (what a store over the code may leave behind runs the same way in both machines),
        // the store, then a stop.
        for (int i = 0; i < 1024; i++) ram.WriteRaw(CodePage + (ulong)i * 4, 4, (uint)c.Values[i % 64]);
        ram.WriteRaw(pc, 4, c.Kind.Encode(c.Rt, c.Rt2, c.Rn, c.Imm));
        ram.WriteRaw(pc + 4, 4, Stop);
        for (int r = 0; r < 31; r++) cpu.Xr[r] = c.Values[r];
        for (int r = 0; r < 32; r++)
            cpu.Vr[r] = Vector128.Create(c.Values[r + 31], c.Values[(r + 32) % 64]).AsByte();
        cpu.Xr[c.Rn] = baseValue;
        if (c.Kind.Mnemonic == "dc") cpu.Xr[c.Rt] = target;
        cpu.Pc = pc;

        if (c.Target == Target.EvictsOwnLine && memory is CacheMemorySystem model)
        {
            // The own line as data (so the L2 holds it), then the lines 1..W-1 ways further in the same L2 set.
            var attrs = MemoryAttributes.NormalWriteBackInnerShareable;
            model.TryRead(0, line, 8, AccessKind.Read, attrs, out _);
            for (int k = 1; k < c.Ways; k++) model.TryRead(0, line + (ulong)k * 4096, 8, AccessKind.Read, attrs, out _);
        }

        cpu.Run(6);
        // Whether the store's own slot was reset (nothing executes it again within the budget but a random branch).
        bool invalidated = cpu.CodeCache.GetPage(ram, CodePage)[(int)(pc - CodePage) / 4].Kind == BlockEnds.NotDecoded;

        var s = new System.Text.StringBuilder();
        for (int r = 0; r < 31; r++) s.Append($"x{r}={cpu.Xr[r]:X} ");
        s.Append($"sp0={cpu.SpEl0:X} sp1={cpu.SpEl1:X} pc={cpu.Pc:X} nzcv={cpu.Nzcv:X} retired={cpu.Retired} exc={cpu.ExceptionsTaken} ");
        s.Append($"esr={cpu.SysRegs.EsrEl1:X} elr={cpu.SysRegs.ElrEl1:X} far={cpu.SysRegs.FarEl1:X}\n");
        for (int r = 0; r < 32; r++) s.Append($"v{r}={Convert.ToHexString(MemoryMarshal.AsBytes(new ReadOnlySpan<Vector128<byte>>(in cpu.Vr[r])))} ");
        s.Append('\n');
        // Memory as a coherent reader sees it: the code page and the target's line.
        foreach (ulong pa in new[] { CodePage, target & ~63UL })
            for (ulong a = pa; a < pa + (pa == CodePage ? 4096UL : 128UL); a += 8)
            {
                memory.TryRead(MemoryAgents.Host, a, 8, AccessKind.Read, MemoryAttributes.NormalWriteBackInnerShareable, out ulong v);
                s.Append($"{v:X} ");
            }
        return (s.ToString(), invalidated);
    }
}
