namespace Arm64Vm.Cpu;

/// <summary>
/// SYS instructions (op0 = 1): data and instruction cache maintenance, TLB maintenance and address translation.
/// Each owner adds its rows here; the interpreter's SYS handler executes <see cref="SysRegDef.Execute"/>.
/// </summary>
public static partial class SystemRegisterTable
{
    static partial void AddInstructions(List<SysRegDef> list)
    {
        AddCacheInstructions(list);
        AddTlbInstructions(list);
        AddAddressTranslationInstructions(list);
    }

    static partial void AddCacheInstructions(List<SysRegDef> list);
    static partial void AddTlbInstructions(List<SysRegDef> list);
    static partial void AddAddressTranslationInstructions(List<SysRegDef> list);

    /// <summary>A SYS instruction row.</summary>
    internal static SysRegDef Sys(string name, int op1, int crn, int crm, int op2, Action<CpuCore, ulong> execute, int minEl = 1,
        Func<CpuCore, bool, SysRegTrap>? trap = null) =>
        new()
        {
            Name = name, Op0 = 1, Op1 = op1, CRn = crn, CRm = crm, Op2 = op2, Kind = SysRegKind.Instruction,
            MinEl = minEl, Readable = false, Execute = execute, Trap = trap,
        };
}
