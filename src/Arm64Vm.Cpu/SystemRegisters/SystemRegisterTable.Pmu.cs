namespace Arm64Vm.Cpu;

/// <summary>
/// PMUv3 registers (Arm ARM (DDI 0487K.a) D12 and D24.5, Performance Monitors registers): views of the PE's
/// <see cref="Pmu"/>. EL0 access is governed by PMUSERENR_EL0 (D12.6: EN enables everything, SW PMSWINC_EL0, CR reads
/// of PMCCNTR_EL0, ER reads of the event counters and PMSELR_EL0); a denied access traps to EL1 (EC 0x18).
/// MDCR_EL2 traps to the host are not modelled (see specs/deviations.md, PMU).
/// </summary>
public static partial class SystemRegisterTable
{
    private const ulong UserEn = 1, UserSw = 2, UserCr = 4, UserEr = 8;

    /// <summary>An EL0 access trap unless PMUSERENR_EL0 has EN or one of <paramref name="readBits"/> (reads only).</summary>
    private static Func<CpuCore, bool, SysRegTrap> PmuEl0(ulong readBits = 0, ulong writeBits = 0) => (c, read) =>
    {
        if (c.El != 0) return SysRegTrap.None;
        ulong enr = c.Pmu.UserEnable;
        ulong allowed = UserEn | (read ? readBits : writeBits);
        return (enr & allowed) != 0 ? SysRegTrap.None : SysRegTrap.TrapToEl1;
    };

    private static void AddPmu(List<SysRegDef> list)
    {
        list.Add(R("PMCR_EL0", 3, 3, 9, 12, 0, minEl: 0, trap: PmuEl0(), read: c => c.Pmu.ReadPmcr(), write: (c, v) => { c.Pmu.WritePmcr(v); c.UpdatePmuOutput(); }));
        list.Add(R("PMCNTENSET_EL0", 3, 3, 9, 12, 1, minEl: 0, trap: PmuEl0(), read: c => c.Pmu.Enabled, write: (c, v) => { c.Pmu.SetEnabled((uint)v); c.UpdatePmuOutput(); }));
        list.Add(R("PMCNTENCLR_EL0", 3, 3, 9, 12, 2, minEl: 0, trap: PmuEl0(), read: c => c.Pmu.Enabled, write: (c, v) => { c.Pmu.ClearEnabled((uint)v); c.UpdatePmuOutput(); }));
        list.Add(R("PMOVSCLR_EL0", 3, 3, 9, 12, 3, minEl: 0, trap: PmuEl0(), read: c => c.Pmu.SampleOverflows(), write: (c, v) => { c.Pmu.ClearOverflows((uint)v); c.UpdatePmuOutput(); }));
        list.Add(R("PMSWINC_EL0", 3, 3, 9, 12, 4, minEl: 0, readable: false, trap: PmuEl0(writeBits: UserSw), write: (c, v) => { c.Pmu.SoftwareIncrement(v); c.UpdatePmuOutput(); }));
        list.Add(R("PMSELR_EL0", 3, 3, 9, 12, 5, minEl: 0, trap: PmuEl0(readBits: UserEr, writeBits: UserEr), read: c => c.Pmu.Selr, write: (c, v) => c.Pmu.WriteSelr(v)));
        list.Add(Id("PMCEID0_EL0", 3, 3, 9, 12, 6, c => c.Pmu.CommonEventIds0(), minEl: 0, trap: PmuEl0()));
        list.Add(Id("PMCEID1_EL0", 3, 3, 9, 12, 7, _ => 0, minEl: 0, trap: PmuEl0()));
        list.Add(R("PMCCNTR_EL0", 3, 3, 9, 13, 0, minEl: 0, trap: PmuEl0(readBits: UserCr), read: c => c.Pmu.ReadCounter(Pmu.Cycle), write: (c, v) => c.Pmu.WriteCounter(Pmu.Cycle, v)));
        list.Add(R("PMXEVTYPER_EL0", 3, 3, 9, 13, 1, minEl: 0, trap: PmuEl0(), read: c => c.Pmu.ReadType((int)c.Pmu.Selr), write: (c, v) => c.Pmu.WriteType((int)c.Pmu.Selr, v)));
        list.Add(R("PMXEVCNTR_EL0", 3, 3, 9, 13, 2, minEl: 0, trap: PmuEl0(readBits: UserEr), read: c => c.Pmu.ReadCounter((int)c.Pmu.Selr), write: (c, v) => c.Pmu.WriteCounter((int)c.Pmu.Selr, v)));
        // PMUSERENR_EL0 is read-only at EL0 (a write there is UNDEFINED).
        list.Add(R("PMUSERENR_EL0", 3, 3, 9, 14, 0, minEl: 0, read: c => c.Pmu.UserEnable, write: (c, v) => c.Pmu.WriteUserEnable(v),
            trap: (c, read) => c.El == 0 && !read ? SysRegTrap.Undefined : SysRegTrap.None));
        list.Add(R("PMINTENSET_EL1", 3, 0, 9, 14, 1, read: c => c.Pmu.InterruptEnables, write: (c, v) => { c.Pmu.SetInterruptEnables((uint)v); c.UpdatePmuOutput(); }));
        list.Add(R("PMINTENCLR_EL1", 3, 0, 9, 14, 2, read: c => c.Pmu.InterruptEnables, write: (c, v) => { c.Pmu.ClearInterruptEnables((uint)v); c.UpdatePmuOutput(); }));
        list.Add(R("PMOVSSET_EL0", 3, 3, 9, 14, 3, minEl: 0, trap: PmuEl0(), read: c => c.Pmu.SampleOverflows(), write: (c, v) => { c.Pmu.SetOverflows((uint)v); c.UpdatePmuOutput(); }));
        for (int n = 0; n < Pmu.EventCounters; n++)   // n >= N has no register: UNDEFINED
        {
            int counter = n;
            list.Add(R($"PMEVCNTR{n}_EL0", 3, 3, 14, 8 + (n >> 3), n & 7, minEl: 0, trap: PmuEl0(readBits: UserEr),
                read: c => c.Pmu.ReadCounter(counter), write: (c, v) => c.Pmu.WriteCounter(counter, v)));
            list.Add(R($"PMEVTYPER{n}_EL0", 3, 3, 14, 12 + (n >> 3), n & 7, minEl: 0, trap: PmuEl0(),
                read: c => c.Pmu.ReadType(counter), write: (c, v) => c.Pmu.WriteType(counter, v)));
        }
        list.Add(R("PMCCFILTR_EL0", 3, 3, 14, 15, 7, minEl: 0, trap: PmuEl0(), read: c => c.Pmu.CycleFilter, write: (c, v) => c.Pmu.WriteCycleFilter(v)));
    }
}
