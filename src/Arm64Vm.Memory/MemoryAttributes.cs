namespace Arm64Vm.Memory;

/// <summary>Memory type (Arm ARM B2.7). Device types are ordered from most to least strict.</summary>
public enum MemoryType : byte
{
    DeviceNGnRnE = 0,
    DeviceNGnRE = 1,
    DeviceNGRE = 2,
    DeviceGRE = 3,
    Normal = 4,
}

/// <summary>Cacheability of Normal memory for one level (inner or outer). Order: NC &lt; WT &lt; WB.</summary>
public enum Cacheability : byte
{
    NonCacheable = 0,
    WriteThrough = 1,
    WriteBack = 2,
}

/// <summary>Shareability domain (Arm ARM B2.7.1). Values are the SH[1:0] descriptor encodings.</summary>
public enum Shareability : byte
{
    NonShareable = 0,
    OuterShareable = 2,
    InnerShareable = 3,
}

/// <summary>
/// Effective memory attributes of one access, packed in 16 bits so they travel with every request and TLB entry.
/// Layout: [2:0] type, [4:3] inner cacheability, [6:5] outer cacheability, [8:7] shareability,
/// [9] inner read-allocate, [10] inner write-allocate, [11] outer read-allocate, [12] outer write-allocate,
/// [13] inner transient, [14] outer transient.
/// </summary>
public readonly struct MemoryAttributes : IEquatable<MemoryAttributes>
{
    public readonly ushort Bits;

    public MemoryAttributes(ushort bits) => Bits = bits;

    public static MemoryAttributes Device(MemoryType type) =>
        // Device memory is always treated as Outer Shareable (Arm ARM B2.7.2).
        new((ushort)((int)type | ((int)Shareability.OuterShareable << 7)));

    public static MemoryAttributes Normal(Cacheability inner, Cacheability outer, Shareability sh,
        bool innerRa = true, bool innerWa = true, bool outerRa = true, bool outerWa = true,
        bool innerTransient = false, bool outerTransient = false)
    {
        // Normal Inner-NC + Outer-NC memory is treated as Outer Shareable (Arm ARM B2.7.1).
        if (inner == Cacheability.NonCacheable && outer == Cacheability.NonCacheable) sh = Shareability.OuterShareable;
        int b = (int)MemoryType.Normal | ((int)inner << 3) | ((int)outer << 5) | ((int)sh << 7);
        if (inner != Cacheability.NonCacheable) { if (innerRa) b |= 1 << 9; if (innerWa) b |= 1 << 10; if (innerTransient) b |= 1 << 13; }
        if (outer != Cacheability.NonCacheable) { if (outerRa) b |= 1 << 11; if (outerWa) b |= 1 << 12; if (outerTransient) b |= 1 << 14; }
        return new((ushort)b);
    }

    /// <summary>Normal, inner and outer write-back read/write-allocate, inner shareable: what the host uses.</summary>
    public static readonly MemoryAttributes NormalWriteBackInnerShareable =
        Normal(Cacheability.WriteBack, Cacheability.WriteBack, Shareability.InnerShareable);

    /// <summary>Device-nGnRnE: the data attributes of an EL1&amp;0 access with stage 1 disabled (Arm ARM D8.2.11).</summary>
    public static readonly MemoryAttributes DeviceNGnRnE = Device(MemoryType.DeviceNGnRnE);

    public MemoryType Type => (MemoryType)(Bits & 7);
    public bool IsDevice => Type != MemoryType.Normal;
    public Cacheability Inner => IsDevice ? Cacheability.NonCacheable : (Cacheability)((Bits >> 3) & 3);
    public Cacheability Outer => IsDevice ? Cacheability.NonCacheable : (Cacheability)((Bits >> 5) & 3);
    public Shareability Shareability => (Shareability)((Bits >> 7) & 3);
    public bool InnerReadAllocate => (Bits & (1 << 9)) != 0;
    public bool InnerWriteAllocate => (Bits & (1 << 10)) != 0;
    public bool OuterReadAllocate => (Bits & (1 << 11)) != 0;
    public bool OuterWriteAllocate => (Bits & (1 << 12)) != 0;
    public bool InnerTransient => (Bits & (1 << 13)) != 0;
    public bool OuterTransient => (Bits & (1 << 14)) != 0;

    /// <summary>True when some cache may hold the location (inner or outer cacheable).</summary>
    public bool IsCacheable => !IsDevice && (Inner != Cacheability.NonCacheable || Outer != Cacheability.NonCacheable);

    public bool Equals(MemoryAttributes other) => Bits == other.Bits;
    public override bool Equals(object? obj) => obj is MemoryAttributes a && Equals(a);
    public override int GetHashCode() => Bits;
    public static bool operator ==(MemoryAttributes a, MemoryAttributes b) => a.Bits == b.Bits;
    public static bool operator !=(MemoryAttributes a, MemoryAttributes b) => a.Bits != b.Bits;

    public override string ToString()
    {
        if (IsDevice) return Type.ToString();
        static string C(Cacheability c) => c switch { Cacheability.WriteBack => "WB", Cacheability.WriteThrough => "WT", _ => "NC" };
        string sh = Shareability switch { Shareability.InnerShareable => "ISH", Shareability.OuterShareable => "OSH", _ => "NSH" };
        return $"Normal i{C(Inner)} o{C(Outer)} {sh}";
    }
}
