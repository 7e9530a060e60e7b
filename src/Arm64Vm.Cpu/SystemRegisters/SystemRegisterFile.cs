namespace Arm64Vm.Cpu;

/// <summary>
/// Per-PE values of the registers in <see cref="SystemRegisterTable"/>, plus the access logic shared by MRS, MSR
/// and SYS: minimum EL, trap predicates, HCR_EL2 trap groups, write masks and side effects.
/// </summary>
public sealed class SystemRegisterFile
{
    private readonly CpuCore _cpu;
    private readonly ulong[] _values;

    public SystemRegisterFile(CpuCore cpu)
    {
        _cpu = cpu;
        _values = new ulong[SystemRegisterTable.All.Count];
    }

    internal void CopyTo(ulong[] destination) => _values.CopyTo(destination, 0);
    internal void CopyFrom(ulong[] source)
    {
        source.CopyTo(_values, 0);
        _cpu.Mmu.SyncTlbContext();
        _cpu.DebugRegistersChanged();
    }

    public void Reset()
    {
        foreach (var def in SystemRegisterTable.All) _values[def.Slot] = def.Reset;
        _cpu.InvalidateFpEnable();
        _cpu.DebugRegistersChanged();
    }

    // ---- Typed views of the registers the CPU itself consults ----
    public ulong SctlrEl1 { get => _values[SystemRegisterTable.SCTLR_EL1]; set { _values[SystemRegisterTable.SCTLR_EL1] = value; _cpu.Mmu.SyncTlbContext(); } }
    public ulong VbarEl1 { get => _values[SystemRegisterTable.VBAR_EL1]; set => _values[SystemRegisterTable.VBAR_EL1] = value; }
    public ulong EsrEl1 { get => _values[SystemRegisterTable.ESR_EL1]; set => _values[SystemRegisterTable.ESR_EL1] = value; }
    public ulong FarEl1 { get => _values[SystemRegisterTable.FAR_EL1]; set => _values[SystemRegisterTable.FAR_EL1] = value; }
    public ulong ElrEl1 { get => _values[SystemRegisterTable.ELR_EL1]; set => _values[SystemRegisterTable.ELR_EL1] = value; }
    public ulong SpsrEl1 { get => _values[SystemRegisterTable.SPSR_EL1]; set => _values[SystemRegisterTable.SPSR_EL1] = value; }
    // SCTLR_EL1.M, TCR_EL1 and the TTBRs select the TLB's context (stage 1 on or off; the ASID, from the TTBR that
    // TCR_EL1.A1 picks, AS bits wide): every write, by MSR, by the host or raw, re-tags the TLB when the context
    // changed (Mmu.SyncTlbContext, TlbContext.cs).
    public ulong TcrEl1 { get => _values[SystemRegisterTable.TCR_EL1]; set { _values[SystemRegisterTable.TCR_EL1] = value; _cpu.Mmu.SyncTlbContext(); } }
    public ulong Ttbr0El1 { get => _values[SystemRegisterTable.TTBR0_EL1]; set { _values[SystemRegisterTable.TTBR0_EL1] = value; _cpu.Mmu.SyncTlbContext(); } }
    public ulong Ttbr1El1 { get => _values[SystemRegisterTable.TTBR1_EL1]; set { _values[SystemRegisterTable.TTBR1_EL1] = value; _cpu.Mmu.SyncTlbContext(); } }
    public ulong MairEl1 { get => _values[SystemRegisterTable.MAIR_EL1]; set => _values[SystemRegisterTable.MAIR_EL1] = value; }
    public ulong CpacrEl1 { get => _values[SystemRegisterTable.CPACR_EL1]; set { _values[SystemRegisterTable.CPACR_EL1] = value; _cpu.InvalidateFpEnable(); } }
    public ulong ParEl1 { get => _values[SystemRegisterTable.PAR_EL1]; set => _values[SystemRegisterTable.PAR_EL1] = value; }
    public ulong CntkctlEl1 { get => _values[SystemRegisterTable.CNTKCTL_EL1]; set => _values[SystemRegisterTable.CNTKCTL_EL1] = value; }
    public ulong CsselrEl1 { get => _values[SystemRegisterTable.CSSELR_EL1]; set => _values[SystemRegisterTable.CSSELR_EL1] = value; }

    /// <summary>SCTLR_EL1.A: alignment checking of every data access.</summary>
    public bool AlignmentCheckEnabled => (SctlrEl1 & 2) != 0;

    /// <summary>Raw value by definition (no traps, no side effects): for the host, traces and tests.</summary>
    public ulong GetRaw(SysRegDef def) => def.Read != null ? def.Read(_cpu) : _values[def.Slot];
    public void SetRaw(SysRegDef def, ulong value) { _values[def.Slot] = value; Changed(def.Slot); }

    public SysRegDef Def(string name) => SystemRegisterTable.ByName(name);

    public ulong Get(string name) => GetRaw(SystemRegisterTable.ByName(name));
    public void Set(string name, ulong value) => SetRaw(SystemRegisterTable.ByName(name), value);

    /// <summary>Stored value of a slot (for Read hooks of registers that keep storage).</summary>
    internal ulong Stored(SysRegDef def) => _values[def.Slot];
    internal void Store(SysRegDef def, ulong value) { _values[def.Slot] = value; Changed(def.Slot); }

    /// <summary>Stored value of a slot, for the debug unit's matching (DebugSlots).</summary>
    internal ulong Value(int slot) => _values[slot];

    /// <summary>
    /// State the CPU caches from a register: CPACR_EL1 feeds the FP/SIMD enable check; SCTLR_EL1.M, TCR_EL1 and the
    /// TTBRs select the TLB's context (Mmu.SyncTlbContext).
    /// </summary>
    private void Changed(int slot)
    {
        if (slot == SystemRegisterTable.CPACR_EL1) _cpu.InvalidateFpEnable();
        else if (slot == SystemRegisterTable.TCR_EL1 || slot == SystemRegisterTable.TTBR0_EL1
                 || slot == SystemRegisterTable.TTBR1_EL1 || slot == SystemRegisterTable.SCTLR_EL1) _cpu.Mmu.SyncTlbContext();
        else if (DebugSlots.IsControl(slot)) _cpu.DebugRegistersChanged();   // DBG-1: what the run loop checks
    }

    /// <summary>
    /// Decides whether an access from the current EL is allowed: Arm ARM order is EL0 checks (UNDEFINED or trap to
    /// EL1) first, then traps to EL2, then FP enable checks.
    /// </summary>
    public SysRegTrap CheckAccess(SysRegDef def, bool read)
    {
        int el = _cpu.El;
        if (el < def.MinEl) return SysRegTrap.Undefined;
        if (read && !def.Readable) return SysRegTrap.Undefined;
        if (!read && !def.Writable) return SysRegTrap.Undefined;
        if (def.Trap != null)
        {
            var t = def.Trap(_cpu, read);
            if (t != SysRegTrap.None) return t;
        }
        return SystemRegisterTable.El2Trap(_cpu, def, read) ? SysRegTrap.TrapToEl2 : SysRegTrap.None;
    }

    /// <summary>MRS after access checks.</summary>
    public ulong Read(SysRegDef def) => def.Read != null ? def.Read(_cpu) : _values[def.Slot];

    /// <summary>MSR after access checks: masks the value and applies side effects.</summary>
    public void Write(SysRegDef def, ulong value)
    {
        ulong merged = (_values[def.Slot] & ~def.WriteMask) | (value & def.WriteMask);
        if (def.Write != null) def.Write(_cpu, merged);
        else _values[def.Slot] = merged;
        Changed(def.Slot);
    }
}
