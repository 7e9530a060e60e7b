namespace Arm64Vm.Cpu.Decoding;

/// <summary>
/// Decodes a 32-bit A64 word against the generated table. Rows are bucketed by bits [31:21] at start-up; a
/// bucket lists, in table order, the rows whose fixed bits agree with that key, so a decode tests a handful of
/// mask/value pairs. Rows in a priority group are tried in the group's order; a row whose validator rejects the
/// word does not match.
/// </summary>
public static class A64Decoder
{
    private const int KeyShift = 21;
    private static readonly DecodeRow[][] Buckets = BuildBuckets();
    private static readonly DecodeRow?[] RowByOp = BuildRowByOp();

    private static DecodeRow[][] BuildBuckets()
    {
        var buckets = new DecodeRow[1 << (32 - KeyShift)][];
        uint keyMask = ~0u << KeyShift;
        for (uint key = 0; key < buckets.Length; key++)
        {
            uint bits = key << KeyShift;
            buckets[key] = A64Table.Rows.Where(r => ((bits ^ r.Value) & r.Mask & keyMask) == 0).ToArray();
        }
        return buckets;
    }

    private static DecodeRow?[] BuildRowByOp()
    {
        var byOp = new DecodeRow?[A64Table.OpCount];
        foreach (var r in A64Table.Rows) if (r.Op != A64Op.Unallocated) byOp[(int)r.Op] = r;
        return byOp;
    }

    /// <summary>The table row that decodes this word, or null when the word is unallocated.</summary>
    public static DecodeRow? FindRow(uint word)
    {
        foreach (var row in Buckets[word >> KeyShift])
        {
            if ((word & row.Mask) != row.Value) continue;
            if (row.HasValidator && !A64Hooks.Validate(row.Op, word)) continue;
            return row.Op == A64Op.Unallocated ? null : row;
        }
        return null;
    }

    public static A64Op DecodeOp(uint word) => FindRow(word)?.Op ?? A64Op.Unallocated;

    /// <summary>
    /// The pre-decoded slot of a word: its row's op, or the variant op of the row's first matching decode-time
    /// specialisation (<c>spec=field:value</c>), with the row's predecoded immediate and operand bytes (CPU-SPEC-2), and
    /// (CPU-RUN-3) the op's handler entry point and block-end kind.
    /// </summary>
    public static DecodedInst Decode(uint word)
    {
        var op = DecodeOp(word);
        var d = new DecodedInst { Raw = word };
        if (op != A64Op.Unallocated)
        {
            d.Imm = A64Hooks.Predecode(op, word);
            A64Hooks.Operands(op, word, ref d);
            op = A64Hooks.Specialise(op, word);
        }
        d.Op = op;
        d.Handler = A64Dispatch.HandlerOf(op);
        d.Kind = BlockEnds.KindOf(op);
        return d;
    }

    /// <summary>The row of an op, or of the row a decode-time specialisation belongs to.</summary>
    public static DecodeRow? RowOf(A64Op op)
    {
        op = A64Table.BaseOf(op);
        return (int)op < RowByOp.Length ? RowByOp[(int)op] : null;
    }
}
