using Arm64Vm.Cpu;

namespace Arm64Vm.Host.Kvm;

/// <summary>The GICv3 CPU interface system registers of this vCPU (IRQ-1; IHI 0069 section 12.2).</summary>
public sealed partial class VgicCpu
{
    /// <summary>INTIDs are 24 bits wide in the ICC registers (the upper bits of the written value are RES0).</summary>
    private const uint IccIntidMask = 0xFF_FFFF;

    public ulong ReadIcc(IccRegister register)
    {
        ulong v = register switch
        {
            IccRegister.Pmr => Pmr,
            IccRegister.Bpr0 => Bpr0,
            // GIC-3: with CBPR, BPR1 reads BPR0 + 1 (saturated) and writes are ignored.
            IccRegister.Bpr1 => Cbpr ? Math.Min(Bpr0 + 1, 7) : Bpr1,
            IccRegister.Ap0r0 => Ap0,
            IccRegister.Ap1r0 => Ap1,
            IccRegister.Rpr => RunningPriority,
            IccRegister.Iar0 => Acknowledge(group1: false),
            IccRegister.Iar1 => Acknowledge(group1: true),
            IccRegister.Hppir0 => HighestPendingId(group1: false),
            IccRegister.Hppir1 => HighestPendingId(group1: true),
            IccRegister.Ctlr => IccCtlr,
            // GIC-9: SRE, DFB and DIB are RAO/WI: the memory-mapped GICv2 interface is not offered.
            IccRegister.Sre => 7,
            IccRegister.Igrpen0 => GroupEnable0 ? 1UL : 0,
            IccRegister.Igrpen1 => GroupEnable1 ? 1UL : 0,
            _ => 0,
        };
        if (register is IccRegister.Iar0 or IccRegister.Iar1) Gic.Update();
        return v;
    }

    /// <summary>ICC_CTLR_EL1: CBPR, EOImode, PRIbits = 4 (five bits), IDbits = 0 (16-bit INTIDs), A3V (IHI 0069 section 12.2.6).</summary>
    private ulong IccCtlr => (Cbpr ? 1UL : 0) | (EoiMode ? 2UL : 0) | ((ulong)(Vgic.PriorityBits - 1) << 8) | (1UL << 15);

    /// <summary>
    /// ICC_* writes. ASGI1R asks for the other Security state's Group 1: with one Security state there is none, so it is
    /// WI; the read-only registers are UNDEFINED for MSR before they get here.
    /// </summary>
    public void WriteIcc(IccRegister register, ulong value)
    {
        uint intid = (uint)value & IccIntidMask;
        switch (register)
        {
            case IccRegister.Pmr: Pmr = (uint)value & Vgic.PriorityMask; break;
            case IccRegister.Bpr0: Bpr0 = Math.Max((uint)value & 7, MinBpr0); break;
            case IccRegister.Bpr1: if (!Cbpr) Bpr1 = Math.Max((uint)value & 7, MinBpr1); break;
            case IccRegister.Ap0r0: Ap0 = (uint)value; break;
            case IccRegister.Ap1r0: Ap1 = (uint)value; break;
            case IccRegister.Eoir0: EndOfInterrupt(intid, group1: false); break;
            case IccRegister.Eoir1: EndOfInterrupt(intid, group1: true); break;
            case IccRegister.Dir: DeactivateByDir(intid); break;
            case IccRegister.Ctlr:
                Cbpr = (value & 1) != 0;
                EoiMode = (value & 2) != 0;
                break;
            case IccRegister.Igrpen0: GroupEnable0 = (value & 1) != 0; break;
            case IccRegister.Igrpen1: GroupEnable1 = (value & 1) != 0; break;
            case IccRegister.Sgi1r: SendSgi(value, group1: true); break;
            case IccRegister.Sgi0r: SendSgi(value, group1: false); break;
        }
        Gic.Update();
    }

    /// <summary>
    /// GIC-7: ICC_SGI1R_EL1 / ICC_SGI0R_EL1: INTID [27:24], TargetList [15:0] of Aff0 = RS * 16 + n within Aff3.Aff2.Aff1
    /// ([55:48], [39:32], [23:16]), or IRM (bit 40) = every PE but this one. The SGI becomes pending at a target only if
    /// it is configured in the group the register generates (a single Security state).
    /// </summary>
    private void SendSgi(ulong value, bool group1)
    {
        int intid = (int)((value >> 24) & 0xF);
        bool irm = ((value >> 40) & 1) != 0;
        ulong aff321 = (((value >> 48) & 0xFF) << 32) | (((value >> 32) & 0xFF) << 16) | (((value >> 16) & 0xFF) << 8);
        ulong rs = (value >> 44) & 0xF;
        foreach (var c in Gic.Cpus)
        {
            if (irm)
            {
                if (c == this) continue;
            }
            else
            {
                if ((c.Affinity & ~0xFFUL) != aff321) continue;
                ulong aff0 = c.Affinity & 0xFF;
                if (aff0 >> 4 != rs || ((value >> (int)(aff0 & 0xF)) & 1) == 0) continue;
            }
            var irq = c.Private[intid];
            if (irq.Group1 == group1) irq.PendingLatch = true;
        }
    }
}
