namespace Arm64Vm.Memory;

/// <summary>Cache maintenance operations the memory system performs (Arm ARM D7.4, "Cache maintenance instructions").</summary>
public enum CacheMaintenanceOp : byte
{
    /// <summary>DC CIVAC: clean and invalidate to PoC by address.</summary>
    DcCivac,
    /// <summary>DC CVAC: clean to PoC by address.</summary>
    DcCvac,
    /// <summary>DC IVAC: invalidate to PoC by address (dirty data is lost).</summary>
    DcIvac,
    /// <summary>DC CVAU: clean to PoU by address.</summary>
    DcCvau,
    /// <summary>DC CVAP: clean to the point of persistence, performed as DC CVAC.</summary>
    DcCvap,
    /// <summary>DC ZVA: zero a block.</summary>
    DcZva,
    /// <summary>DC ISW: invalidate by set/way (this PE's cache at one level).</summary>
    DcIsw,
    /// <summary>DC CSW: clean by set/way.</summary>
    DcCsw,
    /// <summary>DC CISW: clean and invalidate by set/way.</summary>
    DcCisw,
    /// <summary>IC IVAU: invalidate instruction caches to PoU by address (inner shareable).</summary>
    IcIvau,
    /// <summary>IC IALLU: invalidate this PE's instruction cache.</summary>
    IcIallu,
    /// <summary>IC IALLUIS: invalidate every instruction cache of the inner shareable domain.</summary>
    IcIalluis,
}

/// <summary>Barriers the memory system is told about (a DSB completes outstanding maintenance).</summary>
public enum MemoryBarrierKind : byte { Dmb, Dsb, Isb }
