using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

/// <summary>How faults found by a translation are reported.</summary>
internal enum TranslationMode : byte
{
    /// <summary>Faults are taken (stage 1 → EL1 exception, stage 2 → exit to the host).</summary>
    Normal,
    /// <summary>Side-effect-free probe (traces, debuggers): faults are only recorded.</summary>
    Probe,
    /// <summary>AT S1E*: stage-1 faults are recorded for PAR_EL1; stage-2 faults on the walk still exit to EL2.</summary>
    AtStage1,
    /// <summary>AT S12E* (host): every fault is recorded for PAR_EL1.</summary>
    AtStage12,
}

/// <summary>The last fault a translation found (what PAR_EL1 reports for AT).</summary>
internal struct TranslationFault
{
    public uint Fsc;
    public bool Stage2;
    public bool S1ptw;
    public ulong Ipa;
}

/// <summary>
/// Address translation for the EL1&amp;0 regime: stage 1 (SCTLR_EL1.M, VMSAv8-64) followed by stage 2
/// (HCR_EL2.VM or DC). With both stages off the output address is the input address (Arm ARM D8.2.11).
/// </summary>
public sealed partial class Mmu
{
    private TranslationMode _mode;
    private TranslationFault _lastFault;
    /// <summary>Set when a stage-2 fault during AT S1E* exited to the host.</summary>
    private bool _atExitTaken;

    /// <summary>HCR_EL2 bits that change translations: writing one of them drops every cached translation.</summary>
    private const ulong HcrTranslationBits = Hcr.VM | Hcr.DC | Hcr.FWB | Hcr.CD | Hcr.ID | Hcr.PTW;

    /// <summary>A write to HCR_EL2 (<see cref="CpuCore.HcrEl2"/>): one that changes a translation bit flushes the TLB.</summary>
    internal void OnHcrWritten(ulong old)
    {
        if (((old ^ _cpu.HcrEl2) & HcrTranslationBits) != 0) FlushTlb();
    }

    /// <summary>A write to VTCR_EL2 (<see cref="CpuCore.VtcrEl2"/>) that changed it: stage-2 control is not a tag, so it flushes the TLB.</summary>
    internal void OnVtcrWritten() => FlushTlb();

    /// <summary>How the translation in progress reports its faults (<see cref="TranslationMode.Normal"/>: it takes them).</summary>
    internal TranslationMode Mode => _mode;

    public bool Stage1Enabled => (_regs.SctlrEl1 & 1) != 0 && (_cpu.HcrEl2 & Hcr.DC) == 0;
    public bool Stage2Enabled => (_cpu.HcrEl2 & (Hcr.VM | Hcr.DC)) != 0;

    /// <summary>The current VMID (VTTBR_EL2.VMID, 8 or 16 bits per VTCR_EL2.VS).</summary>
    public ushort CurrentVmid => (ushort)((_cpu.VttbrEl2 >> 48) & ((_cpu.VtcrEl2 & (1UL << 19)) != 0 ? 0xFFFFUL : 0xFFUL));

    /// <summary>The current ASID: from TTBR1_EL1 when TCR_EL1.A1 is 1, else TTBR0_EL1; 8 bits unless TCR_EL1.AS.</summary>
    public ushort CurrentAsid
    {
        get
        {
            ulong tcr = _regs.TcrEl1;
            ulong ttbr = (tcr & (1UL << 22)) != 0 ? _regs.Ttbr1El1 : _regs.Ttbr0El1;
            return (ushort)((ttbr >> 48) & ((tcr & (1UL << 36)) != 0 ? 0xFFFFUL : 0xFFUL));
        }
    }

    /// <summary>
    /// Translates a VA, checking the access's permissions at each stage (Arm ARM AArch64.FullTranslate: the stage-1
    /// walk, then the stage-1 permission check, then stage 2). On a fault it takes the exception (stage 1 → EL1,
    /// stage 2 → exit to EL2) unless the mode only records it, and returns false.
    /// </summary>
    internal bool TranslateAddress(ulong va, AccessKind kind, int el, AccessOptions options, out TranslationResult result,
        bool stage1Only = false)
    {
        result = default;
        var regime = Regime;
        MemoryAttributes s1Data, s1Fetch;
        ushort need = RequiredPermission(kind, el, options);
        if (!Stage1Enabled)
        {
            // Stage 1 disabled (AArch64.S1DisabledOutput): VA bits [top:PAMax] must be zero, top = 55 with TBI.
            int top = TopByteIgnored(va) ? 55 : 63;
            int pa = _features.PaBits;
            if (((va << (63 - top)) >> (63 - top + pa)) != 0)
                return Stage1Fault(va, kind, FaultStatus.AddressSize(0), options);
            result.Pa = va & ((1UL << pa) - 1);
            bool i = (_regs.SctlrEl1 & (1UL << 12)) != 0, dc = (_cpu.HcrEl2 & Hcr.DC) != 0;
            s1Data = AttributeCombiner.Stage1Disabled(false, i, dc);
            s1Fetch = AttributeCombiner.Stage1Disabled(true, i, dc);
            result.Stage1Perm = TlbEntry.ReadEl0 | TlbEntry.WriteEl0 | TlbEntry.ExecEl0 | TlbEntry.ReadEl1 | TlbEntry.WriteEl1 | TlbEntry.ExecEl1;
            result.Global = true;
            result.BlockShift = 12;
            result.Level = 3;
            result.Region = (byte)((va >> 55) & 1);
        }
        else
        {
            result.Stage1 = true;
            if (!_stage1.Walk(in regime, va, ref result, out s1Data, out s1Fetch, out var fault))
                return ReportFault(va, kind, options, fault);
            if ((result.Stage1Perm & need) == 0)
                return Stage1Fault(va, kind, FaultStatus.Permission(result.Level), options);
        }
        result.Ipa = result.Pa;
        result.Vmid = CurrentVmid;
        if (!Stage2Enabled || stage1Only)
        {
            result.Perm = result.Stage1Perm;
            result.S2BlockShift = 63;
            result.S2Level = 3;
            result.DataAttributes = AttributeCombiner.Finish(s1Data);
            result.FetchAttributes = AttributeCombiner.Finish(s1Fetch);
            return true;
        }
        if (!_stage2.Walk(in regime, result.Ipa, s1ptw: false, out Stage2Result s2, out var s2Fault))
            return ReportFault(va, kind, options, s2Fault);
        if ((s2.Perm & need) == 0)
            return Stage2Fault(va, result.Ipa, kind, FaultStatus.Permission(s2.Level), options, s1ptw: false);
        result.Pa = s2.Pa;
        result.Perm = (ushort)(result.Stage1Perm & s2.Perm);
        result.S2BlockShift = s2.BlockShift;
        result.S2Level = s2.Level;
        ulong hcr = _cpu.HcrEl2;
        bool fwb = (hcr & Hcr.FWB) != 0, cd = (hcr & Hcr.CD) != 0, id = (hcr & Hcr.ID) != 0;
        result.DataAttributes = AttributeCombiner.Finish(AttributeCombiner.WithStage2(s1Data, s2.MemAttr, s2.Sh, fwb, false, cd, id));
        result.FetchAttributes = AttributeCombiner.Finish(AttributeCombiner.WithStage2(s1Fetch, s2.MemAttr, s2.Sh, fwb, true, cd, id));
        return true;
    }

    /// <summary>The registers the walkers read, as they are now.</summary>
    private TranslationRegime Regime => new(_regs.SctlrEl1, _regs.TcrEl1, _regs.MairEl1, _regs.Ttbr0El1,
        _regs.Ttbr1El1, CurrentAsid, _cpu.HcrEl2, _cpu.VtcrEl2, _cpu.VttbrEl2);

    /// <summary>Takes (or records) a fault a walker returned: at stage 1 to EL1, at stage 2 as an exit to the host.</summary>
    private bool ReportFault(ulong va, AccessKind kind, AccessOptions options, in TranslationFault fault) =>
        fault.Stage2
            ? Stage2Fault(va, fault.Ipa, kind, fault.Fsc, options, fault.S1ptw)
            : Stage1Fault(va, kind, fault.Fsc, options);

    /// <summary>The permission bit an access needs. Cache maintenance by VA needs read permission only (DC IVAC's write check is the caller's).</summary>
    internal static ushort RequiredPermission(AccessKind kind, int el, AccessOptions options)
    {
        if (kind == AccessKind.Fetch) return el == 0 ? TlbEntry.ExecEl0 : TlbEntry.ExecEl1;
        if (kind == AccessKind.Write && (options & AccessOptions.CacheMaintenance) == 0)
            return el == 0 ? TlbEntry.WriteEl0 : TlbEntry.WriteEl1;
        return el == 0 ? TlbEntry.ReadEl0 : TlbEntry.ReadEl1;
    }

    /// <summary>TCR_EL1.TBI0/TBI1 for the half of the address space <paramref name="va"/> is in (bit 55).</summary>
    internal bool TopByteIgnored(ulong va) => ((_regs.TcrEl1 >> (((va >> 55) & 1) != 0 ? 38 : 37)) & 1) != 0;

    /// <summary>Takes (or records) a stage-1 abort at EL1; false so callers can return it.</summary>
    internal bool Stage1Fault(ulong va, AccessKind kind, uint fsc, AccessOptions options, bool s1ptw = false)
    {
        _lastFault = new TranslationFault { Fsc = fsc };
        if (_mode != TranslationMode.Normal) return false;
        _cpu.NextPc = _cpu.Pc;
        if (kind == AccessKind.Fetch) _cpu.TakeInstructionAbort(va, fsc);
        else _cpu.TakeDataAbort(va, fsc, kind == AccessKind.Write, s1ptw, (options & AccessOptions.CacheMaintenance) != 0);
        return false;
    }

    /// <summary>
    /// Takes (or records) a stage-2 abort: an exit to the host with ESR_EL2 (EC 0x20/0x24, ISS with ISV/SAS/SSE/SRT/SF/AR
    /// for single-register loads and stores, WnR, S1PTW, CM, DFSC/IFSC), FAR_EL2 = VA and HPFAR_EL2 from the IPA
    /// (Arm ARM D24.2.40, D24.2.72). False so callers can return it.
    /// </summary>
    internal bool Stage2Fault(ulong va, ulong ipa, AccessKind kind, uint fsc, AccessOptions options, bool s1ptw)
    {
        _lastFault = new TranslationFault { Fsc = fsc, Stage2 = true, S1ptw = s1ptw, Ipa = ipa };
        if (_mode == TranslationMode.Probe || _mode == TranslationMode.AtStage12) return false;
        bool at = _mode == TranslationMode.AtStage1;
        bool cm = at || (options & AccessOptions.CacheMaintenance) != 0;
        uint iss = fsc;
        uint ec;
        if (kind == AccessKind.Fetch && !at)
        {
            ec = ExceptionClass.InstructionAbortLowerEl;
        }
        else
        {
            ec = ExceptionClass.DataAbortLowerEl;
            // WnR: the access's direction; a walk only reads; CMOs and AT report 1.
            if (cm || (kind == AccessKind.Write && !s1ptw)) iss |= 1u << 6;
            if (cm) iss |= 1u << 8;
            else if (!s1ptw) iss |= _cpu.CurrentLoadStoreSyndrome();
        }
        if (s1ptw) iss |= 1u << 7;
        if (at) _atExitTaken = true;
        _cpu.NextPc = _cpu.Pc;
        _cpu.ExitToEl2(ExitReason.Stage2Abort, ec, iss, far: va, ipa: ipa);
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
