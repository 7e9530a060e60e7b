namespace Arm64Vm.Memory;

/// <summary>
/// The accesses a CPU performed straight in RAM through its TLB fast path (see
/// <see cref="IMemorySystem.AllowsDirectRamAccess"/>): each stands for one request the memory system did not see.
/// </summary>
public interface IDirectAccessCounter
{
    long DirectReads { get; }
    long DirectWrites { get; }
}
