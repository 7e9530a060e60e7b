using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Arm64Vm.Cpu;

/// <summary>
/// SIMD&amp;FP register views (Arm ARM B1.2.2). Every scalar write (B/H/S/D) and every 64-bit vector write clears
/// the rest of the 128-bit register, as the architecture does for AArch64 writes.
/// </summary>
public sealed partial class CpuCore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<byte> GetQ(int v) => Vr[v];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetQ(int v, Vector128<byte> value) => Vr[v] = value;

    /// <summary>Low 64 bits (D view).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong GetD(int v) => Vr[v].AsUInt64().GetElement(0);

    /// <summary>Upper 64 bits of the Q register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong GetDHigh(int v) => Vr[v].AsUInt64().GetElement(1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint GetS(int v) => Vr[v].AsUInt32().GetElement(0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort GetH(int v) => Vr[v].AsUInt16().GetElement(0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte GetB(int v) => Vr[v].GetElement(0);

    /// <summary>Writes the D view and zeroes bits [127:64].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetD(int v, ulong value) => Vr[v] = Vector128.CreateScalar(value).AsByte();

    /// <summary>Writes all 128 bits from two halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetQ(int v, ulong low, ulong high) => Vr[v] = Vector128.Create(low, high).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetS(int v, uint value) => Vr[v] = Vector128.CreateScalar(value).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetH(int v, ushort value) => Vr[v] = Vector128.CreateScalar(value).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetB(int v, byte value) => Vr[v] = Vector128.CreateScalar(value).AsByte();

    /// <summary>
    /// CheckFPAdvSIMDEnabled64() (Arm ARM J1): CPACR_EL1.FPEN 0b01 traps EL0 only, 0bx0 traps EL0 and EL1, 0b11
    /// traps nothing; the trap is EC 0x07 to EL1 at this instruction. When FP/SIMD is not implemented at all
    /// (CpuFeatures.FpSimd false) the instruction is UNDEFINED. Returns true when the instruction must not execute.
    /// </summary>
    public bool FpAccessTrapped()
    {
        if (!Features.FpSimd)
        {
            TakeUndefined();
            return true;
        }
        ulong fpen = (SysRegs.CpacrEl1 >> 20) & 3;
        if (fpen == 3 || (fpen == 1 && El == 1)) return false;
        NextPc = Pc;
        TakeException(ExceptionClass.FpAccess, 0);
        return true;
    }
}
