using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Cpu;

/// <summary>
/// The CPU side of cache maintenance instructions: translation with ISS.CM faults, permission rules, the HCR_EL2
/// upgrades (DC IVAC as CIVAC under stage 2, ISW as CISW with SWIO, IC IALLU broadcast with FB), then the
/// operation on the memory system. Traps (UCI, DZE, TSW/TPCP/TPU/TDZ) were decided before by the SYS row.
/// </summary>
public static class CacheMaintenance
{
    /// <summary>DC CIVAC/CVAC/IVAC/CVAU/CVAP (C5.3.x). DC IVAC needs write permission and at EL1 with HCR_EL2.VM or DC is performed as DC CIVAC.</summary>
    public static void DcByVa(CpuCore cpu, ulong va, CacheMaintenanceOp op)
    {
        bool ivac = op == CacheMaintenanceOp.DcIvac;
        ref TlbEntry e = ref cpu.TranslateData(va, write: ivac, AccessOptions.CacheMaintenance);
        if (ivac)
        {
            // DC IVAC is checked for write permission (Arm ARM D8.13.6: an invalidate could otherwise expose stale data).
            ushort need = cpu.El == 0 ? TlbEntry.WriteEl0 : TlbEntry.WriteEl1;
            if ((e.Perm & need) == 0)
                cpu.Mmu.PermissionFault(ref e, va, AccessKind.Write, AccessOptions.CacheMaintenance, need);   // stage 1 or stage 2
            if (cpu.El == 1 && (cpu.HcrEl2 & (Hcr.VM | Hcr.DC)) != 0) op = CacheMaintenanceOp.DcCivac;
        }
        ulong pa = e.PaPage | (va & 0xFFF);
        cpu.Memory.MaintainByAddress(cpu.Index, op, pa, e.DataAttributes);
    }

    /// <summary>IC IVAU (C5.3.x): invalidate instruction caches to PoU by VA, inner shareable.</summary>
    public static void IcIvau(CpuCore cpu, ulong va)
    {
        ulong pa = cpu.TranslateDataPa(va, write: false, AccessOptions.CacheMaintenance, out var attrs);
        cpu.Memory.MaintainByAddress(cpu.Index, CacheMaintenanceOp.IcIvau, pa, attrs);
    }

    /// <summary>IC IALLU / IC IALLUIS. HCR_EL2.FB makes IC IALLU at EL1 broadcast (Arm ARM D24.2.48).</summary>
    public static void IcIallu(CpuCore cpu, bool broadcast)
    {
        if (cpu.El == 1 && (cpu.HcrEl2 & Hcr.FB) != 0) broadcast = true;
        cpu.Memory.InvalidateInstructionCaches(cpu.Index, broadcast);
    }

    /// <summary>
    /// DC ISW/CSW/CISW (C5.3.x): Xt holds Level [3:1], Set [B-1:L] and Way [31:32-A] with L = log2(line bytes),
    /// S = log2(sets), B = L + S, A = ceil(log2(ways)). HCR_EL2.SWIO makes ISW at EL1 a CISW.
    /// </summary>
    public static void DcSetWay(CpuCore cpu, ulong xt, CacheMaintenanceOp op)
    {
        if (op == CacheMaintenanceOp.DcIsw && cpu.El == 1 && (cpu.HcrEl2 & Hcr.SWIO) != 0) op = CacheMaintenanceOp.DcCisw;
        var cfg = cpu.Memory.Caches;
        int level = (int)((xt >> 1) & 7) + 1;
        CacheGeometry? g = level switch { 1 => cfg.L1D, 2 => cfg.L2, _ => null };
        if (g == null) return;                  // a level CLIDR_EL1 does not report: no effect
        int sets = g.Sets(CacheConfig.LineSize);
        int a = g.Ways <= 1 ? 0 : System.Numerics.BitOperations.Log2((uint)g.Ways - 1) + 1;
        int way = a == 0 ? 0 : (int)((uint)xt >> (32 - a));
        int set = (int)(xt >> CacheConfig.LineShift) & (sets - 1);
        cpu.Memory.MaintainBySetWay(cpu.Index, op, level, set, way);
    }

    /// <summary>
    /// DC ZVA (C5.3.x): zeroes the naturally aligned block of DCZID_EL0.BS words that holds Xt. Behaves as a store for
    /// faults and watchpoints (ISS.CM = 0); any Device memory type gives an Alignment fault.
    /// </summary>
    public static void DcZva(CpuCore cpu, ulong va)
    {
        int size = 4 << cpu.Features.DczBlockLog2Words;
        ulong block = va & ~(ulong)(size - 1);
        ulong pa = cpu.TranslateDataPa(block, write: true, AccessOptions.None, out var attrs);
        if (attrs.IsDevice) cpu.RaiseDataAbort(va, FaultStatus.Alignment, write: true, AccessOptions.None);
        if (cpu.DataHookActive) cpu.DataAccessHook(block, size, read: false, write: true);   // DBG-6: a store
        if (!cpu.Memory.ZeroBlock(cpu.Index, pa, size, attrs))
            cpu.RaiseDataAbort(va, FaultStatus.SynchronousExternal, write: true, AccessOptions.None);
        if (cpu.System.Monitor.HasAny) cpu.System.Monitor.NoteStore(cpu.Index, pa);
    }

}
