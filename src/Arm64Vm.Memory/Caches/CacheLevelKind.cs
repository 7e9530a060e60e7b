namespace Arm64Vm.Memory.Caches;

/// <summary>What a cache holds (CLIDR_EL1.Ctype terms).</summary>
public enum CacheKind : byte { Instruction, Data, Unified }

/// <summary>State of one line in one cache.</summary>
public enum LineState : byte { Invalid = 0, Clean = 1, Dirty = 2 }
