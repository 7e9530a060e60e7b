namespace Arm64Vm.Cpu;

/// <summary>Stage-1 translation table walk for the EL1&amp;0 regime (VMSAv8-64).</summary>
public sealed partial class CpuCore
{
    /// <summary>
    /// Walks the stage-1 tables for <paramref name="va"/>. Until the translation work lands, the walker treats every
    /// VA as unmapped: a level-0 translation fault (which is what an empty table gives).
    /// </summary>
    private bool WalkStage1(ulong va, Memory.AccessKind kind, int el, AccessOptions options, ref TranslationResult result)
        => Stage1Fault(va, kind, FaultStatus.Translation(0), options);

    /// <summary>Stage-2 translation of the IPA in <paramref name="result"/>: identity until the translation work lands.</summary>
    private bool WalkStage2(ulong va, Memory.AccessKind kind, AccessOptions options, ref TranslationResult result) => true;
}
