namespace Arm64Vm.Cpu.Decoding;

/// <summary>A named bit field of a decode row.</summary>
public readonly record struct DecodeField(string Name, int Lsb, int Width)
{
    public uint Extract(uint word) => (uint)((word >> Lsb) & ((1UL << Width) - 1));
}

/// <summary>One row of the A64 decode table as compiled into the binary by the generator.</summary>
public sealed class DecodeRow
{
    public DecodeRow(A64Op op, string name, string @class, string file, int line, uint mask, uint value, int group, string fields, bool hasValidator, bool fp = false, bool endsBlock = false, bool chains = false, bool fuses = false, bool pure = false)
    {
        Fp = fp; EndsBlock = endsBlock; Chains = chains; Fuses = fuses; Pure = pure;
        Op = op; Name = name; Class = @class; File = file; Line = line; Mask = mask; Value = value; Group = group;
        HasValidator = hasValidator;
        Fields = fields.Length == 0
            ? Array.Empty<DecodeField>()
            : fields.Split(',').Select(f => { var p = f.Split(':'); return new DecodeField(p[0], int.Parse(p[1]), int.Parse(p[2])); }).ToArray();
    }

    public A64Op Op { get; }
    public string Name { get; }
    /// <summary>Encoding class (the Arm ARM's C4.1 grouping, e.g. "dp_imm.addsub").</summary>
    public string Class { get; }
    public string File { get; }
    public int Line { get; }
    public uint Mask { get; }
    public uint Value { get; }
    /// <summary>Priority group id, or -1 when the row overlaps no other row.</summary>
    public int Group { get; }
    public bool HasValidator { get; }
    public DecodeField[] Fields { get; }
    /// <summary>The row needs SIMD&amp;FP access: the generated dispatch checks CPACR_EL1.FPEN before the handler.</summary>
    public bool Fp { get; }
    /// <summary>The row ends a straight-line block (<see cref="A64Table.EndsBlock"/>).</summary>
    public bool EndsBlock { get; }
    /// <summary>The row is a direct branch the run loop may chain through (<see cref="A64Table.Chains"/>).</summary>
    public bool Chains { get; }
    /// <summary>CPU-FUSE-1: the row is a flag-setting op the run loop may execute together with a B.cond after it (<see cref="A64Table.Fuses"/>).</summary>
    public bool Fuses { get; }
    /// <summary>CPU-RUN-4: the row touches only general-purpose registers and NZCV (<see cref="A64Table.IsPure"/>).</summary>
    public bool Pure { get; }

    public bool Matches(uint word) => (word & Mask) == Value;

    public DecodeField? Field(string name)
    {
        foreach (var f in Fields) if (f.Name == name) return f;
        return null;
    }

    public override string ToString() => $"{Name} ({File}:{Line})";
}
