using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Arm64Vm.Cpu.Decoding;
using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

public sealed unsafe partial class CpuCore
{
    private DecodedInst[]? _fetchPage;
    private ulong _fetchVaPage = ulong.MaxValue;
    private byte* _fetchHost;
    private bool _stop;
    private bool _eventPending;
    private CpuExit _exit;
    /// <summary>The instruction in flight when the run loop bypasses the pre-decoded code (<see cref="DecodeEveryInstruction"/>).</summary>
    private DecodedInst _inFlight;
    /// <summary>Test switch: the run loop bypasses the pre-decoded code (see <see cref="DecodeEveryInstruction"/>).</summary>
    private bool _decodeEveryInstruction;
    /// <summary>Inside <see cref="Run"/>: the slot at PC (or <see cref="_inFlight"/>) is the instruction whose accesses are being made.</summary>
    private bool _running;
    /// <summary>PC of the first instruction not yet added to <see cref="Retired"/> (see <see cref="RetireThroughPc"/>).</summary>
    private ulong _blockStartPc;
    /// <summary>
    /// The value of <see cref="Retired"/> at which the current <see cref="Run"/> ends (its budget). An instruction that
    /// does not retire (<see cref="UnretireCurrent"/>) lowers it by one, so the budget counts <see cref="Executed"/>.
    /// </summary>
    private ulong _retiredLimit;

    /// <summary>
    /// CPU-RET-1: instructions that took a synchronous exception whose preferred return address is the instruction
    /// itself (an abort, a trap, UNDEFINED, a debug exception, a stage-2 fault the host resolves): they do not retire
    /// (Arm ARM (DDI 0487K.a) section D12.11, event 0x0008 INST_RETIRED, "instruction architecturally executed"),
    /// so <see cref="Retired"/> and PMU INST_RETIRED leave them out. SVC, HVC and SMC, whose preferred return address
    /// is the next instruction, retire. Each attempt still takes time: the run budget and the virtual counter count <see cref="Executed"/>.
    /// </summary>
    public ulong Unretired;

    /// <summary>Instructions retired plus attempts that took a synchronous exception instead (<see cref="Unretired"/>):
    /// what the run budget and the virtual counter (CpuSystem.SystemCounter) count.</summary>
    public ulong Executed => Retired + Unretired;

    /// <summary>Ends the current <see cref="Run"/> after the instruction in flight (safe from a device callback).</summary>
    public void RequestStop()
    {
        _stop = true;
        _eventPending = true;
    }

    /// <summary>
    /// Forgets the cached fetch page: the translation regime, EL or mapping of the PC may have changed. Inside
    /// <see cref="Run"/> this also ends the block after the instruction in flight (the block executes from the page it
    /// entered), which covers every exception a handler takes without throwing.
    /// </summary>
    public void InvalidateFetch()
    {
        _fetchVaPage = ulong.MaxValue;
        _fetchPage = null;
        _eventPending = true;
    }

    /// <summary>
    /// Runs until an exit: at most <paramref name="maxInstructions"/> instructions. Guest faults become guest
    /// exceptions; nothing the guest does throws out of here.
    /// </summary>
    public CpuExit Run(ulong maxInstructions)
    {
        _exit = default;
        _stop = false;
        _eventPending = false;
        ulong limit = Retired + maxInstructions;
        _retiredLimit = limit < Retired ? ulong.MaxValue : limit;
        _blockStartPc = Pc + 4;
        _running = true;
        try
        {
            RunUntilExit();
        }
        finally
        {
            _running = false;
        }
        if (_exit.Reason == ExitReason.None) _exit.Reason = ExitReason.StopRequested;
        return _exit;
    }

    private void RunUntilExit()
    {
        while (Retired != _retiredLimit)
        {
            try
            {
                if (_perInstruction) RunOneInstruction();   // DBG-9: debug events, or the test switch
                else RunBlocks();
            }
            catch (GuestException)
            {
                // The instruction at Pc faulted in its fetch or its execution: the exception it took (or the exit to
                // EL2 it prepared) already removed it from the count (CPU-RET-1); retire the block's instructions
                // before it and commit its NextPc.
                RetireThroughPc();
                CommitNextPc();
            }
            if (_eventPending && CheckEvents()) return;
        }
        _exit.Reason = ExitReason.InstructionLimit;
    }

    /// <summary>
    /// The event-check point: reached after any instruction that set <see cref="_eventPending"/> (a block ends
    /// there), with <see cref="Retired"/> exact and <see cref="Pc"/> the next instruction. Returns true when the run
    /// must stop.
    /// </summary>
    private bool CheckEvents()
    {
        _eventPending = false;
        if (_stop) return true;
        UpdatePmuOutput();   // IRQ-4: a PMU register write or a sampled overflow may have changed PPI 23
        // IRQ-1: an interrupt signalled to this PE is taken at the instruction boundary the block ended on.
        TakePendingInterrupt();
        return false;
    }

    /// <summary>
    /// Adds the instructions from <see cref="_blockStartPc"/> through the one at <see cref="Pc"/> (inclusive) to
    /// <see cref="Retired"/>. Within a block Pc advances by 4 per instruction, so the count is exact however the block
    /// ends (a block-ending instruction, or a GuestException at Pc in its fetch or execution).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RetireThroughPc()
    {
        ulong next = Pc + 4;
        Retired += (next - _blockStartPc) >> 2;
        _blockStartPc = next;
    }

    /// <summary>
    /// CPU-RET-1, DBG-10: the instruction at PC took a synchronous exception and does not retire. Either it is not
    /// counted yet (the block's count runs from <see cref="_blockStartPc"/> through PC: the start moves past one
    /// instruction) or it was counted before it executed (a block-ending instruction: <see cref="_blockStartPc"/> is
    /// past it). It joins <see cref="Unretired"/> and uses up one instruction of the run's budget.
    /// </summary>
    internal void UnretireCurrent()
    {
        if (!_running) return;
        if (_blockStartPc > Pc) Retired--;
        else _blockStartPc += 4;
        Unretired++;
        _retiredLimit--;
    }

    /// <summary>Moves to the next instruction between blocks (nothing of the next block is in flight yet: <see cref="RetiredNow"/> = <see cref="Retired"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CommitNextPc()
    {
        Pc = NextPc;
        _blockStartPc = Pc + 4;
    }

    /// <summary>
    /// CPU-RUN-1: runs straight-line blocks until the budget (<see cref="_retiredLimit"/>) ends or an event is pending. A block
    /// runs from PC to the first block-ending instruction (<see cref="BlockEnds"/>), the end of the page or the end of
    /// the budget, whichever comes first; it also ends after an instruction that sets <see cref="_eventPending"/> (a
    /// device, a stop request, a fetch-context change — which covers every exception a handler takes without
    /// throwing, see <see cref="InvalidateFetch"/>). Slots are decoded lazily as the block reaches them, so the
    /// instruction side sees the same fetches in the same order as one instruction at a time, and a slot that a store
    /// of this block reset (self-modifying code) decodes anew before it runs. <see cref="Retired"/> is accounted once
    /// per block, and before a block-ending instruction, which may read the count (MRS CNTVCT_EL0, through the system
    /// counter): no other instruction can observe it (a device access leaves the run through an exit first).
    /// <para>
    /// CPU-RUN-2: a direct branch (<see cref="BlockEnds.Chain"/>: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ) ends its block
    /// like any block end — the count settled through it, after it executes, since it cannot read it — but when its
    /// target lies in the same page, the budget is not spent and no event is pending, the next block starts there
    /// without leaving the loop: the page is the one the branch was fetched from, so the fetch check the outer loop
    /// would make is known to pass, the target's slot is the branch's moved by the distance, and the block's end stays
    /// the page end unless the budget ends first.
    /// </para>
    /// <para>
    /// CPU-RUN-4: a run of <see cref="BlockEnds.Pure"/> slots (ops that touch only registers and NZCV) executes without
    /// the PC and NextPc stores and the event test the other instructions get.
    /// </para>
    /// <para>
    /// CPU-FUSE-1: a <see cref="BlockEnds.Fused"/> slot (a flag-setting op before a B.cond, <see cref="LinkPair"/>) runs
    /// with the B.cond as one step when the B.cond's slot is decoded and the budget covers both, and ends the step
    /// like the branch it ends with.
    /// </para>
    /// </summary>
    private void RunBlocks()
    {
        // The PC lives in a local across blocks: the next block of the same page (a loop's back edge, a fall-through)
        // starts with one compare. CPU-RUN-3: each slot carries its handler and block-end kind, so a straight-line
        // instruction costs no table load and nothing but this, pc, end and the slot is live across its call.
        ulong pc = Pc;
        do
        {
            _blockStartPc = pc;
            // One test covers "PC left the cached page" and "PC is not word aligned".
            if (((pc ^ _fetchVaPage) & ~0xFFCUL) != 0) EnterFetchPage(pc);
            int first = (int)(pc >> 2) & (CodeCache.SlotsPerPage - 1);
            ulong end = BlockEnd(pc, _retiredLimit - Retired);
            ref DecodedInst d = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_fetchPage!), first);
            while (true)
            {
                uint kind = d.Kind;
                if (kind == BlockEnds.Pure)
                {
                    // CPU-RUN-4: a run of ops that touch only registers and NZCV: no PC or NextPc for them, no event
                    // after them. At the block's end the code after this loop reads NextPc.
                    if ((end & 0xFFF) == 0)
                    {
                        // CPU-RUN-5: the budget covers the rest of the page (end is the page's end: the only end on a
                        // page boundary), so the run needs no bound test: it stops at the first slot that is not Pure,
                        // at the latest the page's sentinel.
                        do
                        {
                            A64Dispatch.ExecuteSlot(this, ref d);
                            pc += 4;
                            d = ref Unsafe.Add(ref d, 1);
                        }
                        while (d.Kind == BlockEnds.Pure);
                        if (pc == end)
                        {
                            NextPc = pc;
                            goto BlockDone;
                        }
                        kind = d.Kind;
                    }
                    else while (true)
                    {
                        A64Dispatch.ExecuteSlot(this, ref d);
                        pc += 4;
                        if (pc == end)
                        {
                            NextPc = pc;
                            goto BlockDone;
                        }
                        d = ref Unsafe.Add(ref d, 1);
                        kind = d.Kind;
                        if (kind != BlockEnds.Pure) break;
                    }
                }
                Pc = pc;
                ulong target;
                if (kind == BlockEnds.Straight) goto Straight;
                if (kind == BlockEnds.Fused)
                {
                    // CPU-FUSE-1: a flag-setting op and the B.cond after it, as one step that counts two. The first
                    // cannot fault, set an event or read PC and NextPc, so nothing can happen between the two; the
                    // B.cond's slot is read as it is now: decoded, it is the B.cond (CpuCore.LinkPair keeps this
                    // slot Fused only while the next one is a B.cond or reset), reset, the pair runs one at a time.
                    // The budget must cover both.
                    ref DecodedInst b = ref Unsafe.Add(ref d, 1);
                    if (b.Kind != BlockEnds.Chain || pc + 4 == end) goto Straight;
                    A64Dispatch.ExecuteSlot(this, ref d);
                    pc += 4;
                    d = ref b;
                    target = FusedBranchTaken(b.Raw & 15) ? pc + b.Imm : pc + 4;
                    NextPc = target;
                }
                else if (kind == BlockEnds.Chain)
                {
                    // CPU-RUN-2: a direct branch cannot fault, read the count or change the fetch context, so it
                    // is counted after it executes; go on at its target when that is in the page of the branch.
                    NextPc = pc + 4;
                    A64Dispatch.ExecuteSlot(this, ref d);
                    target = NextPc;
                }
                else if (kind == BlockEnds.NotDecoded)
                {
                    DecodeSlot(ref d, pc);
                    continue;
                }
                else
                {
                    // A block-ending instruction: the count is exact when it executes (it counts itself, as a fault
                    // in it would), and it is the block's last. Nothing but pc is live across its call. No
                    // instruction before it in the block took an exception without throwing (that ends the block),
                    // so the block still starts at _blockStartPc.
                    pc += 4;
                    Retired += (pc - _blockStartPc) >> 2;
                    _blockStartPc = pc;
                    NextPc = pc;
                    A64Dispatch.ExecuteSlot(this, ref d);
                    goto Executed;
                }
                // The branch at pc (chained or fused) executed: count the block through it.
                Retired += (pc + 4 - _blockStartPc) >> 2;
                if (((target ^ pc) & ~0xFFFUL) == 0 && !_eventPending)
                {
                    ulong left = _retiredLimit - Retired;
                    if (left != 0)
                    {
                        // The next block starts at the target, in this page: its slot is the branch's moved by
                        // the distance. While the budget covers a page, end is the page end already (it only
                        // shrinks with the budget).
                        _blockStartPc = target;
                        // CPU-RUN-8: a backward B.cond of a fused pair (the slot before it is Fused; target < pc keeps
                        // that slot in this page) closing a body of pure slots: the loop runs in place. The test reads
                        // the slots, not `kind`, so that nothing but this, d, pc and end is live across the handler calls.
                        if (target < pc && Unsafe.Subtract(ref d, 1).Kind == BlockEnds.Fused &&
                            PureSlots(ref Unsafe.AddByteOffset(ref d, (nint)(target - pc) * (Unsafe.SizeOf<DecodedInst>() / 4)), (int)((pc - 4 - target) >> 2)))
                        {
                            ulong next = RunPureLoop(ref d, pc, target);
                            if ((next & 1) != 0)
                            {
                                NextPc = next - 1;
                                goto Executed;
                            }
                            // The block at target goes on at next, with Retired settled through the turns before it.
                            d = ref Unsafe.AddByteOffset(ref d, (nint)(next - pc) * (Unsafe.SizeOf<DecodedInst>() / 4));
                            pc = next;
                            end = BlockEnd(_blockStartPc, _retiredLimit - Retired);
                            continue;
                        }
                        d = ref Unsafe.AddByteOffset(ref d, (nint)(target - pc) * (Unsafe.SizeOf<DecodedInst>() / 4));
                        pc = target;
                        if (left < CodeCache.SlotsPerPage)
                            end = BlockEnd(pc, left);
                        continue;
                    }
                }
                goto Executed;
            Straight:
                // The instruction executes through its slot. Its own access may invalidate that slot (a store into its
                // own line with DIC=1, a write reaching RAM of a code page, an eviction or IC IALLU that removes its
                // line from the L1I): invalidation only resets Kind (CodeCache.InvalidateRange), which was dispatched
                // on before the access, so the operands stay those it was fetched with (Arm ARM (DDI 0487K.a) section
                // B2.2.5).
                while (true)
                {
                    NextPc = pc + 4;
                    A64Dispatch.ExecuteSlot(this, ref d);
                    pc += 4;
                    if (pc == end || _eventPending) goto BlockDone;
                    d = ref Unsafe.Add(ref d, 1);
                    if (d.Kind != BlockEnds.Straight) break;
                    Pc = pc;
                }
            }
        BlockDone:
            // From _blockStartPc: an instruction that took an exception without throwing moved it past itself
            // (CPU-RET-1).
            Retired += (pc - _blockStartPc) >> 2;
        Executed:
            pc = NextPc;
            Pc = pc;
        }
        while (!_eventPending && Retired != _retiredLimit);
        _blockStartPc = pc + 4;
    }

    /// <summary>This PE's recent decodes (CPU-DEC-1).</summary>
    private readonly DecodeMemo _decodeMemo = new();

    /// <summary>
    /// Decodes the slot at <paramref name="pc"/> (of the current fetch page) from RAM or (cache model) through this PE's
    /// instruction side, and links the pairs it belongs to (<see cref="LinkPair"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DecodeSlot(ref DecodedInst d, ulong pc)
    {
        uint word = FetchWord(pc);
        // CPU-DEC-2: a slot decoded before (it has a handler) and reset keeps all that decoding its word gave; when the
        // fetch returns that word again (its line left the L1I and came back unchanged), only its kind comes back.
        if (d.Handler != 0 && d.Raw == word) d.Kind = BlockEnds.KindOf(d.Op);
        else d = _decodeMemo.Decode(word);     // CPU-DEC-1
        // d is slot i of its page (both callers pass the slot of pc in the fetch page): its neighbours are the slots beside it.
        int i = (int)(pc >> 2) & (CodeCache.SlotsPerPage - 1);
        if (i != 0) LinkPair(ref Unsafe.Subtract(ref d, 1), in d);
        if (i != CodeCache.SlotsPerPage - 1) LinkPair(ref d, in Unsafe.Add(ref d, 1));
    }

    /// <summary>
    /// CPU-FUSE-1: makes <paramref name="first"/> (decoded, a flag-setting op, <see cref="BlockEnds.FusesFirst"/>) a
    /// <see cref="BlockEnds.Fused"/> slot when <paramref name="next"/>, the slot after it in the same page, is a decoded
    /// B.cond, and one of its op's kind (<see cref="BlockEnds.Pure"/>) otherwise. Called whenever either slot is decoded, so a Fused
    /// slot's next slot is always a B.cond or reset (<see cref="CodeCache.InvalidateRange"/> resets a slot alone): the
    /// run loop reads the B.cond from its own slot and runs the pair one at a time when that slot is reset. Only the
    /// kind changes: nothing is fetched, so the instruction side sees the fetches it would see without fusion.
    /// </summary>
    private static void LinkPair(ref DecodedInst first, in DecodedInst next)
    {
        // A reset slot keeps its op (CPU-DEC-2): only its kind says it is not decoded.
        if (first.Kind == BlockEnds.NotDecoded || !BlockEnds.FusesFirst(first.Op)) return;
        first.Kind = next.Kind != BlockEnds.NotDecoded && BlockEnds.IsCondBranch(next.Op) ? BlockEnds.Fused : BlockEnds.KindOf(first.Op);
    }

    /// <summary>
    /// CPU-FUSE-1: whether the B.cond of a fused pair, with condition <paramref name="cond"/>, branches (as
    /// A64Exec.BranchCond: EQ and NE from Z alone). The pair's first op recorded its flags lazily (every op that
    /// <see cref="BlockEnds.FusesFirst"/> is an ADDS, SUBS, ANDS or BICS: CPU-FLAGS-1), so they are read from the record
    /// without the test of which form the flags are in: Z is r = 0, and for EQ (0) and NE (1) the branch is taken when
    /// Z differs from cond's bit 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool FusedBranchTaken(uint cond)
    {
        Debug.Assert(_flagsLazy, "the first op of a fused pair records its flags (CPU-FLAGS-1)");
        return (cond >> 1) == 0
            ? (Unsafe.BitCast<bool, byte>(_flagsR == 0) ^ cond) != 0
            : Execution.A64Exec.ConditionHolds(LazyFlags.Compute(_flagsX, _flagsY, _flagsC, _flagsR), cond);
    }

    /// <summary>
    /// The end of a block that starts at <paramref name="start"/> with <paramref name="left"/> instructions of budget: where
    /// the budget ends or the page does, whichever is first (the page's end is the only end on a page boundary: CPU-RUN-5).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BlockEnd(ulong start, ulong left) =>
        start + 4 * Math.Min(left, (ulong)(CodeCache.SlotsPerPage - ((int)(start >> 2) & (CodeCache.SlotsPerPage - 1))));

    /// <summary>True when the <paramref name="count"/> slots from <paramref name="first"/> are all <see cref="BlockEnds.Pure"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool PureSlots(ref DecodedInst first, int count)
    {
        for (int i = 0; i < count; i++)
            if (Unsafe.Add(ref first, i).Kind != BlockEnds.Pure) return false;
        return true;
    }

    /// <summary>
    /// CPU-RUN-8: runs in place the loop closed by the B.cond in slot <paramref name="branch"/> at <paramref name="pc"/>,
    /// which has just branched back to <paramref name="target"/> (its block, started at target, was counted through
    /// it): the body is the pure slots from target and the fused pair they end with. A turn runs only while the budget
    /// covers all of it, no event is pending and the body's slots have the kinds they had when the loop began (tested
    /// before each turn, <see cref="BodyIntact"/>), and is counted after it: nothing in it can fault, read the PC,
    /// NextPc or the count, or raise an event (CPU-RUN-4, CPU-FUSE-1), so no PC, NextPc or count is stored per
    /// instruction. Returns, with <see cref="Retired"/> settled through the turns run, the address the block at target
    /// goes on at — target itself when the budget is short of a turn or a slot of the body was reset — or that address
    /// plus 1 when the block is done and the run loop goes on there: after the B.cond when it fell through, at target
    /// when the budget is spent or an event is pending.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong RunPureLoop(ref DecodedInst branch, ulong pc, ulong target)
    {
        nint f = (nint)((pc - 4 - target) >> 2);
        ref DecodedInst head = ref Unsafe.Subtract(ref branch, f + 1);
        // A body of up to three pure slots (a loop of up to five instructions) runs with f a constant: each slot from
        // a call site of its own and the tests of its kinds without a loop (PureTurns).
        return f switch
        {
            0 => PureTurns(ref head, 0),
            1 => PureTurns(ref head, 1),
            2 => PureTurns(ref head, 2),
            3 => PureTurns(ref head, 3),
            _ => PureTurns(ref head, f),
        };
    }

    /// <summary>
    /// <see cref="RunPureLoop"/>'s turns over the body of <paramref name="f"/> pure slots from <paramref name="head"/>.
    /// Inlined with a constant <paramref name="f"/> of 3 or less, it calls each slot's handler from a call site of its
    /// own, so that the host predicts each call from its site alone (one call site for every slot of a turn costs
    /// int-loop about a fifth of its time). Live across the handler calls: this, head and f alone, so that all stay in
    /// registers; target is _blockStartPc (the caller's block start) when it is needed again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong PureTurns(ref DecodedInst head, nint f)
    {
        while (_retiredLimit - Retired >= (ulong)f + 2 && !_eventPending)
        {
            if (!BodyIntact(ref head, f)) return _blockStartPc;
            if (f > 0) A64Dispatch.ExecuteSlot(this, ref head);
            if (f > 1) A64Dispatch.ExecuteSlot(this, ref Unsafe.Add(ref head, 1));
            if (f > 2) A64Dispatch.ExecuteSlot(this, ref Unsafe.Add(ref head, 2));
            for (nint i = 3; i < f; i++) A64Dispatch.ExecuteSlot(this, ref Unsafe.Add(ref head, i));
            A64Dispatch.ExecuteSlot(this, ref Unsafe.Add(ref head, f));
            Retired += (ulong)f + 2;
            if (!FusedBranchTaken(Unsafe.Add(ref head, f + 1).Raw & 15)) return _blockStartPc + 4 * ((ulong)f + 2) + 1;
        }
        return _retiredLimit == Retired || _eventPending ? _blockStartPc + 1 : _blockStartPc;
    }

    /// <summary>
    /// CPU-RUN-8: whether the loop's body from <paramref name="head"/> has the kinds it had when the loop began: its
    /// <paramref name="f"/> slots pure, the pair's first fused and its B.cond decoded. A slot changes only when a write,
    /// a fetch or an eviction resets it (the run loop then decodes it anew), and a turn does none of these, so a body
    /// intact before a turn stays intact through it and its slots run without a test each. With a constant f of 3 or
    /// less, the tests are loads and ORs without a branch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool BodyIntact(ref DecodedInst head, nint f)
    {
        ref DecodedInst fused = ref Unsafe.Add(ref head, f);
        uint changed = (fused.Kind ^ (uint)BlockEnds.Fused) | (Unsafe.Add(ref fused, 1).Kind ^ (uint)BlockEnds.Chain);
        if (f > 0) changed |= head.Kind ^ (uint)BlockEnds.Pure;
        if (f > 1) changed |= Unsafe.Add(ref head, 1).Kind ^ (uint)BlockEnds.Pure;
        if (f > 2) changed |= Unsafe.Add(ref head, 2).Kind ^ (uint)BlockEnds.Pure;
        for (nint i = 3; i < f; i++) changed |= Unsafe.Add(ref head, i).Kind ^ (uint)BlockEnds.Pure;
        return changed == 0;
    }

    /// <summary>The instruction word at <paramref name="pc"/> in the current fetch page.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint FetchWord(ulong pc) => _fetchHost != null ? *(uint*)(_fetchHost + (pc & 0xFFC)) : FetchThroughMemory(pc);

    /// <summary>
    /// Test-only: with <paramref name="on"/> every instruction is fetched and decoded anew and the pre-decoded code
    /// is neither read nor written: the machine without a code cache that the code-cache properties compare
    /// against. The switch is tested once per block, never per instruction.
    /// </summary>
    internal void DecodeEveryInstruction(bool on)
    {
        _decodeEveryInstruction = on;
        _perInstruction = on || _debugExec;
    }

    /// <summary>One instruction without the pre-decoded code (the reference of <see cref="DecodeEveryInstruction"/>).</summary>
    private void RunOneWithoutCodeCache()
    {
        ulong pc = Pc;
        _blockStartPc = pc;
        if (((pc ^ _fetchVaPage) & ~0xFFCUL) != 0) EnterFetchPage(pc);
        _inFlight = A64Decoder.Decode(FetchWord(pc));
        RetireThroughPc();
        NextPc = pc + 4;
        A64Dispatch.Execute(this, ref _inFlight);
        CommitNextPc();
    }

    /// <summary>Slow path of instruction fetch: alignment check, translation, and the pre-decoded page.</summary>
    private void EnterFetchPage(ulong pc)
    {
        if (IllegalState)
        {
            // PSTATE.IL set by an illegal exception return: the next instruction takes an Illegal Execution
            // state exception (Arm ARM D1.4.4), EC 0x0E.
            NextPc = pc;
            TakeException(ExceptionClass.IllegalState, 0);
            throw GuestException.Instance;
        }
        if ((pc & 3) != 0)
        {
            // PC alignment fault (Arm ARM D1.3.5.2): EC 0x22, FAR = the misaligned PC.
            NextPc = pc;
            TakeException(ExceptionClass.PcAlignment, 0, pc, farValid: true);
            throw GuestException.Instance;
        }
        if (!_mmu.TranslateFetch(pc, El, out ulong pa)) throw GuestException.Instance;
        var ram = Memory.Map.FindRam(pa);
        if (ram == null || !ram.Contains(pa, 4))
        {
            // Executing from something that is not RAM: synchronous external abort on instruction fetch.
            NextPc = pc;
            TakeInstructionAbort(pc, FaultStatus.SynchronousExternal);
            throw GuestException.Instance;
        }
        SetFetchSource(ram, pa & ~(ulong)(Ram.PageSize - 1), pc);
        _fetchVaPage = pc & ~(ulong)(Ram.PageSize - 1);
    }

    /// <summary>Records an exit for the host and stops the run loop after the current instruction.</summary>
    internal void ExitToHost(in CpuExit exit)
    {
        _exit = exit;
        _stop = true;
        _eventPending = true;
    }

    /// <summary>Reads the instruction word at a VA as the guest would fetch it (for traces and tests).</summary>
    public bool TryPeekInstruction(ulong va, out uint word)
    {
        word = 0;
        if (!TryTranslateNoFault(va, AccessKind.Fetch, El, out ulong pa, out _)) return false;
        if (!Memory.TryRead(Index, pa, 4, AccessKind.Fetch, MemoryAttributes.NormalWriteBackInnerShareable, out ulong v)) return false;
        word = (uint)v;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong CounterValue() => System.SystemCounter();
}
