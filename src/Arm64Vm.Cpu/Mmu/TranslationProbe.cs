using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

public sealed partial class Mmu
{
    /// <summary>
    /// Stage-1 translation of a VA to an IPA without side effects on guest state (the host reading guest memory for
    /// semihosting or a debugger, then resolving the IPA through its memslots): false on any fault, including a
    /// stage-2 fault on the stage-1 walk.
    /// </summary>
    public bool TryTranslateStage1NoFault(ulong va, AccessKind kind, int el, out ulong ipa)
    {
        bool ok = Probe(va, kind, el, stage1Only: true, out var r);
        ipa = ok ? r.Ipa : 0;
        return ok;
    }

    /// <summary>
    /// Stage 1 alone without side effects on guest state (see <see cref="TryTranslateStage1NoFault(ulong, AccessKind, int, out ulong)"/>),
    /// with the stage-1 data attributes: what a debugger's view of a page stage 2 does not map yet starts from.
    /// </summary>
    public bool TryTranslateStage1NoFault(ulong va, AccessKind kind, int el, out ulong ipa, out MemoryAttributes stage1Attributes)
    {
        bool ok = Probe(va, kind, el, stage1Only: true, out var r);
        ipa = ok ? r.Ipa : 0;
        stage1Attributes = ok ? r.DataAttributes : default;
        return ok;
    }

    /// <summary>A translation that only records faults: guest-visible state (NextPc, the last fault) is left as it was.</summary>
    internal bool Probe(ulong va, AccessKind kind, int el, bool stage1Only, out TranslationResult result)
    {
        ulong savedNext = _cpu.NextPc;
        var savedMode = _mode;
        var savedFault = _lastFault;
        result = default;
        try
        {
            _mode = TranslationMode.Probe;
            return TranslateAddress(va, kind, el, AccessOptions.None, out result, stage1Only);
        }
        catch (GuestException) { return false; }
        finally { _mode = savedMode; _lastFault = savedFault; _cpu.NextPc = savedNext; }
    }

    /// <summary>Translation without side effects on guest state (traces, debuggers): false on any fault.</summary>
    public bool TryTranslateNoFault(ulong va, AccessKind kind, int el, out ulong pa, out MemoryAttributes attributes)
    {
        bool ok = Probe(va, kind, el, stage1Only: false, out var r);
        pa = ok ? r.Pa : 0;
        attributes = ok ? (kind == AccessKind.Fetch ? r.FetchAttributes : r.DataAttributes) : default;
        return ok;
    }
}
