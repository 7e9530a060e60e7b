using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Arm64Vm.Cpu;

/// <summary>X0..X30 plus one slot that stays zero (register 31 read as ZR).</summary>
[InlineArray(32)]
public struct GeneralRegisterFile
{
    private ulong _element0;
}

/// <summary>V0..V31, 128 bits each.</summary>
[InlineArray(32)]
public struct VectorRegisterFile
{
    private Vector128<byte> _element0;
}
