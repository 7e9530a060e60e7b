using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Tools.DiffTest;

/// <summary>
/// Builds random instruction sequences from the decode table's integer classes (dp_imm.*, dp_reg.*, ldst.* with
/// V = 0, br.* except exception generation and system). The words are random fillings of a row's don't-care bits
/// that our own decoder maps back to that row, then constrained so the sequence stays well defined:
/// <list type="bullet">
/// <item>memory: base registers re-pinned (MOVZ/MOVK) to the scratch area before every access, offsets masked,
///   every access naturally aligned (MMU off = Device memory), register offsets pinned to small values;</item>
/// <item>no CONSTRAINED UNPREDICTABLE forms: writeback with Rt == Rn, LDP with Rt == Rt2, store-exclusive
///   status register overlapping its operands, store-exclusive of another size than the open reservation or
///   with a store in between;</item>
/// <item>branches only go forward to the start of a later instruction group or to the sequence end; register
///   branches get their target from an ADR emitted just before.</item>
/// </list>
/// </summary>
internal sealed class SequenceGenerator
{
    public const ulong Scratch = 0x40200000;
    public const ulong ScratchSpInit = Scratch + 0x800;
    public const ulong ExclusiveAddress = Scratch + 0x100;

    private readonly Random _rng;
    private readonly bool _allowV81;
    private readonly DecodeRow[] _dpImm, _dpReg, _ldst, _br;

    public SequenceGenerator(int seed, bool allowV81)
    {
        _rng = new Random(seed);
        _allowV81 = allowV81;
        var rows = A64Table.Rows.Where(r => r.Op != A64Op.Unallocated).ToArray();
        _dpImm = rows.Where(r => r.Class.StartsWith("dp_imm.", StringComparison.Ordinal)).ToArray();
        _dpReg = rows.Where(r => r.Class.StartsWith("dp_reg.", StringComparison.Ordinal)).ToArray();
        // Integer loads/stores only: V (bit 26) fixed to 0 by the row.
        _ldst = rows.Where(r => r.Class.StartsWith("ldst.", StringComparison.Ordinal)
                                && (r.Mask & (1u << 26)) != 0 && (r.Value & (1u << 26)) == 0).ToArray();
        _br = rows.Where(r => r.Class.StartsWith("br.", StringComparison.Ordinal)
                              && !r.Class.StartsWith("br.exc", StringComparison.Ordinal)
                              && !r.Class.StartsWith("br.sys", StringComparison.Ordinal)
                              && r.Name is not ("ERET" or "DRPS")
                              && !r.Name.StartsWith("ERETA", StringComparison.Ordinal)
                              && !r.Name.StartsWith("RETA", StringComparison.Ordinal)
                              && !r.Name.StartsWith("BRA", StringComparison.Ordinal)
                              && !r.Name.StartsWith("BLRA", StringComparison.Ordinal)).ToArray();
    }

    public string ClassSummary =>
        $"dp_imm {_dpImm.Length} rows, dp_reg {_dpReg.Length}, ldst (integer) {_ldst.Length}, br {_br.Length}";

    /// <summary>An instruction group: pins/ADR followed by one table instruction. Branch fixups name a group.</summary>
    private sealed class Group
    {
        public readonly List<uint> Words = new();
        public int BranchTarget = -1;   // target group index (groups.Count = the sequence end)
        public string Kind = "";        // "imm26", "imm19", "imm14", "reg"
        public int AdrIndex = -1;       // index in Words of the ADR for register branches
    }

    /// <summary>
    /// Generates one sequence whose first word will sit at <paramref name="address"/>; returns its words,
    /// including the final B to <paramref name="seqDone"/>.
    /// </summary>
    public uint[] Generate(ulong address, ulong seqDone, int coreCount)
    {
        var groups = new List<Group>();
        bool spPinned = true;
        int exclusiveOpenSize = 0;     // access size of the open reservation (0 = none)
        for (int n = 0; n < coreCount; n++)
        {
            var g = new Group();
            if (!TryOne(g, groups.Count, coreCount, ref spPinned, ref exclusiveOpenSize)) { n--; continue; }
            groups.Add(g);
        }
        // Lay out and resolve branches.
        var starts = new long[groups.Count + 1];
        long pos = 0;
        for (int i = 0; i < groups.Count; i++) { starts[i] = pos; pos += 4 * groups[i].Words.Count; }
        starts[groups.Count] = pos;
        var words = new List<uint>();
        for (int i = 0; i < groups.Count; i++)
        {
            var g = groups[i];
            for (int k = 0; k < g.Words.Count; k++)
            {
                uint w = g.Words[k];
                long here = starts[i] + 4 * k;
                if (g.BranchTarget >= 0)
                {
                    long delta = starts[Math.Min(g.BranchTarget, groups.Count)] - here;
                    if (k == g.AdrIndex) w = Enc.Adr(Enc.Rt(w), delta);
                    else if (k == g.Words.Count - 1)
                        w = g.Kind switch
                        {
                            "imm26" => Enc.Set(w, 0, 26, (uint)(delta >> 2)),
                            "imm19" => Enc.Set(w, 5, 19, (uint)(delta >> 2)),
                            "imm14" => Enc.Set(w, 5, 14, (uint)(delta >> 2)),
                            _ => w,
                        };
                }
                if (Enc.IsLiteral(w) && g.BranchTarget < 0 && k == g.Words.Count - 1)
                    w = FixLiteral(w, address + (ulong)here);
                words.Add(w);
            }
        }
        long endAt = starts[groups.Count];
        words.Add(Enc.B((long)seqDone - (long)(address + (ulong)endAt)));
        return words.ToArray();
    }

    private DecodeRow PickRow()
    {
        int c = _rng.Next(100);
        var pool = c < 28 ? _dpImm : c < 63 ? _dpReg : c < 90 ? _ldst : _br;
        if (pool.Length == 0) pool = _dpImm.Length > 0 ? _dpImm : _dpReg.Length > 0 ? _dpReg : _ldst.Length > 0 ? _ldst : _br;
        return pool[_rng.Next(pool.Length)];
    }

    private uint RandomWord(DecodeRow row)
    {
        uint r = (uint)_rng.NextInt64(0, 1L << 32);
        return row.Value | (r & ~row.Mask);
    }

    private int RandomReg(int except1 = -1, int except2 = -1, int except3 = -1, bool allow31 = false)
    {
        while (true)
        {
            int r = _rng.Next(allow31 ? 32 : 31);
            if (r != except1 && r != except2 && r != except3) return r;
        }
    }

    private bool TryOne(Group g, int index, int count, ref bool spPinned, ref int exclusiveOpenSize)
    {
        var row = PickRow();
        for (int attempt = 0; attempt < 64; attempt++)
        {
            uint w = RandomWord(row);
            bool isBr = row.Class.StartsWith("br.", StringComparison.Ordinal);
            bool isLdst = row.Class.StartsWith("ldst.", StringComparison.Ordinal);
            bool sp = spPinned;
            int excl = exclusiveOpenSize;
            if (isLdst)
            {
                if (!_allowV81 && Enc.NeedsV81(w)) return false;
                if (!FixMemory(g, ref w, ref sp, ref excl)) { g.Words.Clear(); continue; }
            }
            else if (isBr)
            {
                FixBranch(g, row, ref w, index, count);
            }
            if (A64Decoder.FindRow(w) != row) { g.Words.Clear(); g.BranchTarget = -1; continue; }
            if (!isLdst && !isBr && Enc.Rt(w) == 31) sp = false;   // may have written SP
            spPinned = sp;
            exclusiveOpenSize = excl;
            g.Words.Add(w);
            return true;
        }
        return false;
    }

    private void FixBranch(Group g, DecodeRow row, ref uint w, int index, int count)
    {
        int target = index + 1 + _rng.Next(Math.Max(1, Math.Min(4, count - index)));
        g.BranchTarget = target;
        if (row.Class.StartsWith("br.reg", StringComparison.Ordinal))
        {
            g.Kind = "reg";
            int rn = RandomReg();
            w = Enc.Set(w, 5, 5, (uint)rn);
            g.AdrIndex = g.Words.Count;
            g.Words.Add(Enc.Adr(rn, 0));
        }
        else if (row.Class.StartsWith("br.imm", StringComparison.Ordinal)) g.Kind = "imm26";
        else if (row.Class.StartsWith("br.test", StringComparison.Ordinal)) g.Kind = "imm14";
        else g.Kind = "imm19";
        // Placeholder offset (forward, non-zero) so the decoder sees a plausible word; fixed after layout.
        w = g.Kind switch
        {
            "imm26" => Enc.Set(w, 0, 26, 1),
            "imm19" => Enc.Set(w, 5, 19, 1),
            "imm14" => Enc.Set(w, 5, 14, 1),
            _ => w,
        };
    }

    private void PinAddress(Group g, int reg, ulong address)
    {
        g.Words.Add(Enc.Movz(reg, (uint)(address & 0xFFFF), 0));
        g.Words.Add(Enc.Movk(reg, (uint)((address >> 16) & 0xFFFF), 1));
    }

    private void PinValue(Group g, int reg, long value, bool randomUpper)
    {
        if (value >= 0) g.Words.Add(Enc.Movz(reg, (uint)value, 0));
        else g.Words.Add(Enc.Movn(reg, (uint)~value, 0));
        if (randomUpper)
        {
            g.Words.Add(Enc.Movk(reg, (uint)_rng.Next(0x10000), 2));
            g.Words.Add(Enc.Movk(reg, (uint)_rng.Next(0x10000), 3));
        }
    }

    private ulong RandomBase(int align) => (Scratch + 0x700 + 16 * (ulong)_rng.Next(32)) & ~(ulong)(align - 1);

    /// <summary>Constrains one load/store word and emits its pins into g. False = try another word.</summary>
    private bool FixMemory(Group g, ref uint w, ref bool spPinned, ref int exclusiveOpenSize)
    {
        if (Enc.IsLiteral(w)) return true;  // offset fixed after layout (FixLiteral)
        bool store = Enc.IsStore(w);
        if (store && exclusiveOpenSize != 0 && !Enc.IsStoreExclusive(w)) return false;
        int size = Enc.AccessSize(w);
        int rn = Enc.Rn(w), rt = Enc.Rt(w);
        bool writeback = Enc.IsImm9Writeback(w) || Enc.IsPairWriteback(w);

        if (Enc.IsExclusiveClass(w))
        {
            if (rn == 31) { rn = RandomReg(); w = Enc.Set(w, 5, 5, (uint)rn); }
            // Should-be-one fields (Rs of loads, Rt2 of single-register forms): other values are CONSTRAINED
            // UNPREDICTABLE, so keep them architectural.
            if (!Enc.IsExclusivePair(w) && !Enc.IsCas(w)) w = Enc.Set(w, 10, 5, 31);
            if (Enc.IsLoadExclusive(w)) w = Enc.Set(w, 16, 5, 31);
            if (Enc.IsStoreExclusive(w))
            {
                if (exclusiveOpenSize != 0 && exclusiveOpenSize != size) return false;
                int rs = Enc.Rm(w);
                int rt2 = Enc.IsExclusivePair(w) ? Enc.Rt2(w) : -1;
                if (rs == rt || rs == rn || rs == rt2) { rs = RandomReg(rt, rn, rt2); w = Enc.Set(w, 16, 5, (uint)rs); }
                exclusiveOpenSize = 0;
            }
            else if (Enc.IsLoadExclusive(w))
            {
                if (Enc.IsExclusivePair(w) && Enc.Rt2(w) == rt) return false;
                exclusiveOpenSize = size;
            }
            else if (Enc.IsCasp(w))
            {
                if ((Enc.Rm(w) & 1) != 0 || (rt & 1) != 0) return false;
            }
            PinAddress(g, rn, ExclusiveAddress);
            return true;
        }

        // Base register: SP only while it still holds its pinned value; otherwise a pinned GPR.
        if (rn == 31 && (!spPinned || writeback)) { rn = RandomReg(); w = Enc.Set(w, 5, 5, (uint)rn); }
        if (writeback)
        {
            if (rt == rn) { rt = RandomReg(rn); w = Enc.Set(w, 0, 5, (uint)rt); }
            if (Enc.IsPair(w) && Enc.Rt2(w) == rn) w = Enc.Set(w, 10, 5, (uint)RandomReg(rn, rt));
        }
        if (Enc.IsPair(w) && Enc.Bits(w, 22, 1) == 1 && Enc.Rt2(w) == rt) w = Enc.Set(w, 10, 5, (uint)RandomReg(rt, rn));

        if (Enc.IsUnsignedImm(w)) w = Enc.Set(w, 10, 12, (uint)_rng.Next(128));
        else if (Enc.IsImm9(w))
        {
            int imm = _rng.Next(-256, 256) & ~(size - 1);
            w = Enc.Set(w, 12, 9, (uint)imm);
        }
        else if (Enc.IsRegOffset(w))
        {
            int rm = Enc.Rm(w);
            if (rm == rn) { rm = RandomReg(rn); w = Enc.Set(w, 16, 5, (uint)rm); }
            if (rm != 31)
            {
                uint option = Enc.Bits(w, 13, 3);
                bool scaled = Enc.Bits(w, 12, 1) == 1;
                long v = _rng.Next(-32, 32);
                if (option == 0b010) v = Math.Abs(v);          // UXTW: small non-negative low word
                if (!scaled) v *= size;
                PinValue(g, rm, v, option is 0b010 or 0b110);
            }
        }
        if (rn != 31) PinAddress(g, rn, RandomBase(16));
        if (writeback && rn == 31) spPinned = false;
        return true;
    }

    /// <summary>LDR (literal): a word-aligned PC-relative target, aligned to the access size, within +/-2 KiB.</summary>
    private uint FixLiteral(uint w, ulong pc)
    {
        int size = Enc.Bits(w, 30, 2) switch { 0 => 4, 1 => 8, 2 => 4, _ => 4 };
        while (true)
        {
            long off = _rng.Next(-512, 512) * 4L;
            if (((pc + (ulong)off) & (ulong)(size - 1)) == 0) return Enc.Set(w, 5, 19, (uint)(off >> 2));
        }
    }
}
