using System.Diagnostics;
using System.Runtime.CompilerServices;
using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

/// <summary>
/// One AArch64 processing element running EL0 and EL1 (AArch64 state only). EL2 is played by C# host code: every
/// exception the architecture routes to EL2 ends <see cref="Run"/> with a <see cref="CpuExit"/>.
/// The class is split by concern: registers and PSTATE here, the run loop, exceptions, memory access and
/// system registers in their own files. The MMU (TLB, table walkers, translation, AT, TLB maintenance) is a type of
/// its own that the PE owns (<see cref="Mmu"/>).
/// </summary>
public sealed partial class CpuCore
{
    public CpuCore(CpuSystem system, int index)
    {
        System = system;
        Index = index;
        Memory = system.Memory;
        _monitor = system.Monitor;
        SysRegs = new SystemRegisterFile(this);
        Pmu = new Pmu(this);
        _mmu = new Mmu(this);
        _tlb = _mmu.Tlb;
        InitTlb();
        InitInstructionSide();
        Reset();
    }

    /// <summary>What every CPU of the machine shares: memory system, code cache, exclusive monitor, features.</summary>
    public CpuSystem System { get; }
    /// <summary>Index of this PE in the system (also its agent id on the memory system).</summary>
    public int Index { get; }
    public IMemorySystem Memory { get; }
    public SystemRegisterFile SysRegs { get; }
    public CpuFeatures Features => System.Features;
    /// <summary>The machine's global exclusive monitor (<see cref="CpuSystem.Monitor"/>), held here for the store paths.</summary>
    private readonly GlobalExclusiveMonitor _monitor;

    /// <summary>This PE's MMU: its TLB, the table walkers, translation, AT, TLB maintenance and the TLB's context.</summary>
    private readonly Mmu _mmu;
    /// <summary>This PE's MMU (Mmu/Mmu.cs).</summary>
    public Mmu Mmu => _mmu;

    // ---- General-purpose registers (Arm ARM B1.2.1) ----
    public GeneralRegisterFile Xr;
    public ulong SpEl0;
    public ulong SpEl1;

    // ---- SIMD&FP registers ----
    public VectorRegisterFile Vr;
    public uint Fpcr;
    public uint Fpsr;

    // ---- PC and PSTATE (Arm ARM D1.4) ----
    public ulong Pc;
    /// <summary>Address of the next instruction; handlers that branch or take exceptions overwrite it.</summary>
    public ulong NextPc;
    /// <summary>
    /// NZCV in bits [31:28], as in the NZCV register. CPU-FLAGS-1: the integer flag-setting instructions record their
    /// operation lazily (<see cref="SetFlagsAdd64"/> and the others); reading this property computes the flags exactly as the
    /// instruction would have (<see cref="LazyFlags.Compute"/>), so every reader — B.cond, CSEL, CCMP, ADC/SBC, MRS
    /// NZCV, the SPSR on exception entry, traces, gdb, state save — sees the architectural value.
    /// </summary>
    public uint Nzcv
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _flagsLazy ? LazyFlags.Compute(_flagsX, _flagsY, _flagsC, _flagsR) : _nzcv;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set
        {
            _nzcv = value;
            _flagsLazy = false;
        }
    }

    /// <summary>The flags when <see cref="_flagsLazy"/> is false.</summary>
    private uint _nzcv;
    /// <summary>CPU-FLAGS-1: the flags are those of the addition recorded last (<see cref="LazyFlags"/>).</summary>
    private bool _flagsLazy;
    /// <summary>That addition, r = x + y + c (the 32-bit forms in the top half).</summary>
    private ulong _flagsX, _flagsY, _flagsC, _flagsR;

    /// <summary>CPU-FLAGS-1: ADDS, CMN (64-bit): NZCV of r = x + y, computed when read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetFlagsAdd64(ulong x, ulong y, ulong r) => RecordFlags(x, y, 0, r);

    /// <summary>CPU-FLAGS-1: SUBS, CMP, NEGS (64-bit): NZCV of r = x - y = x + NOT(y) + 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetFlagsSub64(ulong x, ulong y, ulong r) => RecordFlags(x, ~y, 1, r);

    /// <summary>CPU-FLAGS-1: ADDS, CMN (32-bit), recorded in the top half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetFlagsAdd32(uint x, uint y, uint r) => RecordFlags((ulong)x << 32, (ulong)y << 32, 0, (ulong)r << 32);

    /// <summary>CPU-FLAGS-1: SUBS, CMP, NEGS (32-bit), recorded in the top half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetFlagsSub32(uint x, uint y, uint r) => RecordFlags((ulong)x << 32, (ulong)~y << 32, 1UL << 32, (ulong)r << 32);

    /// <summary>CPU-FLAGS-1: ANDS, BICS, TST: N and Z of the result, C = V = 0 (the 32-bit forms in the top half).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetFlagsLogic(ulong r, bool sf)
    {
        if (!sf) r <<= 32;
        RecordFlags(r, 0, 0, r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RecordFlags(ulong x, ulong y, ulong c, ulong r)
    {
        _flagsLazy = true;
        _flagsX = x;
        _flagsY = y;
        _flagsC = c;
        _flagsR = r;
    }

    /// <summary>PSTATE.Z, without computing the other flags (B.EQ/B.NE, CPU-FLAGS-1).</summary>
    internal bool ZeroFlag
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _flagsLazy ? _flagsR == 0 : (_nzcv & 0x4000_0000u) != 0;
    }

    /// <summary>PSTATE.C, without computing the other flags (CS/CC readers, CPU-FLAGS-1): the carry out of the recorded addition.</summary>
    internal bool CarryFlag
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _flagsLazy ? LazyFlags.Carry(_flagsX, _flagsC, _flagsR) != 0 : (_nzcv & 0x2000_0000u) != 0;
    }

    /// <summary>D, A, I, F in bits [9:6], as in the DAIF register.</summary>
    public uint Daif;
    /// <summary>Current exception level: 0 or 1.</summary>
    public int El;
    /// <summary>PSTATE.SP: 0 selects SP_EL0, 1 selects SP_ELx.</summary>
    public int SpSel;
    /// <summary>PSTATE.IL (illegal execution state).</summary>
    public bool IllegalState;

    // ---- EL2 state owned by the host layer ----
    public ulong VpidrEl2;
    public ulong VmpidrEl2;
    private ulong _hcrEl2, _vtcrEl2, _vttbrEl2;

    /// <summary>
    /// HCR_EL2 (owned by the host layer). FWB is honoured whether or not <see cref="CpuFeatures.Fwb"/> advertises
    /// FEAT_FWB in ID_AA64MMFR2_EL1 (see specs/deviations.md): only the host writes this register. A write that
    /// changes a translation bit flushes the TLB (<see cref="Mmu.OnHcrWritten"/>).
    /// </summary>
    public ulong HcrEl2
    {
        get => _hcrEl2;
        set
        {
            ulong old = _hcrEl2;
            _hcrEl2 = value;
            _mmu.OnHcrWritten(old);
            InvalidateFpEnable();
        }
    }

    /// <summary>VTCR_EL2: stage-2 translation control (T0SZ, SL0, IRGN0, ORGN0, SH0, TG0, PS, VS). A change flushes the TLB.</summary>
    public ulong VtcrEl2
    {
        get => _vtcrEl2;
        set { if (value != _vtcrEl2) { _vtcrEl2 = value; _mmu.OnVtcrWritten(); } }
    }

    /// <summary>
    /// VTTBR_EL2: stage-2 table base and VMID. Entries are tagged by VMID, so a VMID change parks the other VM's
    /// entries instead of dropping them; a new table base under the same VMID keeps the entries until the host
    /// invalidates them (TLBI VMALLS12E1/IPAS2E1), as hardware may (TLB-3, <see cref="Mmu.SyncTlbContext"/>).
    /// </summary>
    public ulong VttbrEl2
    {
        get => _vttbrEl2;
        set { _vttbrEl2 = value; _mmu.SyncTlbContext(); }
    }

    /// <summary>Instructions retired by this PE since it was created (a PE reset does not clear it: the system counter
    /// that it drives is not reset with a PE).</summary>
    public ulong Retired;

    public bool IsHalted { get; set; }

    /// <summary>
    /// Register r's slot in <see cref="Xr"/>, without the bounds check or the byref copies the InlineArray indexer costs
    /// in handlers (the load or store addresses the PE directly). r must be 0..31: the generated wrappers read register
    /// numbers from operand bytes that hold 5 bits (CPU-SPEC-2), handlers mask Raw's, every other caller passes a constant
    /// or a loop index below 32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref ulong XRef(int r)
    {
        Debug.Assert((uint)r < 32, "register number out of range");
        return ref Unsafe.Add(ref Unsafe.As<GeneralRegisterFile, ulong>(ref Xr), (nint)(uint)r);   // zero-extension: free after a byte load or a mask
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong X(int r) => XRef(r);      // Xr[31] is kept zero: ZR

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint W(int r) => (uint)XRef(r);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetX(int r, ulong value)
    {
        if (r != 31) XRef(r) = value;
    }

    /// <summary>Writes a W register: the upper 32 bits of X become zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetW(int r, uint value)
    {
        if (r != 31) XRef(r) = value;
    }

    /// <summary>Register 31 as the current stack pointer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong XOrSp(int r) => r == 31 ? Sp : XRef(r);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetXOrSp(int r, ulong value)
    {
        if (r == 31) Sp = value; else XRef(r) = value;
    }

    /// <summary>The stack pointer selected by PSTATE.EL and PSTATE.SP.</summary>
    public ulong Sp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => SpSel == 0 || El == 0 ? SpEl0 : SpEl1;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set { if (SpSel == 0 || El == 0) SpEl0 = value; else SpEl1 = value; }
    }

    public bool N => (Nzcv & 0x8000_0000u) != 0;
    public bool Z => (Nzcv & 0x4000_0000u) != 0;
    public bool C => (Nzcv & 0x2000_0000u) != 0;
    public bool V => (Nzcv & 0x1000_0000u) != 0;

    /// <summary>Builds the SPSR image of the current PSTATE (Arm ARM C5.2.18, SPSR_EL1 for AArch64 state).</summary>
    public ulong PstateToSpsr()
    {
        ulong spsr = Nzcv & 0xF000_0000u;
        spsr |= Daif & 0x3C0u;
        if (IllegalState) spsr |= 1UL << 20;
        spsr |= (ulong)(uint)(El << 2) | (ulong)(uint)SpSel;
        return spsr;
    }

    /// <summary>Resets this PE at power-on: the architectural reset state (<see cref="ResetRegisters"/>) and an empty TLB.</summary>
    public void Reset()
    {
        ResetRegisters();
        FlushTlb();
    }

    /// <summary>
    /// Resets the registers to the architectural reset state at EL1h (what KVM's vCPU reset produces, Linux 6.12,
    /// kvm_reset_vcpu()): the TLB is left as it is — its entries are parked by the new context (MMU off, reset
    /// SCTLR_EL1/MAIR_EL1) and come back if a later context matches them, until something invalidates them.
    /// </summary>
    public void ResetRegisters()
    {
        Xr = default;
        Vr = default;
        SpEl0 = SpEl1 = 0;
        Fpcr = Fpsr = 0;
        Pc = NextPc = 0;
        Nzcv = 0;
        Daif = 0x3C0;          // D, A, I, F masked
        El = 1;
        SpSel = 1;             // EL1h
        IllegalState = false;
        PstateSs = false;
        ExclusiveValid = false;
        IsHalted = false;
        SysRegs.Reset();
        Pmu.Reset();
        _mmu.SyncTlbContext();
        InvalidateFetch();
        OnElChanged();         // the TLB fast-path masks follow PSTATE.EL
    }
}
