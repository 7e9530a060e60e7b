using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

public sealed partial class CpuCore
{
    /// <summary>
    /// Stage-1 translation of a VA to an IPA without side effects on guest state (the host reading guest memory for
    /// semihosting or a debugger, then resolving the IPA through its memslots): false on any fault, including a
    /// stage-2 fault on the stage-1 walk.
    /// </summary>
    public bool TryTranslateStage1NoFault(ulong va, AccessKind kind, int el, out ulong ipa)
    {
        ulong savedNext = NextPc;
        var savedMode = _mode;
        var savedFault = _lastFault;
        bool ok;
        TranslationResult r = default;
        try
        {
            _mode = TranslationMode.Probe;
            ok = TranslateAddress(va, kind, el, AccessOptions.None, out r, stage1Only: true);
        }
        catch (GuestException) { ok = false; }
        finally { _mode = savedMode; _lastFault = savedFault; NextPc = savedNext; }
        ipa = ok ? r.Ipa : 0;
        return ok;
    }
}
