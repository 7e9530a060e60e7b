using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

/// <summary>
/// Address translation instructions (Arm ARM C5.5, AT S1E1R/W, S1E0R/W; the host's S12E1R/W, S12E0R/W) and
/// PAR_EL1 (D24.2.105). AT never takes a stage-1 exception: faults are reported in PAR_EL1 (F, FST, PTW, S). A
/// stage-2 fault on a stage-1 table walk during AT S1E* is taken to EL2 as a Data Abort (S1PTW = 1, CM = 1,
/// WnR = 1); during AT S12E* it is reported in PAR_EL1 with S = 1. The TLB is neither used nor filled.
/// </summary>
public sealed partial class Mmu
{
    /// <summary>AT S1E1R/S1E1W/S1E0R/S1E0W from the guest (stage 1 only; its walk is still translated by stage 2).</summary>
    internal void ExecuteAtStage1(ulong va, bool write, int el) => _regs.ParEl1 = AddressTranslate(va, write, el, stage12: false);

    /// <summary>AT S12E1R/W (el = 1) or S12E0R/W (el = 0) for the host: writes and returns PAR_EL1.</summary>
    public ulong AtS12(ulong va, bool write, int el)
    {
        ulong par = AddressTranslate(va, write, el, stage12: true);
        _regs.ParEl1 = par;
        return par;
    }

    private ulong AddressTranslate(ulong va, bool write, int el, bool stage12)
    {
        var saved = _mode;
        _mode = stage12 ? TranslationMode.AtStage12 : TranslationMode.AtStage1;
        _atExitTaken = false;
        _lastFault = default;
        bool ok;
        TranslationResult r;
        try
        {
            ok = TranslateAddress(va, write ? AccessKind.Write : AccessKind.Read, el, AccessOptions.None, out r, stage1Only: !stage12);
        }
        finally { _mode = saved; }
        if (_atExitTaken)
        {
            _atExitTaken = false;
            throw GuestException.Instance;      // the stage-2 fault exited to EL2; PAR_EL1 is not written
        }
        if (!ok)
        {
            var f = _lastFault;
            return 1UL | ((ulong)(f.Fsc & 0x3F) << 1) | (f.S1ptw ? 1UL << 8 : 0) | (f.Stage2 ? 1UL << 9 : 0) | (1UL << 11);
        }
        MemoryAttributes a = r.DataAttributes;
        return (r.Pa & 0x0000_FFFF_FFFF_F000UL)
               | ((ulong)AttributeCombiner.ToMair(a) << 56)                 // MA-PAR-1
               | ((ulong)(int)a.Shareability << 7)
               | (1UL << 9)                                                 // NS: Non-secure state (no EL3)
               | (1UL << 11);                                               // RES1
    }
}
