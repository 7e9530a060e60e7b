using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

public sealed partial class CpuCore
{
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
}
