namespace Arm64Vm.Host.Kvm;

/// <summary>H9: completing an MMIO exit (kvm_handle_mmio_return).</summary>
public sealed partial class Vcpu
{
    /// <summary>The MMIO access the VMM must complete before the next <see cref="Run"/> (null when none).</summary>
    public MmioAccess? PendingMmio => _pendingMmio;

    /// <summary>
    /// The VMM found nothing at the address (QEMU's unassigned access on virt): instead of completing the access,
    /// a synchronous external data abort is taken by the guest at the instruction.
    /// </summary>
    public void FailPendingMmio()
    {
        var m = _pendingMmio ?? throw new InvalidOperationException("no MMIO access is pending");
        _pendingMmio = null;
        InjectAbort(instruction: false, m.Va, fsc: 0b010000, write: m.IsWrite);
    }

    /// <summary>
    /// A read's data lands in the register named by the syndrome, sign-extended (SSE) from the access size and
    /// truncated to 32 bits unless SF; a write needs nothing. Either way the PC advances exactly once.
    /// </summary>
    private void CompletePendingMmio()
    {
        var m = _pendingMmio;
        if (m == null) return;
        _pendingMmio = null;
        if (!m.IsWrite)
        {
            ulong data = m.Length < 8 ? m.Data & ((1UL << (m.Length * 8)) - 1) : m.Data;
            if (m.SignExtend && m.Length < 8)
            {
                ulong sign = 1UL << (m.Length * 8 - 1);
                data = (data ^ sign) - sign;
            }
            if (!m.SixtyFourBit) data &= 0xFFFF_FFFFUL;
            Cpu.SetX(m.Register, data);
        }
        SkipInstruction();
    }
}
