namespace Arm64Vm.Memory;

/// <summary>Why the memory system is being asked: the intent carried by every request.</summary>
public enum AccessKind : byte
{
    Read = 0,
    Write = 1,
    /// <summary>Instruction fetch.</summary>
    Fetch = 2,
    /// <summary>Translation table walk (descriptor read).</summary>
    Walk = 3,
    /// <summary>Translation table walk that updates a descriptor (hardware AF/DBM).</summary>
    WalkWrite = 4,
}
