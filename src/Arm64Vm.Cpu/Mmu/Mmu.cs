namespace Arm64Vm.Cpu;

/// <summary>
/// The memory management unit of one PE, owned by its <see cref="CpuCore"/>: the TLB (TLB-1..TLB-6, specs/tlb.md), the
/// stage-1 and stage-2 table walkers, and what uses them: translation of the EL1&amp;0 regime and its faults
/// (AddressTranslation.cs), AT and PAR_EL1 (AtInstructions.cs), the TLB's context (TLB-3, TlbContext.cs), TLB
/// maintenance (TLB-4, TlbMaintenance.cs), side-effect-free translations for traces and debuggers
/// (TranslationProbe.cs), and the PE's slow-path lookups, fills and permission checks (TranslateAccess.cs). It holds
/// no copy of a register: it reads SCTLR/TCR/MAIR/TTBRn_EL1 from the PE's system register file and HCR/VTCR/VTTBR_EL2
/// from the PE, which tells it of the writes that change the TLB's context, and takes its faults through the PE. The inline hit test (TLB-6) is the PE's own (<see cref="CpuCore.Tlb"/> is this
/// TLB): the fast paths never go through this type.
/// </summary>
public sealed partial class Mmu
{
    private readonly CpuCore _cpu;
    private readonly SystemRegisterFile _regs;
    private readonly CpuFeatures _features;
    private readonly Tlb _tlb = new();
    /// <summary>The table walkers (stage 1 reads its tables through stage 2), given the registers for each walk.</summary>
    private readonly Stage2Walker _stage2;
    private readonly Stage1Walker _stage1;

    internal Mmu(CpuCore cpu)
    {
        _cpu = cpu;
        _regs = cpu.SysRegs;
        _features = cpu.Features;
        _stage2 = new Stage2Walker(cpu.Memory, cpu.Index, _features);
        _stage1 = new Stage1Walker(cpu.Memory, cpu.Index, _features, _stage2);
    }

    /// <summary>This PE's TLB.</summary>
    public Tlb Tlb => _tlb;
}
