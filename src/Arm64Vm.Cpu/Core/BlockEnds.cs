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
    /// <summary>A <see cref="LeavesFastPath"/> value: the op ends the block.</summary>
    internal const byte Ends = 1;
    /// <summary>A <see cref="LeavesFastPath"/> value: a direct branch, which ends the block but may chain to its target (CPU-RUN-2).</summary>
    internal const byte Chain = 2;
    /// <summary>A <see cref="LeavesFastPath"/> value: <see cref="A64Op.NotDecoded"/>, decode the slot first.</summary>
    internal const byte NotDecoded = 3;

    /// <summary>
    /// One byte per op: nonzero when the block loop must leave its fast path at the slot — <see cref="A64Op.NotDecoded"/>
    /// (decode it first: a slot reset by self-modifying code inside the block is caught here: <see cref="NotDecoded"/>)
    /// or an op that <see cref="EndsBlock"/> (<see cref="Chain"/> for a direct branch, else <see cref="Ends"/>). One
    /// table load tests all.
    /// </summary>
    internal static readonly byte[] LeavesFastPath = Build();

    private static byte[] Build()
    {
        var table = new byte[A64Table.OpCount];
        table[(int)A64Op.NotDecoded] = NotDecoded;
        for (int op = 1; op < table.Length; op++)
            if (EndsBlock((A64Op)op)) table[op] = A64Table.Chains((A64Op)op) ? Chain : Ends;
        return table;
    }

    /// <summary>True for an op that ends a block: the decode table's flag (specs/a64/README.md, "Block ends").</summary>
    internal static bool EndsBlock(A64Op op) => A64Table.EndsBlock(op);
}
