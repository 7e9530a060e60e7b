namespace Arm64Vm.Cpu;

/// <summary>
/// The instruction-syndrome part of a Data Abort ISS (Arm ARM D24.2.40, ISS encoding for an exception from a Data
/// Abort: ISV, SAS, SSE, SRT, SF, AR). It is valid for stage-2 aborts on AArch64 loads and stores of a single
/// general-purpose register without writeback, including acquire/release forms and excluding exclusives, pairs,
/// atomics and SIMD&amp;FP. Computed from the instruction word on the (rare) stage-2 fault path, so load/store
/// handlers need not pass anything.
/// </summary>
public static class LoadStoreSyndrome
{
    public const uint Isv = 1u << 24;

    /// <summary>ISV|SAS|SSE|SRT|SF|AR for <paramref name="raw"/>, or 0 when the architecture gives no syndrome.</summary>
    public static uint Iss(uint raw)
    {
        uint size = raw >> 30, rt = raw & 31;
        if ((raw & 0x3B00_0000) == 0x3900_0000 ||         // LDR/STR (unsigned immediate)
            (raw & 0x3B20_0C00) == 0x3800_0000 ||         // LDUR/STUR (unscaled)
            (raw & 0x3B20_0C00) == 0x3800_0800 ||         // LDTR/STTR (unprivileged)
            (raw & 0x3B20_0C00) == 0x3820_0800)           // LDR/STR (register offset)
        {
            if ((raw & (1u << 26)) != 0) return 0;         // SIMD&FP register
            uint opc = (raw >> 22) & 3;
            if (opc == 0) return Make(size, false, rt, size == 3, false);               // store
            if (opc == 1) return Make(size, false, rt, size == 3, false);               // zero-extending load
            if (size == 3) return 0;                                                    // PRFM / unallocated
            if (size == 2 && opc == 3) return 0;                                        // unallocated
            return Make(size, true, rt, opc == 2, false);                               // LDRS* to X (opc 10) or W (11)
        }
        if ((raw & 0x3B00_0000) == 0x1800_0000)            // LDR (literal)
        {
            if ((raw & (1u << 26)) != 0) return 0;
            return (raw >> 30) switch
            {
                0 => Make(2, false, rt, false, false),
                1 => Make(3, false, rt, true, false),
                2 => Make(2, true, rt, true, false),
                _ => 0,                                    // PRFM (literal)
            };
        }
        if ((raw & 0x3FA0_0000) == 0x0880_0000)            // LDAR/STLR/LDLAR/STLLR (o2 = 1, o1 = 0)
            return Make(size, false, rt, size == 3, true);
        return 0;
    }

    private static uint Make(uint sas, bool sse, uint srt, bool sf, bool ar) =>
        Isv | (sas << 22) | (sse ? 1u << 21 : 0) | (srt << 16) | (sf ? 1u << 15 : 0) | (ar ? 1u << 14 : 0);
}
