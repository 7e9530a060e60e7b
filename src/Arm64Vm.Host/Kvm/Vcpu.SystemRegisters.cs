using Arm64Vm.Cpu;

namespace Arm64Vm.Host.Kvm;

/// <summary>
/// Trapped system-register accesses (EC 0x18): set/way maintenance under HCR_EL2.TSW and the VM controls under TVM
/// (H6: access_dcsw, kvm_set_way_flush, access_vm_reg, kvm_toggle_cache), and the cache identification registers
/// under TID2, fabricated as KVM does (reset_clidr, get_ccsidr).
/// </summary>
public sealed partial class Vcpu
{
    /// <summary>SCTLR_EL1.M and C both set (vcpu_has_cache_enabled).</summary>
    public bool CacheEnabled => (Cpu.SysRegs.SctlrEl1 & 0b101) == 0b101;

    private void EmulateSystemRegister(uint iss)
    {
        bool read = (iss & 1) != 0;
        int rt = (int)((iss >> 5) & 31);
        uint op0 = (iss >> 20) & 3, op2 = (iss >> 17) & 7, op1 = (iss >> 14) & 7, crn = (iss >> 10) & 0xF, crm = (iss >> 1) & 0xF;
        var def = SystemRegisterTable.ByKey((int)((op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2));
        if (def == null)
        {
            InjectUndefined();
            return;
        }
        switch (def.Name)
        {
            case "DC ISW" or "DC CSW" or "DC CISW":
                SetWayOperation(def.Name);
                SkipInstruction();
                return;
            case "CTR_EL0" when read:
                Cpu.SetX(rt, Cpu.SysRegs.Read(def));               // the sanitised host value
                SkipInstruction();
                return;
            case "CLIDR_EL1" when read:
                Cpu.SetX(rt, FabricatedClidr());
                SkipInstruction();
                return;
            case "CCSIDR_EL1" when read:
                Cpu.SetX(rt, FabricatedCcsidr(Cpu.SysRegs.CsselrEl1));
                SkipInstruction();
                return;
            case "CSSELR_EL1":
                if (read) Cpu.SetX(rt, Cpu.SysRegs.CsselrEl1);
                else Cpu.SysRegs.CsselrEl1 = Cpu.X(rt) & 0xF;
                SkipInstruction();
                return;
        }
        if (!read && SystemRegisterTable.VmControls.Contains(def.Name))
        {
            // access_vm_reg: perform the write, then kvm_toggle_cache.
            bool wasEnabled = CacheEnabled;
            Cpu.SysRegs.Write(def, Cpu.X(rt));
            ToggleCache(wasEnabled);
            SkipInstruction();
            return;
        }
        Vm.Log(HostEventKind.Emulate, Id, 0, 0, detail: $"undefined {def.Name}");
        InjectUndefined();
    }

    /// <summary>access_dcsw + kvm_set_way_flush (H6). With FWB the operation is ignored.</summary>
    private void SetWayOperation(string name)
    {
        Vm.Counters.SetWayTraps++;
        Vm.Log(HostEventKind.Emulate, Id, 0, 0, detail: name);
        if (Vm.Features.Fwb) return;
        if ((Cpu.HcrEl2 & Arm64Vm.Cpu.Hcr.TVM) == 0)
        {
            // The first set/way operation since the caches were enabled: flush the whole VM and trap the VM
            // controls, so the flush can be repeated when the guest turns its caches off.
            Vm.FlushVm(Id, "set-way");
            SetTvm(true);
        }
    }

    /// <summary>kvm_toggle_cache: flush the VM when MMU+caches change either way; stop trapping once they are on.</summary>
    private void ToggleCache(bool wasEnabled)
    {
        bool nowEnabled = CacheEnabled;
        if (nowEnabled != wasEnabled && Vm.Policy.ToggleFlush) Vm.FlushVm(Id, nowEnabled ? "toggle-on" : "toggle-off");
        if (nowEnabled) SetTvm(false);
    }

    private void SetTvm(bool on)
    {
        ulong hcr = Cpu.HcrEl2;
        bool was = (hcr & Arm64Vm.Cpu.Hcr.TVM) != 0;
        if (was == on) return;
        Cpu.HcrEl2 = on ? hcr | Arm64Vm.Cpu.Hcr.TVM : hcr & ~Arm64Vm.Cpu.Hcr.TVM;
        if (on) Vm.Counters.TvmSets++; else Vm.Counters.TvmClears++;
        Vm.Log(HostEventKind.Tvm, Id, 0, 0, detail: on ? "set" : "clear");
    }

    /// <summary>reset_clidr: a cache hierarchy consistent with CTR_EL0 (IDC/DIC) rather than the physical one.</summary>
    public ulong FabricatedClidr()
    {
        ulong ctr = Cpu.SysRegs.Get("CTR_EL0");
        bool idc = ((ctr >> 28) & 1) != 0, dic = ((ctr >> 29) & 1) != 0;
        const ulong Inst = 1, Data = 2, Unified = 4;
        ulong clidr;
        ulong loc;
        if (idc)
        {
            loc = dic ? 1UL : 2UL;
            clidr = Unified << (int)(3 * (loc - 1));
        }
        else
        {
            loc = 1;
            clidr = (1UL << 27) | (1UL << 21) | Data;                // LoUU = LoUIS = 1, L1 data cache
        }
        if (!dic) clidr |= Inst;                                    // L1 instruction cache (separate if L1 has data)
        return clidr | (loc << 24);
    }

    /// <summary>get_ccsidr: one set, one way, the minimum line size from CTR_EL0 for the selected cache kind.</summary>
    public ulong FabricatedCcsidr(ulong csselr)
    {
        ulong ctr = Cpu.SysRegs.Get("CTR_EL0");
        bool instruction = (csselr & 1) != 0;
        ulong lineLog2Words = instruction ? ctr & 0xF : (ctr >> 16) & 0xF;
        return (lineLog2Words + 2) - 4;                             // LineSize = log2(bytes) - 4
    }
}
