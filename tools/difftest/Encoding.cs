namespace Arm64Vm.Tools.DiffTest;

/// <summary>Architectural field positions and the few instruction encodings the generator emits itself.</summary>
internal static class Enc
{
    public static uint Bits(uint w, int lsb, int width) => (w >> lsb) & ((1u << width) - 1);
    public static uint Set(uint w, int lsb, int width, uint v)
    {
        uint m = ((1u << width) - 1) << lsb;
        return (w & ~m) | ((v << lsb) & m);
    }

    public static int Rt(uint w) => (int)Bits(w, 0, 5);
    public static int Rn(uint w) => (int)Bits(w, 5, 5);
    public static int Rt2(uint w) => (int)Bits(w, 10, 5);
    public static int Rm(uint w) => (int)Bits(w, 16, 5);

    /// <summary>MOVZ Xd, #imm16, LSL #(16*hw).</summary>
    public static uint Movz(int rd, uint imm16, int hw) => 0xD2800000u | ((uint)hw << 21) | ((imm16 & 0xFFFF) << 5) | (uint)rd;
    /// <summary>MOVN Xd, #imm16, LSL #(16*hw).</summary>
    public static uint Movn(int rd, uint imm16, int hw) => 0x92800000u | ((uint)hw << 21) | ((imm16 & 0xFFFF) << 5) | (uint)rd;
    /// <summary>MOVK Xd, #imm16, LSL #(16*hw).</summary>
    public static uint Movk(int rd, uint imm16, int hw) => 0xF2800000u | ((uint)hw << 21) | ((imm16 & 0xFFFF) << 5) | (uint)rd;
    /// <summary>ADR Xd, PC + bytes.</summary>
    public static uint Adr(int rd, long bytes)
    {
        uint imm = (uint)bytes & 0x1FFFFF;
        return 0x10000000u | ((imm & 3) << 29) | ((imm >> 2) << 5) | (uint)rd;
    }
    /// <summary>B PC + bytes.</summary>
    public static uint B(long bytes) => 0x14000000u | ((uint)(bytes >> 2) & 0x3FFFFFF);

    // Load/store classes by their architectural encodings (Arm ARM C4.1.68), independent of row names.
    public static bool IsLiteral(uint w) => (w & 0x3B000000) == 0x18000000;
    /// <summary>Load/store register (all single-register forms, bits 29:27 = 111, V = 0).</summary>
    public static bool IsSingle(uint w) => (w & 0x3C000000) == 0x38000000;
    public static bool IsUnsignedImm(uint w) => IsSingle(w) && Bits(w, 24, 1) == 1;
    public static bool IsImm9(uint w) => IsSingle(w) && Bits(w, 24, 1) == 0 && Bits(w, 21, 1) == 0;
    public static bool IsImm9Writeback(uint w) => IsImm9(w) && (Bits(w, 10, 2) == 1 || Bits(w, 10, 2) == 3);
    public static bool IsRegOffset(uint w) => IsSingle(w) && Bits(w, 24, 1) == 0 && Bits(w, 21, 1) == 1 && Bits(w, 10, 2) == 2;
    /// <summary>LSE atomic memory operations (LDADD..., SWP, LDAPR): bits 29:24 = 111000, bit 21 = 1, bits 11:10 = 00.</summary>
    public static bool IsAtomic(uint w) => IsSingle(w) && Bits(w, 24, 1) == 0 && Bits(w, 21, 1) == 1 && Bits(w, 10, 2) == 0;
    public static bool IsPair(uint w) => (w & 0x3C000000) == 0x28000000;
    public static bool IsPairWriteback(uint w) => IsPair(w) && (Bits(w, 23, 2) == 1 || Bits(w, 23, 2) == 3);
    /// <summary>Load/store exclusive, ordered, compare-and-swap (bits 29:24 = 001000).</summary>
    public static bool IsExclusiveClass(uint w) => (w & 0x3F000000) == 0x08000000;

    public static int SingleSize(uint w) => 1 << (int)Bits(w, 30, 2);
    public static bool IsLoadSingle(uint w) => Bits(w, 22, 2) != 0;  // opc != 00
    public static bool IsPrfm(uint w) => IsSingle(w) && Bits(w, 30, 2) == 3 && Bits(w, 22, 2) == 2;

    // Exclusive class fields: size 31:30, o2 23, L 22, o1 21, Rs 20:16, o0 15, Rt2 14:10.
    public static bool ExclO2(uint w) => Bits(w, 23, 1) == 1;
    public static bool ExclL(uint w) => Bits(w, 22, 1) == 1;
    public static bool ExclO1(uint w) => Bits(w, 21, 1) == 1;
    public static bool ExclO0(uint w) => Bits(w, 15, 1) == 1;
    /// <summary>LDXR/LDAXR/LDXP/LDAXP.</summary>
    public static bool IsLoadExclusive(uint w) => IsExclusiveClass(w) && !ExclO2(w) && ExclL(w) && (!ExclO1(w) || Bits(w, 31, 1) == 1);
    /// <summary>STXR/STLXR/STXP/STLXP.</summary>
    public static bool IsStoreExclusive(uint w) => IsExclusiveClass(w) && !ExclO2(w) && !ExclL(w) && (!ExclO1(w) || Bits(w, 31, 1) == 1);
    public static bool IsExclusivePair(uint w) => IsExclusiveClass(w) && !ExclO2(w) && ExclO1(w) && Bits(w, 31, 1) == 1;
    /// <summary>CAS family (o2 = 1, o1 = 1) and CASP (o2 = 0, o1 = 1, size 0x).</summary>
    public static bool IsCas(uint w) => IsExclusiveClass(w) && ExclO1(w) && (ExclO2(w) || Bits(w, 31, 1) == 0);
    public static bool IsCasp(uint w) => IsExclusiveClass(w) && !ExclO2(w) && ExclO1(w) && Bits(w, 31, 1) == 0;
    /// <summary>LDAR/STLR (o2 = 1, o1 = 0, o0 = 1); o0 = 0 are the LORegions LDLAR/STLLR (ARMv8.1).</summary>
    public static bool IsOrdered(uint w) => IsExclusiveClass(w) && ExclO2(w) && !ExclO1(w);

    /// <summary>True when the instruction needs more than ARMv8.0 + CRC32 (QEMU's cortex-a57 would UNDEF it).</summary>
    public static bool NeedsV81(uint w) =>
        IsAtomic(w) || IsCas(w) || (IsOrdered(w) && !ExclO0(w));

    /// <summary>Memory-access size in bytes of one element (for alignment).</summary>
    public static int AccessSize(uint w)
    {
        if (IsPair(w)) return Bits(w, 30, 2) switch { 0 => 4, 1 => 4, _ => 8 };
        if (IsExclusiveClass(w))
        {
            if (IsCasp(w)) return Bits(w, 30, 1) == 1 ? 16 : 8;
            if (IsExclusivePair(w)) return Bits(w, 30, 1) == 1 ? 16 : 8;
            return 1 << (int)Bits(w, 30, 2);
        }
        return SingleSize(w);
    }

    /// <summary>Writes memory (stores, atomics, CAS, store-exclusive).</summary>
    public static bool IsStore(uint w)
    {
        if (IsSingle(w)) return IsAtomic(w) || (!IsLoadSingle(w));
        if (IsPair(w)) return Bits(w, 22, 1) == 0;
        if (IsExclusiveClass(w)) return IsCas(w) || !ExclL(w);
        return false;
    }
}
