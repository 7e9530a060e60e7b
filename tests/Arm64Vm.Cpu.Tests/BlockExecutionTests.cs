using System.Text;
using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// Block execution in the run loop (<see cref="CpuCore.Run"/>): the budget and the retired count are accounted per
/// block, yet every count stays exact — a fault mid-block retires exactly the instructions that executed (the
/// faulting one included), a block never runs past the budget, a stop request ends the run after the instruction in
/// flight, a store that rewrites a later instruction of the same block makes it decode anew, and a guest run in
/// blocks ends in exactly the state it reaches one instruction at a time.
/// </summary>
public class BlockExecutionTests
{
    private const ulong RamBase = 0x4000_0000;
    private const ulong CodeBase = 0x4008_0000;
    private const ulong SrcBase = 0x4010_0000;
    private const ulong DstBase = 0x4011_0000;
    private const ulong Misaligned = 0x4012_0001;
    private const ulong Handler = RamBase + 0x200;   // VBAR_EL1 + 0x200: current EL with SP_ELx, synchronous
    private const uint AddX0One = 0x91000400;        // add x0, x0, #1
    private const uint LdrX1X2 = 0xF9400041;         // ldr x1, [x2]
    private const uint StrW3X4 = 0xB9000083;         // str w3, [x4]
    private const uint BrkStop = 0xD4200000 | (0x7FF << 5);
    private const uint AddX14One = 0x910005CE;       // add x14, x14, #1 (the patched instruction of the guest)

    /// <summary>
    /// The mixed guest (tools-free: assembled once with GNU as, words below). A loop that copies memory, rewrites
    /// the immediate of an instruction two slots further in its own block (patch), reads CNTVCT_EL0 (which counts
    /// retired instructions, so a count that lags shows in x6), takes an alignment fault every 4th iteration (an
    /// unaligned load from Device memory, MMU off) and an SVC every iteration; the handler skips the faulting load.
    /// </summary>
    private static readonly uint[] Guest =
    {
        0x91000400, // loop:  add  x0, x0, #1
        0xF8408548, //        ldr  x8, [x10], #8
        0xF8008568, //        str  x8, [x11], #8
        0x11100063, //        add  w3, w3, #0x400       (the next immediate of the patched add)
        0xB9000083, //        str  w3, [x4]             (x4 = patch: a later slot of this block)
        0xCA08018C, //        eor  x12, x12, x8
        0x910005CE, // patch: add  x14, x14, #1
        0x8B000D8C, //        add  x12, x12, x0, lsl #3
        0xD53BE045, //        mrs  x5, cntvct_el0
        0x8B0500C6, //        add  x6, x6, x5
        0xF240041F, //        tst  x0, #3
        0x54000041, //        b.ne skip
        0xF9400041, //        ldr  x1, [x2]             (x2 unaligned: alignment fault)
        0xD4000001, // skip:  svc  #0
        0xF10004E7, //        subs x7, x7, #1
        0x54FFFE21, //        b.ne loop
        0x14000000, // done:  b    done
    };

    private const int PatchSlot = 6;

    private static readonly uint[] SkippingHandler =
    {
        0xD5385209, // mrs  x9, esr_el1
        0xD35AFD29, // lsr  x9, x9, #26
        0xF100553F, // cmp  x9, #0x15               (SVC: ELR is already the next instruction)
        0x54000080, // b.eq count
        0xD5384029, // mrs  x9, elr_el1
        0x91001129, // add  x9, x9, #4
        0xD5184029, // msr  elr_el1, x9
        0x910005AD, // count: add x13, x13, #1
        0xD69F03E0, // eret
    };

    /// <summary>A one-PE machine: RAM at 0x4000_0000, flat memory or the cache model, MMU off, EL1h.</summary>
    private sealed class Machine : IDisposable
    {
        public readonly Ram Ram;
        public readonly IMemorySystem Memory;
        public readonly CpuCore Cpu;

        public Machine(CacheConfig? caches = null)
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

        /// <summary>The mixed guest with <paramref name="iterations"/> loop iterations, ready to run.</summary>
        public Machine WithGuest(ulong iterations)
        {
            Load(CodeBase, Guest);
            Load(Handler, SkippingHandler);
            for (int i = 0; i < 4096; i++) Ram.WriteRaw(SrcBase + (ulong)i * 8, 8, 0x9E37_79B9_7F4A_7C15UL * (ulong)(i + 1));
            Cpu.SetX(2, Misaligned);
            Cpu.SetX(3, AddX14One);
            Cpu.SetX(4, CodeBase + PatchSlot * 4);
            Cpu.SetX(7, iterations);
            Cpu.SetX(10, SrcBase);
            Cpu.SetX(11, DstBase);
            return this;
        }

        /// <summary>Everything the guest can change, as text: registers, PSTATE, exception state, count and memory.</summary>
        public string State()
        {
            var s = new StringBuilder();
            for (int r = 0; r < 31; r++) s.Append($"x{r}={Cpu.X(r):X} ");
            s.Append($"sp={Cpu.SpEl1:X} pc={Cpu.Pc:X} nzcv={Cpu.Nzcv:X} el={Cpu.El} retired={Cpu.Retired} exc={Cpu.ExceptionsTaken} ");
            s.Append($"esr={Cpu.SysRegs.EsrEl1:X} elr={Cpu.SysRegs.ElrEl1:X} far={Cpu.SysRegs.FarEl1:X}\n");
            foreach (ulong pa in new[] { CodeBase, DstBase, DstBase + 0x1000 })
                for (ulong a = pa; a < pa + 0x1000; a += 8)
                {
                    Memory.TryRead(MemoryAgents.Host, a, 8, AccessKind.Read, MemoryAttributes.NormalWriteBackInnerShareable, out ulong v);
                    s.Append(v.ToString("X")).Append(' ');
                }
            return s.ToString();
        }

        public void Dispose() => Ram.Dispose();
    }

    private static readonly CacheConfig?[] Configs =
    {
        null,
        CacheConfig.CortexA57(1),
        CacheConfig.CortexA57(1) with { Dic = true },
    };

    /// <summary>Runs <paramref name="total"/> instructions one at a time (Run(1), as single-step and traces do).</summary>
    private static string SingleStepped(CacheConfig? caches, ulong iterations, ulong total)
    {
        using var m = new Machine(caches).WithGuest(iterations);
        for (ulong i = 0; i < total; i++) Assert.Equal(ExitReason.InstructionLimit, m.Cpu.Run(1).Reason);
        return m.State();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void GuestRunInBlocksEndsInTheStateItReachesOneInstructionAtATime(int config)
    {
        const ulong total = 3000;
        string reference = SingleStepped(Configs[config], 1000, total);
        using var m = new Machine(Configs[config]).WithGuest(1000);
        var exit = m.Cpu.Run(total);
        Assert.Equal(ExitReason.InstructionLimit, exit.Reason);
        Assert.Equal(total, m.Cpu.Executed);
        Assert.NotEqual(0UL, m.Cpu.Unretired);                        // the faulting attempts did not retire (CPU-RET-1)
        Assert.Equal(reference, m.State());
        // The run did fault, patch and read the counter: the comparison is about something.
        Assert.True(m.Cpu.X(13) > 100, $"only {m.Cpu.X(13)} exceptions were handled");
        Assert.NotEqual(0UL, m.Cpu.X(6));
    }

    [Fact]
    public void GuestRunInBlocksMatchesTheMachineWithoutCodeCache()
    {
        using var reference = new Machine().WithGuest(1000);
        reference.Cpu.DecodeEveryInstruction(true);
        reference.Cpu.Run(3000);
        using var m = new Machine().WithGuest(1000);
        m.Cpu.Run(3000);
        Assert.Equal(reference.State(), m.State());
    }

    /// <summary>Any split of the budget into runs (each ending mid-block or not) executes exactly the budget (retired and faulting attempts, CPU-RET-1) and ends in the same state.</summary>
    [Fact]
    public void AnySplitOfTheBudgetRetiresExactlyItAndEndsInTheSameState()
    {
        const ulong total = 1500;
        string[] references = Configs.Select(c => SingleStepped(c, 1000, total)).ToArray();
        var chunks = Gen.ListOf(Gen.Choose(1, 60));
        Prop.ForAll(Arb.From(chunks), Arb.From(Gen.Choose(0, Configs.Length - 1)), (sizes, config) =>
        {
            using var m = new Machine(Configs[config]).WithGuest(1000);
            ulong done = 0;
            foreach (int size in sizes.Concat(Enumerable.Repeat(60, (int)total)))
            {
                ulong n = Math.Min((ulong)size, total - done);
                if (n == 0) break;
                var exit = m.Cpu.Run(n);
                if (exit.Reason != ExitReason.InstructionLimit || m.Cpu.Executed != done + n) return false;
                done += n;
            }
            return m.State() == references[config];
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60).WithQuietOnSuccess(true));
    }

    /// <summary>
    /// CPU-RUN-2: direct branches chain to their target inside the block loop when it is in the same page. Two loops —
    /// one inside a page (B.NE and CBNZ back edges, a TBZ forward branch, all chained) and one whose back edge sits in
    /// the next page (not chained) — run under any split of the budget into runs: each run executes exactly its budget
    /// (a budget that ends between a branch and its target included) and the machine ends in the state it reaches one
    /// instruction at a time, with the same flags.
    /// </summary>
    [Fact]
    public void ChainedBranchesKeepTheBudgetAndTheStateExact()
    {
        const ulong Loop2 = CodeBase + 0x1FF4;   // the second loop's back edge is in the page after it
        uint[] loop1 =
        {
            0x91000421, // loop1: add  x1, x1, #1
            0x36000042, //        tbz  w2, #0, +8       (x2 even: skips the add)
            0x91000463, //        add  x3, x3, #1
            0x91000442, //        add  x2, x2, #1
            0xF1000400, //        subs x0, x0, #1
            0x54FFFF61, //        b.ne loop1            (-20)
            0xD2800060, //        mov  x0, #3
            0xD1000484, //        sub  x4, x4, #1
            0xB5FFFF04, //        cbnz x4, loop1        (-32)
            0x14000000 + (uint)((Loop2 - (CodeBase + 36)) / 4), // b loop2
        };
        uint[] loop2 =
        {
            0x910004A5, // loop2: add  x5, x5, #1
            0xF10004C6, //        subs x6, x6, #1
            0x54000041, //        b.ne .+8  (at Loop2 + 8, the last slot of the page: its target is in the next page)
            0xD4200000 | (0x7FF << 5), // brk (not reached while x6 != 0)
            0x17FFFFFC, //        b loop2 (-16, from the next page)
        };
        Machine Make()
        {
            var m = new Machine();
            m.Load(CodeBase, loop1);
            m.Load(Loop2, loop2);
            m.Cpu.SetX(0, 7);
            m.Cpu.SetX(4, 30);
            m.Cpu.SetX(6, 1_000_000);
            return m;
        }
        const ulong total = 2500;
        string reference;
        using (var one = Make())
        {
            for (ulong i = 0; i < total; i++) one.Cpu.Run(1);
            Assert.True(one.Cpu.X(5) > 0 && one.Cpu.X(4) == 0, "the run reached the second loop");
            reference = one.State();
        }
        using (var blocks = Make())
        {
            blocks.Cpu.Run(total);
            Assert.Equal(total, blocks.Cpu.Retired);
            Assert.Equal(reference, blocks.State());
        }
        Prop.ForAll(Arb.From(Gen.ListOf(Gen.Choose(1, 40))), sizes =>
        {
            using var m = Make();
            ulong done = 0;
            foreach (int size in sizes.Concat(Enumerable.Repeat(97, (int)total)))
            {
                ulong n = Math.Min((ulong)size, total - done);
                if (n == 0) break;
                if (m.Cpu.Run(n).Reason != ExitReason.InstructionLimit || m.Cpu.Retired != done + n) return false;
                done += n;
            }
            return m.State() == reference;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40).WithQuietOnSuccess(true));
    }

    [Fact]
    public void StoreRewritingALaterInstructionOfItsBlockRunsTheNewInstruction()
    {
        using var m = new Machine().WithGuest(10);
        // Warm the code cache: the first run decodes every slot of the loop (the patched slot with its first value).
        var exit = m.Cpu.Run(400);
        Assert.Equal(ExitReason.InstructionLimit, exit.Reason);
        Assert.Equal(CodeBase + 16 * 4, m.Cpu.Pc);                     // parked on "done"
        // Iteration i runs "add x14, x14, #(i + 1)", written by the store two slots before it in the same block.
        Assert.Equal((ulong)Enumerable.Range(1, 10).Sum(i => i + 1), m.Cpu.X(14));
        Assert.Equal(10UL, m.Cpu.X(0));
    }

    [Fact]
    public void CPU_RET_1_FaultMidBlockRetiresTheInstructionsBeforeItButNotItself()
    {
        using var m = new Machine();
        m.Load(CodeBase, AddX0One, AddX0One, AddX0One, AddX0One, AddX0One, LdrX1X2, AddX0One, AddX0One, BrkStop);
        m.Cpu.SetX(2, Misaligned);
        var exit = m.Cpu.Run(6);
        Assert.Equal(ExitReason.InstructionLimit, exit.Reason);
        Assert.Equal(5UL, m.Cpu.Retired);                             // the five adds; the aborted LDR does not retire
        Assert.Equal(1UL, m.Cpu.Unretired);
        Assert.Equal(6UL, m.Cpu.Executed);                            // but it used up the budget's sixth instruction
        Assert.Equal(5UL, m.Cpu.X(0));
        Assert.Equal(Handler, m.Cpu.Pc);                              // the abort was taken; nothing ran after it
        Assert.Equal(ExceptionClass.DataAbortSameEl, (uint)(m.Cpu.SysRegs.EsrEl1 >> 26));
        Assert.Equal(FaultStatus.Alignment, (uint)(m.Cpu.SysRegs.EsrEl1 & 0x3F));
        Assert.Equal(CodeBase + 5 * 4, m.Cpu.SysRegs.ElrEl1);
    }

    /// <summary>An exception a handler takes without throwing (the FP access trap, CPACR_EL1.FPEN = 0) ends the block.</summary>
    [Fact]
    public void TrapTakenWithoutAThrowEndsTheBlockAtTheVector()
    {
        using var m = new Machine();
        m.Load(CodeBase, AddX0One, AddX0One, 0x9E670020 /* fmov d0, x1 */, AddX0One, AddX0One, BrkStop);
        m.Load(Handler, 0x910005AD /* add x13, x13, #1 */, BrkStop);
        var exit = m.Cpu.Run(4);
        Assert.Equal(ExitReason.InstructionLimit, exit.Reason);
        Assert.Equal(3UL, m.Cpu.Retired);                            // the trapped FMOV does not retire (CPU-RET-1)
        Assert.Equal(1UL, m.Cpu.Unretired);
        Assert.Equal(2UL, m.Cpu.X(0));                               // nothing after the trapped FMOV ran
        Assert.Equal(1UL, m.Cpu.X(13));                              // the fourth instruction was the vector's
        Assert.Equal(Handler + 4, m.Cpu.Pc);
        Assert.Equal(ExceptionClass.FpAccess, (uint)(m.Cpu.SysRegs.EsrEl1 >> 26));
        Assert.Equal(CodeBase + 8, m.Cpu.SysRegs.ElrEl1);
    }

    [Fact]
    public void CPU_RET_1_FetchFaultUsesOneInstructionOfTheBudgetAndDoesNotRetire()
    {
        using var m = new Machine();
        m.Cpu.Pc = CodeBase + 2;   // misaligned PC: PC alignment fault on fetch
        var exit = m.Cpu.Run(1);
        Assert.Equal(ExitReason.InstructionLimit, exit.Reason);
        Assert.Equal(0UL, m.Cpu.Retired);
        Assert.Equal(1UL, m.Cpu.Unretired);
        Assert.Equal(Handler, m.Cpu.Pc);
        Assert.Equal(ExceptionClass.PcAlignment, (uint)(m.Cpu.SysRegs.EsrEl1 >> 26));
    }

    [Theory]
    [InlineData(0xD4000001u /* svc #0 */, 3UL, 0UL, 0x15u)]          // SVC's preferred return is the next instruction: it retires
    [InlineData(0x00000000u /* udf #0 */, 2UL, 1UL, 0x00u)]          // UNDEFINED: the instruction itself, not retired
    [InlineData(0xD4200000u /* brk #0 */, 2UL, 1UL, 0x3Cu)]          // BRK: the instruction itself, not retired
    public void CPU_RET_1_ExceptionGeneratingInstructionsRetireOnlyWhenTheyReturnPastThemselves(uint word, ulong retired, ulong unretired, uint ec)
    {
        using var m = new Machine();
        m.Load(CodeBase, AddX0One, word, AddX0One);
        m.Load(Handler, 0x910005AD /* add x13, x13, #1 */, BrkStop);
        var exit = m.Cpu.Run(3);
        Assert.Equal(ExitReason.InstructionLimit, exit.Reason);
        Assert.Equal(ec, (uint)(m.Cpu.SysRegs.EsrEl1 >> 26));
        Assert.Equal(1UL, m.Cpu.X(13));                              // the third instruction was the vector's
        Assert.Equal(retired, m.Cpu.Retired);
        Assert.Equal(unretired, m.Cpu.Unretired);
    }

    /// <summary>A vector whose first instruction faults again retires nothing, yet the run ends at its budget and time passes.</summary>
    [Fact]
    public void CPU_RET_1_ALoopOfFaultsEndsAtTheBudgetWithNothingRetired()
    {
        using var m = new Machine();
        m.Load(Handler, LdrX1X2);
        m.Cpu.SetX(2, Misaligned);
        m.Cpu.Pc = Handler;
        var exit = m.Cpu.Run(64);
        Assert.Equal(ExitReason.InstructionLimit, exit.Reason);
        Assert.Equal(0UL, m.Cpu.Retired);
        Assert.Equal(64UL, m.Cpu.Unretired);
        Assert.Equal(64UL, m.Cpu.ExceptionsTaken);
        Assert.Equal(64UL / 16, m.Cpu.CounterValue());               // 16 instructions per tick: the attempts take time
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(3UL)]
    [InlineData(7UL)]
    public void BlockNeverRunsPastTheBudget(ulong budget)
    {
        using var m = new Machine();
        m.Load(CodeBase, Enumerable.Repeat(AddX0One, 20).Append(BrkStop).ToArray());
        var exit = m.Cpu.Run(budget);
        Assert.Equal(ExitReason.InstructionLimit, exit.Reason);
        Assert.Equal(budget, m.Cpu.Retired);
        Assert.Equal(budget, m.Cpu.X(0));
        Assert.Equal(CodeBase + budget * 4, m.Cpu.Pc);
    }

    [Fact]
    public void BlockEndsAtThePageEndAndContinuesOnTheNextPage()
    {
        using var m = new Machine();
        ulong start = CodeBase + 0x1000 - 3 * 4;
        m.Load(start, Enumerable.Repeat(AddX0One, 6).Append(BrkStop).ToArray());
        m.Cpu.Pc = start;
        var exit = m.Cpu.Run(6);
        Assert.Equal(ExitReason.InstructionLimit, exit.Reason);
        Assert.Equal(6UL, m.Cpu.X(0));
        Assert.Equal(6UL, m.Cpu.Retired);
        Assert.Equal(start + 24, m.Cpu.Pc);
    }

    /// <summary>
    /// CPU-RUN-5: a run of Pure slots whose budget covers the rest of its page stops at the page's end without a bound
    /// test — at the sentinel after the page's last slot, which is never decoded or dispatched — and goes on in the next
    /// page; with any budget, the count, PC and registers are those of one instruction at a time.
    /// </summary>
    [Theory]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(4UL)]
    [InlineData(9UL)]
    public void CPU_RUN_5_APureRunStopsAtThePageEndAtItsSentinelAndGoesOnInTheNextPage(ulong budget)
    {
        using var m = new Machine();
        ulong start = CodeBase + 0x1000 - 3 * 4;
        m.Load(start, Enumerable.Repeat(AddX0One, 9).Append(BrkStop).ToArray());
        m.Cpu.Pc = start;
        var exit = m.Cpu.Run(budget);
        Assert.Equal(ExitReason.InstructionLimit, exit.Reason);
        Assert.Equal(budget, m.Cpu.X(0));
        Assert.Equal(budget, m.Cpu.Retired);
        Assert.Equal(start + budget * 4, m.Cpu.Pc);
        var page = m.Cpu.CodeCache.GetPage(m.Ram, CodeBase & ~0xFFFUL);
        Assert.Equal(CodeCache.SlotsPerPage + 1, page.Length);
        Assert.Equal(budget >= 3 ? BlockEnds.Pure : BlockEnds.NotDecoded, page[CodeCache.SlotsPerPage - 1].Kind);
        Assert.Equal((BlockEnds.NotDecoded, Decoding.A64Op.NotDecoded, (nint)0),
            (page[CodeCache.SlotsPerPage].Kind, page[CodeCache.SlotsPerPage].Op, page[CodeCache.SlotsPerPage].Handler));
    }

    [Fact]
    public void StopRequestedMidBlockEndsTheRunAfterTheInstructionInFlight()
    {
        using var m = new Machine();
        // The third instruction stores into a code page; the write notification (a device-like callback raised
        // inside the store) asks the PE to stop.
        m.Load(CodeBase, AddX0One, AddX0One, StrW3X4, AddX0One, AddX0One, BrkStop);
        m.Cpu.SetX(4, CodeBase + 0x800);
        m.Ram.CodeWritten += (_, _) => m.Cpu.RequestStop();
        var exit = m.Cpu.Run(100);
        Assert.Equal(ExitReason.StopRequested, exit.Reason);
        Assert.Equal(3UL, m.Cpu.Retired);
        Assert.Equal(2UL, m.Cpu.X(0));
        Assert.Equal(CodeBase + 12, m.Cpu.Pc);
        // Resuming runs the rest of the block.
        exit = m.Cpu.Run(2);
        Assert.Equal(ExitReason.InstructionLimit, exit.Reason);
        Assert.Equal(4UL, m.Cpu.X(0));
        Assert.Equal(5UL, m.Cpu.Retired);
    }

    [Fact]
    public void CounterReadInABlockSeesEveryInstructionBeforeIt()
    {
        using var m = new Machine();
        // 31 adds, then mrs x5, cntvct_el0 as the 32nd instruction: 32 retired = 2 ticks (16 instructions per tick).
        m.Load(CodeBase, Enumerable.Repeat(AddX0One, 31).Append(0xD53BE045u).Append(BrkStop).ToArray());
        m.Cpu.Run(32);
        Assert.Equal(32UL / CpuSystem.InstructionsPerTick, m.Cpu.X(5));
        using var m2 = new Machine();
        m2.Load(CodeBase, Enumerable.Repeat(AddX0One, 30).Append(0xD53BE045u).Append(BrkStop).ToArray());
        m2.Cpu.Run(31);
        Assert.Equal(1UL, m2.Cpu.X(5));
    }

    /// <summary>
    /// CPU-RUN-3: a slot carries its op's handler and block-end kind from decode; a write over it resets its Kind (so the
    /// run loop decodes it anew: the new instruction runs) and keeps the rest as it was fetched (CPU-DEC-2). Rewriting the
    /// same word resets it too, and the next fetch takes the slot's own decode again.
    /// </summary>
    [Fact]
    public void ASlotCarriesItsHandlerAndAWriteOverItDecodesItAnew()
    {
        using var m = new Machine();
        const uint addX0Two = 0x91000800;   // add x0, x0, #2
        m.Load(CodeBase, AddX0One, BrkStop);
        m.Cpu.Run(2);
        Assert.Equal(1UL, m.Cpu.X(0));
        var page = m.Cpu.CodeCache.GetPage(m.Ram, CodeBase & ~0xFFFUL);
        ref var slot = ref page[(int)(CodeBase >> 2) & (CodeCache.SlotsPerPage - 1)];
        Assert.Equal(Decoding.A64Op.ADD_imm_x, Decoding.A64Table.BaseOf(slot.Op));
        Assert.Equal(Decoding.A64Dispatch.HandlerOf(slot.Op), slot.Handler);
        Assert.NotEqual(0, slot.Handler);
        Assert.Equal(BlockEnds.Pure, slot.Kind);                      // CPU-RUN-4: ADD (immediate) touches only registers
        var decoded = (slot.Op, slot.Handler, slot.Raw, slot.Imm, slot.F0, slot.F1, slot.F2);

        m.Load(CodeBase, AddX0One);                                   // the same word: reset, then taken again as it is
        Assert.Equal(BlockEnds.NotDecoded, slot.Kind);
        m.Cpu.Pc = CodeBase;
        m.Cpu.Run(2);
        Assert.Equal(2UL, m.Cpu.X(0));
        Assert.Equal(BlockEnds.Pure, slot.Kind);
        Assert.Equal(decoded, (slot.Op, slot.Handler, slot.Raw, slot.Imm, slot.F0, slot.F1, slot.F2));

        m.Load(CodeBase, addX0Two);
        Assert.Equal(BlockEnds.NotDecoded, slot.Kind);
        Assert.Equal(decoded, (slot.Op, slot.Handler, slot.Raw, slot.Imm, slot.F0, slot.F1, slot.F2));

        m.Cpu.Pc = CodeBase;
        m.Cpu.Run(2);
        Assert.Equal(4UL, m.Cpu.X(0));
        Assert.Equal(addX0Two, slot.Raw);
        Assert.Equal(Decoding.A64Dispatch.HandlerOf(slot.Op), slot.Handler);
        Assert.Equal(BlockEnds.Pure, slot.Kind);
    }

    /// <summary>
    /// CPU-RUN-4: the rows marked <c>pure</c> are the data-processing rows but ADR/ADRP (which read the PC) and CRC32
    /// (UNDEFINED without FEAT_CRC32), and the hints without effect (CPU-RUN-6), their slots have the kind Pure, and executing any word of them, on any registers
    /// and flags, takes no exception, leaves PC and NextPc alone and gives a result that does not depend on them.
    /// </summary>
    [Fact]
    public void CPU_RUN_4_PureRowsTouchOnlyRegistersAndFlags()
    {
        var rng = new Random(4);
        int words = 0;
        foreach (var row in Decoding.A64Table.Rows.Where(r => r.Op != Decoding.A64Op.Unallocated))
        {
            bool expected = (row.Class.StartsWith("dp_imm.", StringComparison.Ordinal) && row.Class != "dp_imm.pcrel") ||
                (row.Class.StartsWith("dp_reg.", StringComparison.Ordinal) && row.Class != "dp_reg.crc") || row.Op == Decoding.A64Op.HINT_nop;
            Assert.True(expected == row.Pure, row.ToString());
            Assert.Equal(row.Pure, Decoding.A64Table.IsPure(row.Op));
            if (!row.Pure) continue;
            Assert.False(row.EndsBlock || row.Fp, row.ToString());
            for (int i = 0; i < 16; i++)
            {
                uint word = row.Value | ((uint)rng.NextInt64(0, 1L << 32) & ~row.Mask);
                if (Decoding.A64Decoder.FindRow(word) != row) continue;
                var d = Decoding.A64Decoder.Decode(word);
                Assert.Equal(BlockEnds.Pure, d.Kind);
                ulong[] regs = Enumerable.Range(0, 33).Select(_ => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 40)).ToArray();
                uint nzcv = (uint)rng.Next(16) << 28;
                string Execute(ulong pc)
                {
                    using var m = new Machine();
                    for (int r = 0; r < 31; r++) m.Cpu.SetX(r, regs[r]);
                    m.Cpu.Sp = regs[31];
                    m.Cpu.Nzcv = nzcv;
                    m.Cpu.Pc = pc;
                    m.Cpu.NextPc = regs[32];
                    var slot = d;
                    Decoding.A64Dispatch.Execute(m.Cpu, ref slot);
                    Assert.True(m.Cpu.Pc == pc && m.Cpu.NextPc == regs[32] && m.Cpu.ExceptionsTaken == 0, $"{row}: {word:X8}");
                    var s = new StringBuilder();
                    for (int r = 0; r < 31; r++) s.Append($"{m.Cpu.X(r):X} ");
                    return s.Append($"sp={m.Cpu.Sp:X} nzcv={m.Cpu.Nzcv:X}").ToString();
                }
                Assert.Equal(Execute(CodeBase), Execute(0xFFFF_8000_1234_5678));
                words++;
            }
        }
        Assert.True(words > 1000, $"only {words} words checked");
    }

    [Fact]
    public void EveryBranchExceptionAndSystemRowEndsABlockAndNoOtherRowDoes()
    {
        foreach (var row in Decoding.A64Table.Rows)
        {
            bool ends = BlockEnds.EndsBlock(row.Op);
            // CPU-RUN-6: of that class, only the hints without effect go on (pure).
            Assert.True(ends == (row.Op == Decoding.A64Op.Unallocated || (row.Class.StartsWith("br.", StringComparison.Ordinal) && row.Op != Decoding.A64Op.HINT_nop)), row.ToString());
        }
        Assert.Equal(BlockEnds.NotDecoded, BlockEnds.KindOf(Decoding.A64Op.NotDecoded));
        Assert.Equal(BlockEnds.NotDecoded, default(Decoding.DecodedInst).Kind);   // a fresh page's slots are undecoded
    }
}
