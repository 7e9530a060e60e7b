using System.Text;
using Arm64Vm.Cpu.Decoding;
using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// CPU-FUSE-1 (specs/a64/README.md): a flag-setting op (row attribute <c>fuse</c>: ADDS, SUBS, ANDS, BICS and the CMP,
/// CMN, TST aliases) directly followed by a B.cond in the same page runs as one step of the run loop that counts two
/// instructions. Everything must stay as without fusion: a branch into the B.cond, a store that rewrites either word
/// (self-modifying code), a budget that ends between the two, the per-instruction paths.
/// </summary>
public class FusedPairTests
{
    private const ulong RamBase = 0x4000_0000;
    private const ulong CodeBase = 0x4008_0000;
    private const uint BrkStop = 0xD4200000 | (0x7FF << 5);

    private static readonly CacheConfig?[] Configs =
    {
        null,
        CacheConfig.CortexA57(1),
        CacheConfig.CortexA57(1) with { Dic = true },
    };

    /// <summary>A one-PE machine: RAM at 0x4000_0000, flat memory or the cache model, MMU off, EL1h.</summary>
    private sealed class Machine : IDisposable
    {
        public readonly Ram Ram;
        public readonly IMemorySystem Memory;
        public readonly CpuCore Cpu;

        public Machine(CacheConfig? caches)
        {
            var map = new PhysicalMemoryMap();
            Ram = map.AddRam(RamBase, 16 * 1024 * 1024);
            Memory = caches != null ? new CacheMemorySystem(map, caches) : new FlatMemorySystem(map);
            Cpu = new CpuSystem(Memory).AddCpu();
            for (ulong off = 0; off < 0x800; off += 4) Ram.WriteRaw(RamBase + off, 4, 0xD4200000 | (0x7FE << 5));
            Cpu.SysRegs.VbarEl1 = RamBase;
            Cpu.Pc = CodeBase;
        }

        public void Load(ulong address, params uint[] words)
        {
            for (int i = 0; i < words.Length; i++) Ram.WriteRaw(address + (ulong)(4 * i), 4, words[i]);
            Ram.NoteWrite(address, words.Length * 4);
        }

        /// <summary>The slot of the code at <paramref name="va"/> (MMU off: VA = PA).</summary>
        public ref DecodedInst Slot(ulong va) =>
            ref Cpu.CodeCache.GetPage(Ram, va & ~0xFFFUL)[(int)(va >> 2) & (CodeCache.SlotsPerPage - 1)];

        public string State(ulong codeFrom, ulong codeTo)
        {
            var s = new StringBuilder();
            for (int r = 0; r < 31; r++) s.Append($"x{r}={Cpu.X(r):X} ");
            s.Append($"pc={Cpu.Pc:X} nzcv={Cpu.Nzcv:X} el={Cpu.El} retired={Cpu.Retired} unretired={Cpu.Unretired} exc={Cpu.ExceptionsTaken}\n");
            for (ulong a = codeFrom & ~3UL; a < codeTo; a += 4)
            {
                Memory.TryRead(MemoryAgents.Host, a, 4, AccessKind.Read, MemoryAttributes.NormalWriteBackInnerShareable, out ulong v);
                s.Append(v.ToString("X")).Append(' ');
            }
            return s.ToString();
        }

        public void Dispose() => Ram.Dispose();
    }

    private static uint BCond(int cond, int offsetWords) => 0x54000000u | ((uint)offsetWords & 0x7FFFF) << 5 | (uint)cond;
    private static uint B(int offsetWords) => 0x14000000u | ((uint)offsetWords & 0x3FF_FFFF);

    private const uint SubsX0One = 0xF1000400;    // subs x0, x0, #1
    private const uint AddX1One = 0x91000421;     // add  x1, x1, #1
    private const uint AddX2One = 0x91000442;     // add  x2, x2, #1
    private const uint AddX1X1 = 0x8B010021;      // add  x1, x1, x1
    private const uint CmpX1Five = 0xF100143F;    // cmp  x1, #5
    private const uint StrW3X4 = 0xB9000083;      // str  w3, [x4]
    private const uint EorW3W3W5 = 0x4A050063;    // eor  w3, w3, w5

    /// <summary>Every row marked <c>fuse</c> is a flag-setting add, subtract or logical row, and every such row is marked.</summary>
    [Fact]
    public void CPU_FUSE_1_FuseRowsAreTheFlagSettingArithmeticAndLogicalRows()
    {
        string[] classes = { "dp_imm.addsub", "dp_imm.log", "dp_reg.addsub", "dp_reg.addsubx", "dp_reg.log" };
        int marked = 0;
        foreach (var row in A64Table.Rows.Where(r => r.Op != A64Op.Unallocated))
        {
            bool flagSetting = classes.Contains(row.Class) &&
                (row.Name.StartsWith("ADDS_", StringComparison.Ordinal) || row.Name.StartsWith("SUBS_", StringComparison.Ordinal) ||
                 row.Name.StartsWith("ANDS_", StringComparison.Ordinal) || row.Name.StartsWith("BICS_", StringComparison.Ordinal));
            Assert.True(flagSetting == row.Fuses, row.ToString());
            Assert.Equal(row.Fuses, A64Table.Fuses(row.Op));
            Assert.Equal(row.Fuses, BlockEnds.FusesFirst(row.Op));
            Assert.False(row.Fuses && (row.EndsBlock || row.Fp), row.ToString());
            Assert.Equal(row.Op == A64Op.B_cond, BlockEnds.IsCondBranch(row.Op));
            if (row.Fuses) marked++;
        }
        Assert.Equal(18, marked);   // ADDS, SUBS (immediate, shifted, extended; W and X), ANDS (immediate), ANDS, BICS (shifted)
        // The decode-time variants inherit their row's role.
        Assert.True(BlockEnds.IsCondBranch(A64Decoder.Decode(BCond(1, -4)).Op));
        Assert.True(BlockEnds.FusesFirst(A64Decoder.Decode(CmpX1Five).Op));
        // The decoder never produces a Fused slot: only the run loop links pairs.
        Assert.Equal(BlockEnds.Pure, A64Decoder.Decode(SubsX0One).Kind);
    }

    /// <summary>A loop closed by SUBS + B.NE runs fused (the slot says so) and ends exactly where it does one instruction at a time.</summary>
    [Fact]
    public void CPU_FUSE_1_LoopBackEdgeIsFusedAndExact()
    {
        uint[] code = { AddX1One, AddX2One, SubsX0One, BCond(1, -3), BrkStop };
        string Single()
        {
            using var m = new Machine(null);
            m.Load(CodeBase, code);
            m.Cpu.SetX(0, 100);
            for (int i = 0; i < 333; i++) m.Cpu.Run(1);
            return m.State(CodeBase, CodeBase + 20);
        }
        using var f = new Machine(null);
        f.Load(CodeBase, code);
        f.Cpu.SetX(0, 100);
        Assert.Equal(ExitReason.InstructionLimit, f.Cpu.Run(333).Reason);
        Assert.Equal(BlockEnds.Fused, f.Slot(CodeBase + 8).Kind);
        Assert.Equal(333UL, f.Cpu.Retired);
        Assert.Equal(Single(), f.State(CodeBase, CodeBase + 20));
    }

    /// <summary>A budget that ends between the flag-setting op and its B.cond: the first runs alone, the B.cond in the next run.</summary>
    [Fact]
    public void CPU_FUSE_1_BudgetEndingBetweenThePairRunsTheFirstAlone()
    {
        using var m = new Machine(null);
        m.Load(CodeBase, AddX1One, SubsX0One, BCond(1, -2), BrkStop);
        m.Cpu.SetX(0, 3);
        m.Cpu.Run(3);                                                   // decodes the loop: the pair is linked
        Assert.Equal(BlockEnds.Fused, m.Slot(CodeBase + 4).Kind);
        Assert.Equal(CodeBase, m.Cpu.Pc);
        Assert.Equal(ExitReason.InstructionLimit, m.Cpu.Run(2).Reason);  // add, subs: the budget ends before the B.NE
        Assert.Equal(5UL, m.Cpu.Retired);
        Assert.Equal(CodeBase + 8, m.Cpu.Pc);
        Assert.Equal(1UL, m.Cpu.X(0));
        Assert.Equal(0u, m.Cpu.Nzcv & 0x4000_0000u);
        Assert.Equal(ExitReason.InstructionLimit, m.Cpu.Run(1).Reason);  // the B.NE alone, taken
        Assert.Equal(CodeBase, m.Cpu.Pc);
        Assert.Equal(6UL, m.Cpu.Retired);
        Assert.Equal(ExitReason.InstructionLimit, m.Cpu.Run(3).Reason);  // add, subs (x0 = 0), b.ne not taken
        Assert.Equal(CodeBase + 12, m.Cpu.Pc);
        Assert.Equal(3UL, m.Cpu.X(1));
    }

    /// <summary>
    /// A branch into the B.cond of a fused pair runs the B.cond alone (on the flags of the CMP before the branch),
    /// under any split of the budget, as one instruction at a time does.
    /// </summary>
    [Fact]
    public void CPU_FUSE_1_BranchIntoTheBCondOfAFusedPair()
    {
        uint[] code =
        {
            AddX1One,        // 0 loop: add  x1, x1, #1
            CmpX1Five,       // 1       cmp  x1, #5
            BCond(3, 3),     // 2       b.lo 5        (fused with 1; its target is the B.cond of the next pair)
            AddX2One,        // 3       add  x2, x2, #1
            SubsX0One,       // 4       subs x0, x0, #1
            BCond(1, -5),    // 5       b.ne loop     (fused with 4; entered directly from 2 while x1 < 5)
            BrkStop,
        };
        const ulong total = 700;
        Machine Make()
        {
            var m = new Machine(null);
            m.Load(CodeBase, code);
            m.Cpu.SetX(0, 150);
            return m;
        }
        string reference;
        using (var one = Make())
        {
            for (ulong i = 0; i < total; i++) one.Cpu.Run(1);
            reference = one.State(CodeBase, CodeBase + 28);
        }
        using (var whole = Make())
        {
            whole.Cpu.Run(total);
            Assert.Equal(BlockEnds.Fused, whole.Slot(CodeBase + 4).Kind);
            Assert.Equal(BlockEnds.Fused, whole.Slot(CodeBase + 16).Kind);
            Assert.Equal(reference, whole.State(CodeBase, CodeBase + 28));
        }
        Prop.ForAll(Arb.From(Gen.ListOf(Gen.Choose(1, 13))), sizes =>
        {
            using var m = Make();
            ulong done = 0;
            foreach (int size in sizes.Concat(Enumerable.Repeat(29, (int)total)))
            {
                ulong n = Math.Min((ulong)size, total - done);
                if (n == 0) break;
                if (m.Cpu.Run(n).Reason != ExitReason.InstructionLimit || m.Cpu.Executed != done + n) return false;
                done += n;
            }
            return m.State(CodeBase, CodeBase + 28) == reference;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(50).WithQuietOnSuccess(true));
    }

    /// <summary>
    /// CPU-DEC-2 with CPU-FUSE-1: a reset slot keeps its op, so decoding the B.cond after it must not relink it. The
    /// SUBS of a fused pair is rewritten into an ADD (its slot reset) and the B.cond rewritten with its own word (reset
    /// too); a branch into the B.cond decodes that slot first, then the loop comes back to the first slot, which must
    /// be fetched anew and run as the ADD, not as the SUBS its slot still names.
    /// </summary>
    [Fact]
    public void CPU_DEC_2_DecodingTheBCondAfterAResetFirstSlotLeavesItUndecoded()
    {
        uint[] code =
        {
            SubsX0One,       // 0 loop: subs x0, x0, #1      (rewritten into add x1, x1, #1)
            BCond(1, -1),    // 1       b.ne loop
            BrkStop,         // 2
        };
        using var m = new Machine(null);
        m.Load(CodeBase, code);
        m.Cpu.SetX(0, 3);
        m.Cpu.Run(6);                                        // three turns: x0 = 0, stops at the BRK
        Assert.Equal(BlockEnds.Fused, m.Slot(CodeBase).Kind);
        m.Load(CodeBase, AddX1One, BCond(1, -1));             // both slots reset; the first one still names SUBS
        Assert.Equal((BlockEnds.NotDecoded, BlockEnds.NotDecoded), (m.Slot(CodeBase).Kind, m.Slot(CodeBase + 4).Kind));
        m.Cpu.SetX(0, 0);
        m.Cpu.SetX(1, 0);
        m.Cpu.Nzcv = 0;                                       // Z clear: b.ne is taken
        m.Cpu.Pc = CodeBase + 4;
        m.Cpu.Run(3);                                         // b.ne loop; add x1 (Z stays clear); b.ne loop
        Assert.Equal((0UL, 1UL), (m.Cpu.X(0), m.Cpu.X(1)));
        Assert.Equal(CodeBase, m.Cpu.Pc);
        Assert.Equal(BlockEnds.Pure, m.Slot(CodeBase).Kind);
    }

    // CPU-RUN-8: a backward fused branch closing a body of pure slots runs the loop in place.

    /// <summary>A loop of <paramref name="body"/> pure ops and SUBS + B.NE back to its start, then ADD x2 and a BRK; x0 = <paramref name="turns"/>.</summary>
    private static Machine PureLoop(uint[] body, ulong turns, bool decodeEvery = false)
    {
        var m = new Machine(null);
        m.Load(CodeBase, body.Append(SubsX0One).Append(BCond(1, -(body.Length + 1))).Append(AddX2One).Append(BrkStop).ToArray());
        m.Cpu.SetX(0, turns);
        if (decodeEvery) m.Cpu.DecodeEveryInstruction(true);
        return m;
    }

    /// <summary>
    /// CPU-RUN-8: pure loops of 2 to 6 and of 9 instructions per turn (none to four and seven pure ops before the fused
    /// pair: the bodies that <c>RunPureLoop</c> runs with a constant count of pure slots, and two that it runs with a
    /// loop) end, under every budget from 1 to two more than a turn (at least 9) and in one run, in the state of the
    /// machine without a code cache: the budget ends inside a turn, at its end, at the fall-through and after it. The
    /// longer bodies interleave ADD #1 and a doubling of x1, so a slot run out of order, twice or not at all changes x1.
    /// </summary>
    [Fact]
    public void CPU_RUN_8_PureLoopsMatchTheMachineWithoutCodeCacheUnderAnyBudget()
    {
        uint[] Mixed(int n) => Enumerable.Range(0, n).Select(i => (i % 3) switch { 0 => AddX1One, 1 => AddX1X1, _ => EorW3W3W5 }).ToArray();
        uint[][] bodies = { Array.Empty<uint>(), new[] { AddX1One }, Mixed(2), new[] { AddX1One, EorW3W3W5, AddX1One }, Mixed(4), Mixed(7) };
        foreach (var body in bodies)
        {
            ulong total = 6 * (ulong)(body.Length + 2) + 3;   // six turns, ADD x2, the BRK and the BRK at its vector
            string reference;
            using (var every = PureLoop(body, 6, decodeEvery: true))
            {
                every.Cpu.Run(total);
                reference = every.State(CodeBase, CodeBase + 4 * (ulong)(body.Length + 4));
            }
            Assert.Contains("x0=0 ", reference);
            Assert.Contains(" x2=1 ", reference);
            for (ulong size = 1; size <= Math.Max(9, (ulong)body.Length + 4); size++)
            {
                using var m = PureLoop(body, 6);
                for (ulong done = 0; done < total; done += Math.Min(size, total - done))
                {
                    Assert.Equal(ExitReason.InstructionLimit, m.Cpu.Run(Math.Min(size, total - done)).Reason);
                    Assert.Equal(done + Math.Min(size, total - done), m.Cpu.Executed);
                }
                Assert.True(reference == m.State(CodeBase, CodeBase + 4 * (ulong)(body.Length + 4)), $"body {body.Length}, budget {size}");
            }
            using (var whole = PureLoop(body, 6))
            {
                whole.Cpu.Run(total);
                Assert.Equal(BlockEnds.Fused, whole.Slot(CodeBase + 4 * (ulong)body.Length).Kind);
                Assert.Equal(reference, whole.State(CodeBase, CodeBase + 4 * (ulong)(body.Length + 4)));
            }
        }
    }

    [ThreadStatic] private static Machine? _tampered;
    [ThreadStatic] private static ulong _tamperVa;
    [ThreadStatic] private static int _tamperCalls, _tamperAt;

    /// <summary>The handler of a test slot: the slot's own op, then, at its <see cref="_tamperAt"/>th call, a reset of the slot at <see cref="_tamperVa"/>.</summary>
    private static void ExecuteThenReset(CpuCore cpu, ref DecodedInst d)
    {
        A64Dispatch.Execute(cpu, ref d);
        if (++_tamperCalls == _tamperAt) _tampered!.Slot(_tamperVa).Kind = BlockEnds.NotDecoded;
    }

    /// <summary>
    /// CPU-RUN-8: a slot of the loop reset while the loop runs in place — as an invalidation of the code cache would,
    /// here from the handler of the loop's first slot, which no pure op can do — ends the loop in place before the next
    /// turn: the run loop goes on from the body's start and decodes the slot again. The slot is the body's first, a
    /// middle one, the SUBS of the fused pair or its B.NE. The machine ends in the state it reaches without a code cache,
    /// with the slot decoded again, whether the budget ends inside a turn or at a turn's end (where a slot the loop
    /// left reset would still be reset).
    /// </summary>
    [Theory]
    [InlineData(0, 7)]
    [InlineData(2, 7)]
    [InlineData(3, 7)]
    [InlineData(4, 7)]
    [InlineData(0, 5)]
    [InlineData(2, 5)]
    [InlineData(3, 5)]
    [InlineData(4, 5)]
    public unsafe void CPU_RUN_8_ASlotResetWhileTheLoopRunsInPlaceEndsItBeforeTheNextTurn(int slot, int last)
    {
        uint[] body = { AddX1One, EorW3W3W5, AddX1One };
        ulong total = 5 * 20 + (ulong)last;
        string reference;
        using (var every = PureLoop(body, 30, decodeEvery: true))
        {
            every.Cpu.Run(total);
            reference = every.State(CodeBase, CodeBase + 28);
        }
        using var m = PureLoop(body, 30);
        m.Cpu.Run(5);                                                   // one turn: every slot decoded, the pair fused
        Assert.Equal(BlockEnds.Fused, m.Slot(CodeBase + 12).Kind);
        m.Slot(CodeBase).Handler = (nint)(delegate*<CpuCore, ref DecodedInst, void>)&ExecuteThenReset;
        (_tampered, _tamperVa, _tamperCalls, _tamperAt) = (m, CodeBase + 4 * (ulong)slot, 0, 7);
        try
        {
            m.Cpu.Run(total - 5);
        }
        finally
        {
            _tampered = null;
        }
        Assert.True(_tamperCalls >= 7, $"the loop's first slot ran {_tamperCalls} times");
        Assert.Equal(reference, m.State(CodeBase, CodeBase + 28));
        Assert.NotEqual(BlockEnds.NotDecoded, m.Slot(_tamperVa).Kind);
        Assert.Equal(BlockEnds.Fused, m.Slot(CodeBase + 12).Kind);
    }

    /// <summary>
    /// CPU-RUN-8: a stop requested from another thread (as the gdb server's interrupt does) ends a long pure loop at
    /// a turn's boundary or inside it with an exact count; running on to the budget ends in the state of a run never
    /// stopped.
    /// </summary>
    [Fact]
    public void CPU_RUN_8_AStopFromAnotherThreadEndsALoopInPlaceExactly()
    {
        uint[] body = { AddX1One, AddX1One };
        const ulong turns = 50_000_000, total = 4 * turns + 3;
        using var m = PureLoop(body, turns);
        // Once the loop has run a million instructions (so after Run began, which clears a stop requested before it).
        var stopper = new System.Threading.Thread(() =>
        {
            while (m.Cpu.Executed < 1_000_000) System.Threading.Thread.SpinWait(64);
            m.Cpu.RequestStop();
        });
        stopper.Start();
        var exit = m.Cpu.Run(total);
        stopper.Join();
        Assert.True(exit.Reason == ExitReason.StopRequested, $"{exit.Reason} after {m.Cpu.Executed} of {total}");
        ulong stoppedAt = m.Cpu.Executed;
        Assert.InRange(stoppedAt, 1UL, total - 1);
        // Each turn adds 2 to x1 and takes 1 from x0: the count so far is what the registers say ran.
        ulong turnsDone = turns - m.Cpu.X(0), adds = m.Cpu.X(1);
        ulong fromRegisters = 4 * turnsDone + (adds - 2 * turnsDone) + (m.Cpu.Pc == CodeBase + 12 ? 1UL : 0);
        Assert.Equal(fromRegisters, stoppedAt);
        m.Cpu.Run(total - stoppedAt);
        Assert.Equal(total, m.Cpu.Executed);
        // The BRK after the ADD x2 and the BRK at its vector (VBAR_EL1 + 0x200) each took their exception.
        Assert.Equal((0UL, 2 * turns, 1UL, RamBase + 0x200), (m.Cpu.X(0), m.Cpu.X(1), m.Cpu.X(2), m.Cpu.Pc));
    }

    /// <summary>
    /// Self-modifying code: a store in the loop rewrites the B.cond of a fused pair, alternately into a non-branch (the
    /// first op must then run alone and unfused) and back, with flat memory and the cache model (DIC 0 and 1). The
    /// machine ends in the state it reaches one instruction at a time and without a code cache.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void CPU_FUSE_1_StoreRewritingTheBCondOfAFusedPair(int config)
    {
        uint bne = BCond(1, -5);
        uint[] code =
        {
            AddX1One,        // 0 loop: add  x1, x1, #1
            StrW3X4,         // 1       str  w3, [x4]       (x4 = slot 5)
            EorW3W3W5,       // 2       eor  w3, w3, w5     (alternates b.ne loop / add x2, x2, #1)
            AddX1One,        // 3       add  x1, x1, #1
            SubsX0One,       // 4       subs x0, x0, #1
            bne,             // 5       b.ne loop           (rewritten)
            0xB5FFFF40,      // 6       cbnz x0, loop       (-6)
            BrkStop,
        };
        const ulong total = 900;
        Machine Make(bool decodeEvery)
        {
            var m = new Machine(Configs[config]);
            m.Load(CodeBase, code);
            m.Cpu.SetX(0, 400);
            m.Cpu.SetX(3, AddX2One);
            m.Cpu.SetX(4, CodeBase + 20);
            m.Cpu.SetX(5, AddX2One ^ bne);
            if (decodeEvery) m.Cpu.DecodeEveryInstruction(true);
            return m;
        }
        string single, reference;
        using (var one = Make(false))
        {
            for (ulong i = 0; i < total; i++) one.Cpu.Run(1);
            single = one.State(CodeBase, CodeBase + 32);
        }
        using (var every = Make(true))
        {
            every.Cpu.Run(total);
            reference = every.State(CodeBase, CodeBase + 32);
        }
        Assert.Equal(reference, single);
        using var m = Make(false);
        m.Cpu.Run(total);
        Assert.Equal(reference, m.State(CodeBase, CodeBase + 32));
        // Coherent instruction fetch (flat memory, DIC = 1): the rewritten word ran as an add half the time.
        if (Configs[config] is not { Dic: false }) Assert.True(m.Cpu.X(2) > 10, $"the rewritten word ran {m.Cpu.X(2)} times");
    }

    // Random programs: flag-setting ops, B.conds, other ALU ops and stores that rewrite code words of the program.

    /// <summary>A fusable flag-setting op on registers x0-x7 (rd may be 31: CMP, CMN, TST), from the A64 encodings of its rows.</summary>
    private static Gen<uint> FlagOp() =>
        from kind in Gen.Choose(0, 6)
        from rd0 in Gen.Choose(0, 8)
        from rn in Gen.Choose(0, 7)
        from rm in Gen.Choose(0, 7)
        from sf in Gen.Elements(0u, 1u)
        from sub in Gen.Elements(0u, 1u)
        from imm in Gen.Choose(0, 4095)
        from amount in Gen.Choose(0, 31)
        from shift in Gen.Choose(0, 3)
        let rd = rd0 == 8 ? 31u : (uint)rd0
        let regs = (uint)rn << 5 | rd
        select kind switch
        {
            // ADDS/SUBS (immediate): sf op S 100010 sh imm12 Rn Rd
            0 => sf << 31 | sub << 30 | 0x31000000u | (uint)(imm & 1) << 22 | (uint)imm << 10 | regs,
            // ADDS/SUBS (shifted register): sf op S 01011 shift 0 Rm imm6 Rn Rd (shift 3 reserved)
            1 => sf << 31 | sub << 30 | 0x2B000000u | (uint)(shift % 3) << 22 | (uint)rm << 16 | (uint)amount << 10 | regs,
            // ADDS/SUBS (extended register): sf op S 01011 00 1 Rm option imm3 Rn Rd (imm3 <= 4)
            2 => sf << 31 | sub << 30 | 0x2B200000u | (uint)rm << 16 | (uint)(imm & 7) << 13 | (uint)(amount % 5) << 10 | regs,
            // ANDS (immediate), 64-bit: N = 1, imms != 63
            3 => 0xF2400000u | (uint)(imm & 63) << 16 | (uint)(amount + (imm >> 6) % 32) % 63 << 10 | regs,
            // ANDS/BICS (shifted register): sf 11 01010 shift N Rm imm6 Rn Rd
            _ => sf << 31 | 0x6A000000u | (uint)shift << 22 | sub << 21 | (uint)rm << 16 | (uint)amount << 10 | regs,
        };

    /// <summary>A word of the program: a flag-setting op, a B.cond to a slot of the program, an ALU op or a code-rewriting store.</summary>
    private static Gen<uint> Word(int slot, int length) =>
        from kind in Gen.Choose(0, 9)
        from flag in FlagOp()
        from cond in Gen.Choose(0, 15)
        from target in Gen.Choose(0, length)
        from rd in Gen.Choose(0, 7)
        from rn in Gen.Choose(0, 7)
        from imm in Gen.Choose(0, 4095)
        from t in Gen.Choose(8, 11)
        from at in Gen.Choose(0, length - 1)
        select kind switch
        {
            <= 3 => flag,
            <= 6 => BCond(cond, target - slot),
            // ADD Xd, Xn, #imm; EOR Xd, Xd, Xn with a shift; STR Wt, [X20, #4 * at] (a pool word over a word of the program)
            7 => 0x91000000u | (uint)imm << 10 | (uint)rn << 5 | (uint)rd,
            8 => 0xCA000000u | (uint)(imm & 3) << 22 | (uint)rn << 16 | (uint)(imm >> 6) << 10 | (uint)rd << 5 | (uint)rd,
            _ => 0xB9000280u | (uint)at << 10 | (uint)t,
        };

    public sealed record Program(int ConfigIndex, int Start, uint[] Words, uint[] Pool, ulong[] Values, int[] Splits)
    {
        public override string ToString() =>
            $"config#{ConfigIndex} start {Start:X}, words {string.Join(' ', Words.Select(w => w.ToString("X8")))}, pool {string.Join(' ', Pool.Select(w => w.ToString("X8")))}, splits {string.Join(',', Splits)}";
    }

    private const int Length = 24;

    private static readonly Gen<ulong> Word64 =
        from hi in Gen.Choose(int.MinValue, int.MaxValue)
        from lo in Gen.Choose(int.MinValue, int.MaxValue)
        select (ulong)(uint)hi << 32 | (uint)lo;

    private static Gen<Program> Programs() =>
        from config in Gen.Choose(0, Configs.Length - 1)
        from back in Gen.Choose(0, Length + 8)       // small: the program straddles the page end (pairs across it never fuse)
        from absolute in Gen.ArrayOf(Word(0, Length), Length)
        from pool in Gen.ArrayOf(Gen.OneOf(FlagOp(), Word(0, Length)), 4)
        let words = absolute.Select((w, i) => (w & 0xFF000010) == 0x54000000 ? BCond((int)(w & 15), (int)((w >> 5) & 0x7FFFF) - i) : w)
        from values in Gen.ArrayOf(Word64, 8)
        from splits in Gen.ListOf(Gen.Choose(1, 40))
        select new Program(config, 0x1000 - 4 * back, words.ToArray(), pool.ToArray(), values, splits.ToArray());

    private const ulong Total = 1500;

    /// <summary>Runs a program (closed by a branch back to its start); returns its end state and how many Fused slots it left.</summary>
    private static (string State, int Fused) RunProgram(Program p, bool decodeEvery, bool split)
    {
        using var m = new Machine(Configs[p.ConfigIndex]);
        ulong start = CodeBase + (ulong)p.Start;
        m.Load(start, p.Words.Append(B(-Length)).ToArray());
        for (int r = 0; r < 8; r++) m.Cpu.SetX(r, p.Values[r]);
        for (int r = 0; r < 4; r++) m.Cpu.SetX(8 + r, p.Pool[r]);
        m.Cpu.SetX(20, start);
        m.Cpu.Pc = start;
        if (decodeEvery) m.Cpu.DecodeEveryInstruction(true);
        ulong done = 0;
        foreach (int size in (split ? p.Splits : Array.Empty<int>()).Concat(Enumerable.Repeat((int)Total, 1)))
        {
            ulong n = Math.Min((ulong)size, Total - done);
            if (n == 0) break;
            m.Cpu.Run(n);
            if (m.Cpu.Executed != done + n) return ("budget not kept", 0);
            done += n;
        }
        int fused = 0;
        for (ulong a = start; a < start + 4 * Length; a += 4)
            if (m.Slot(a).Kind == BlockEnds.Fused) fused++;
        return (m.State(start, start + 4 * (Length + 1)), fused);
    }

    /// <summary>
    /// Random programs of flag-setting ops, B.conds (into any slot, so into the B.cond of a pair too), ALU ops and
    /// stores that rewrite the program's words (self-modifying code, flat memory and the cache model) end, under any
    /// split of the budget, in the state of the machine without a code cache (<see cref="CpuCore.DecodeEveryInstruction"/>).
    /// </summary>
    [Fact]
    public void CPU_FUSE_1_RandomProgramsMatchTheMachineWithoutCodeCache()
    {
        int withFused = 0, total = 0;
        Prop.ForAll(Arb.From(Programs()), p =>
        {
            var (reference, _) = RunProgram(p, decodeEvery: true, split: false);
            var (fused, count) = RunProgram(p, decodeEvery: false, split: true);
            total++;
            if (count > 0) withFused++;
            return fused == reference;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true));
        Assert.True(withFused * 4 > total, $"only {withFused} of {total} programs ran fused pairs");
    }

    /// <summary>Every word the flag-op generator makes decodes to a row marked <c>fuse</c> (the property is about fused pairs).</summary>
    [Fact]
    public void FlagOpGeneratorMakesFusableWords()
    {
        Prop.ForAll(Arb.From(FlagOp()), w => BlockEnds.FusesFirst(A64Decoder.Decode(w).Op))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(2000).WithQuietOnSuccess(true));
    }
}
