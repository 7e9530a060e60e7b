using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

/// <summary>
/// Address translation for the EL1&amp;0 regime: stage 1 (SCTLR_EL1.M) followed by stage 2 (HCR_EL2.VM).
/// With both stages off the output address is the input address (Arm ARM D8.2.11, "The effects of disabling
/// an address translation stage").
/// </summary>
public sealed partial class CpuCore
{
    /// <summary>True while a side-effect-free probe is translating: faults must not be taken.</summary>
    private bool _probeOnly;

    public bool Stage1Enabled => (SysRegs.SctlrEl1 & 1) != 0;
    public bool Stage2Enabled => (HcrEl2 & (Hcr.VM | Hcr.DC)) != 0;

    /// <summary>
    /// Translates a VA. On a fault it takes the exception (stage 1 → EL1, stage 2 → exit to EL2) and returns false,
    /// unless probing.
    /// </summary>
    internal bool TranslateAddress(ulong va, AccessKind kind, int el, AccessOptions options, out TranslationResult result)
    {
        result = default;
        if ((SysRegs.SctlrEl1 & 1) == 0)
        {
            // Stage 1 disabled (Arm ARM D8.2.11): VA = IPA; VA bits above the implemented PA size are an address size
            // fault at level 0.
            if ((va >> Features.PaBits) != 0)
                return Stage1Fault(va, kind, FaultStatus.AddressSize(0), options);
            result.Pa = va;
            result.DataAttributes = MmuOffAttributes(AccessKind.Read);
            result.FetchAttributes = MmuOffAttributes(AccessKind.Fetch);
            result.Perm = TlbEntry.ReadEl0 | TlbEntry.WriteEl0 | TlbEntry.ExecEl0 | TlbEntry.ReadEl1 | TlbEntry.WriteEl1 | TlbEntry.ExecEl1;
            result.Global = true;
            result.BlockShift = 12;
        }
        else if (!WalkStage1(va, kind, el, options, ref result))
        {
            return false;
        }
        if ((HcrEl2 & Hcr.VM) != 0 && !WalkStage2(va, kind, options, ref result))
            return false;
        return true;
    }

    /// <summary>
    /// Attributes of an access with stage 1 disabled (Arm ARM D8.2.11): data accesses are Device-nGnRnE unless
    /// HCR_EL2.DC makes them Normal write-back non-shareable; instruction fetches are Normal, Outer Shareable,
    /// write-through when SCTLR_EL1.I is 1 and non-cacheable when it is 0.
    /// </summary>
    internal MemoryAttributes MmuOffAttributes(AccessKind kind)
    {
        if ((HcrEl2 & Hcr.DC) != 0)
            return MemoryAttributes.Normal(Cacheability.WriteBack, Cacheability.WriteBack, Shareability.NonShareable);
        if (kind != AccessKind.Fetch) return MemoryAttributes.DeviceNGnRnE;
        bool i = (SysRegs.SctlrEl1 & (1UL << 12)) != 0;
        var c = i ? Cacheability.WriteThrough : Cacheability.NonCacheable;
        return MemoryAttributes.Normal(c, c, Shareability.OuterShareable, innerWa: false, outerWa: false);
    }

    /// <summary>Takes a stage-1 abort (instruction or data) at EL1; false so callers can return it.</summary>
    internal bool Stage1Fault(ulong va, AccessKind kind, uint fsc, AccessOptions options, bool s1ptw = false)
    {
        if (_probeOnly) return false;
        NextPc = Pc;
        if (kind == AccessKind.Fetch) TakeInstructionAbort(va, fsc);
        else TakeDataAbort(va, fsc, kind == AccessKind.Write, s1ptw, (options & AccessOptions.CacheMaintenance) != 0);
        return false;
    }
}

/// <summary>HCR_EL2 bits the emulated PE honours (Arm ARM D24.2.48).</summary>
public static class Hcr
{
    public const ulong VM = 1UL << 0;
    public const ulong SWIO = 1UL << 1;
    public const ulong PTW = 1UL << 2;
    public const ulong FMO = 1UL << 3;
    public const ulong IMO = 1UL << 4;
    public const ulong AMO = 1UL << 5;
    public const ulong VF = 1UL << 6;
    public const ulong VI = 1UL << 7;
    public const ulong VSE = 1UL << 8;
    public const ulong FB = 1UL << 9;
    public const ulong BSU_IS = 1UL << 10;
    public const ulong DC = 1UL << 12;
    public const ulong TWI = 1UL << 13;
    public const ulong TWE = 1UL << 14;
    public const ulong TID0 = 1UL << 15;
    public const ulong TID1 = 1UL << 16;
    public const ulong TID2 = 1UL << 17;
    public const ulong TID3 = 1UL << 18;
    public const ulong TSC = 1UL << 19;
    public const ulong TIDCP = 1UL << 20;
    public const ulong TACR = 1UL << 21;
    public const ulong TSW = 1UL << 22;
    public const ulong TPCP = 1UL << 23;
    public const ulong TPU = 1UL << 24;
    public const ulong TTLB = 1UL << 25;
    public const ulong TVM = 1UL << 26;
    public const ulong TGE = 1UL << 27;
    public const ulong TDZ = 1UL << 28;
    public const ulong HCD = 1UL << 29;
    public const ulong TRVM = 1UL << 30;
    public const ulong RW = 1UL << 31;
    public const ulong CD = 1UL << 32;
    public const ulong ID = 1UL << 33;
    public const ulong FWB = 1UL << 46;
}
