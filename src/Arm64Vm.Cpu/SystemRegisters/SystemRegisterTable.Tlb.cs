namespace Arm64Vm.Cpu;

/// <summary>TLB maintenance instructions executable at EL1 (Arm ARM C5.5.x, TLBI; op1 = 0, CRn = 8).</summary>
public static partial class SystemRegisterTable
{
    static partial void AddTlbInstructions(List<SysRegDef> list)
    {
        // Inner Shareable forms (CRm = 3).
        list.Add(Sys("TLBI VMALLE1IS", 0, 8, 3, 0, static (c, x) => c.Mmu.ExecuteTlbi(TlbiScope.All, x, innerShareable: true)));
        list.Add(Sys("TLBI VAE1IS", 0, 8, 3, 1, static (c, x) => c.Mmu.ExecuteTlbi(TlbiScope.Va, x, innerShareable: true)));
        list.Add(Sys("TLBI ASIDE1IS", 0, 8, 3, 2, static (c, x) => c.Mmu.ExecuteTlbi(TlbiScope.Asid, x, innerShareable: true)));
        list.Add(Sys("TLBI VAAE1IS", 0, 8, 3, 3, static (c, x) => c.Mmu.ExecuteTlbi(TlbiScope.VaAllAsids, x, innerShareable: true)));
        list.Add(Sys("TLBI VALE1IS", 0, 8, 3, 5, static (c, x) => c.Mmu.ExecuteTlbi(TlbiScope.Va, x, innerShareable: true)));
        list.Add(Sys("TLBI VAALE1IS", 0, 8, 3, 7, static (c, x) => c.Mmu.ExecuteTlbi(TlbiScope.VaAllAsids, x, innerShareable: true)));
        // Local forms (CRm = 7); HCR_EL2.FB upgrades them to Inner Shareable.
        list.Add(Sys("TLBI VMALLE1", 0, 8, 7, 0, static (c, x) => c.Mmu.ExecuteTlbi(TlbiScope.All, x, innerShareable: false)));
        list.Add(Sys("TLBI VAE1", 0, 8, 7, 1, static (c, x) => c.Mmu.ExecuteTlbi(TlbiScope.Va, x, innerShareable: false)));
        list.Add(Sys("TLBI ASIDE1", 0, 8, 7, 2, static (c, x) => c.Mmu.ExecuteTlbi(TlbiScope.Asid, x, innerShareable: false)));
        list.Add(Sys("TLBI VAAE1", 0, 8, 7, 3, static (c, x) => c.Mmu.ExecuteTlbi(TlbiScope.VaAllAsids, x, innerShareable: false)));
        list.Add(Sys("TLBI VALE1", 0, 8, 7, 5, static (c, x) => c.Mmu.ExecuteTlbi(TlbiScope.Va, x, innerShareable: false)));
        list.Add(Sys("TLBI VAALE1", 0, 8, 7, 7, static (c, x) => c.Mmu.ExecuteTlbi(TlbiScope.VaAllAsids, x, innerShareable: false)));
    }

    /// <summary>HCR_EL2.TTLB traps EL1 TLB maintenance to EL2 (EC 0x18).</summary>
    static partial void TlbInstructionEl2Trap(CpuCore cpu, SysRegDef def, ref bool trap)
    {
        if ((cpu.HcrEl2 & Hcr.TTLB) != 0 && def.Op1 == 0 && def.CRn == 8) trap = true;
    }
}
