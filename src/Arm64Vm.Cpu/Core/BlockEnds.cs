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
    /// <summary>
    /// One byte per op: nonzero when the block loop must leave its fast path at the slot — <see cref="A64Op.NotDecoded"/>
    /// (decode it first: a slot reset by self-modifying code inside the block is caught here) or an op that
    /// <see cref="EndsBlock"/>. One table load tests both.
    /// </summary>
    internal static readonly byte[] LeavesFastPath = Build();

    private static byte[] Build()
    {
        var table = new byte[A64Table.OpCount];
        table[(int)A64Op.NotDecoded] = 1;
        for (int op = 1; op < table.Length; op++)
            if (EndsBlock((A64Op)op)) table[op] = 1;
        return table;
    }

    /// <summary>True for an op that ends a block: the decode table's flag (specs/a64/README.md, "Block ends").</summary>
    internal static bool EndsBlock(A64Op op) => A64Table.EndsBlock(op);
}
