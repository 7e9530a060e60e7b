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
    /// Bit e set: FP/SIMD instructions at EL e pass CheckFPAdvSIMDEnabled64(). Zero means "not known to be enabled"
    /// and sends the check to <see cref="FpAccessCheckSlow"/>, which recomputes it. It depends only on
    /// CPACR_EL1.FPEN and the implemented features (EL is the bit index), so writes of CPACR_EL1 and HCR_EL2 (whose
    /// EL2 controls the host may add to the check) clear it through <see cref="InvalidateFpEnable"/>.
    /// </summary>
    private uint _fpEnabledEls;

    /// <summary>Forgets the cached FP/SIMD enable state (CPACR_EL1 or HCR_EL2 changed, or a reset).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void InvalidateFpEnable() => _fpEnabledEls = 0;

    /// <summary>
    /// CheckFPAdvSIMDEnabled64() (Arm ARM J1, AArch64.CheckFPAdvSIMDEnabled): CPACR_EL1.FPEN 0b01 traps EL0 only,
    /// 0bx0 traps EL0 and EL1, 0b11 traps nothing; the trap is EC 0x07 to EL1 at this instruction. When FP/SIMD is
    /// not implemented at all (CpuFeatures.FpSimd false) the instruction is UNDEFINED. Returns true when the
    /// instruction must not execute. The common case is one load and a bit test of the cached state.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool FpAccessTrapped() => ((_fpEnabledEls >> El) & 1) == 0 && FpAccessCheckSlow();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool FpAccessCheckSlow()
    {
        if (!Features.FpSimd)
        {
            TakeUndefined();
            return true;
        }
        ulong fpen = (SysRegs.CpacrEl1 >> 20) & 3;
        _fpEnabledEls = fpen == 3 ? 0b11u : fpen == 1 ? 0b10u : 0u;
        if (((_fpEnabledEls >> El) & 1) != 0) return false;
        NextPc = Pc;
        TakeException(ExceptionClass.FpAccess, 0);
        return true;
    }
}
