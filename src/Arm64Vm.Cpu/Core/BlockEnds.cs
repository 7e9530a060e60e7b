using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu;

/// <summary>
/// Which pre-decoded ops end a straight-line block of the run loop (<see cref="CpuCore.Run"/>): every row of the
/// "branches, exception generating and system instructions" class (Arm ARM (DDI 0487K.a) section C4.1.65:
/// branches, SVC/HVC/SMC/BRK/HLT, hints, barriers, MSR/MRS, SYS) and unallocated encodings. Such an instruction may
/// change the PC, the exception level or the translation regime, or read the instruction count (MRS CNTVCT_EL0), so
/// the run loop settles the count before it and executes it as the block's last instruction.
/// </summary>
internal static class BlockEnds
{
    /// <summary>A <see cref="DecodedInst.Kind"/>: <see cref="A64Op.NotDecoded"/>, decode the slot first. It is 0, so a fresh (zeroed) slot has it.</summary>
    internal const byte NotDecoded = 0;
    /// <summary>A <see cref="DecodedInst.Kind"/>: the op does not end the block (the run loop's fast path).</summary>
    internal const byte Straight = 1;
    /// <summary>A <see cref="DecodedInst.Kind"/>: the op ends the block.</summary>
    internal const byte Ends = 2;
    /// <summary>A <see cref="DecodedInst.Kind"/>: a direct branch, which ends the block but may chain to its target (CPU-RUN-2).</summary>
    internal const byte Chain = 3;
    /// <summary>
    /// A <see cref="DecodedInst.Kind"/>: CPU-FUSE-1, a flag-setting op (<see cref="A64Table.Fuses"/>) whose next slot, in
    /// the same page, holds a B.cond or is not decoded. Never produced by the decoder: the run loop's
    /// <c>CpuCore.LinkPair</c> sets it on the first slot of a pair when it decodes either slot.
    /// </summary>
    internal const byte Fused = 4;
    /// <summary>
    /// A <see cref="DecodedInst.Kind"/>: CPU-RUN-4, a straight op that touches only general-purpose registers and NZCV
    /// (<see cref="A64Table.IsPure"/>): the run loop stores neither PC nor NextPc for it and tests no event after it.
    /// </summary>
    internal const byte Pure = 5;

    /// <summary>
    /// CPU-RUN-3: one byte per op, the <see cref="DecodedInst.Kind"/> the decoder stores in a slot with the op —
    /// <see cref="NotDecoded"/> (a slot reset by self-modifying code inside the block is caught here), <see cref="Chain"/>
    /// for a direct branch, <see cref="Ends"/> for another op that <see cref="EndsBlock"/>, else <see cref="Pure"/>
    /// (CPU-RUN-4) or <see cref="Straight"/>.
    /// </summary>
    private static readonly byte[] Kinds = Build();

    private static byte[] Build()
    {
        var table = new byte[A64Table.OpCount];
        table[(int)A64Op.NotDecoded] = NotDecoded;
        for (int op = 1; op < table.Length; op++)
            table[op] = !EndsBlock((A64Op)op) ? (A64Table.IsPure((A64Op)op) ? Pure : Straight) : A64Table.Chains((A64Op)op) ? Chain : Ends;
        return table;
    }

    /// <summary>CPU-FUSE-1: per op, 1 for the first op of a fusable pair (<see cref="A64Table.Fuses"/>), 2 for a B.cond (row B_cond or a variant).</summary>
    private static readonly byte[] PairRoles = BuildPairRoles();

    private static byte[] BuildPairRoles()
    {
        var table = new byte[A64Table.OpCount];
        for (int op = 1; op < table.Length; op++)
            table[op] = A64Table.Fuses((A64Op)op) ? (byte)1 : A64Table.BaseOf((A64Op)op) == A64Op.B_cond ? (byte)2 : (byte)0;
        return table;
    }

    /// <summary>CPU-FUSE-1: the op sets NZCV and cannot fault or read the PC, so it may execute together with a B.cond after it.</summary>
    internal static bool FusesFirst(A64Op op) => PairRoles[(int)op] == 1;

    /// <summary>CPU-FUSE-1: the op is a B.cond (the second op of a fused pair).</summary>
    internal static bool IsCondBranch(A64Op op) => PairRoles[(int)op] == 2;

    /// <summary>The <see cref="DecodedInst.Kind"/> of an op.</summary>
    internal static byte KindOf(A64Op op) => Kinds[(int)op];

    /// <summary>True for an op that ends a block: the decode table's flag (specs/a64/README.md, "Block ends").</summary>
    internal static bool EndsBlock(A64Op op) => A64Table.EndsBlock(op);
}
