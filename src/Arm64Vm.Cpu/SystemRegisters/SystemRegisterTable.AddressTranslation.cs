namespace Arm64Vm.Cpu;

/// <summary>Address translation instructions executable at EL1 (Arm ARM C5.5.x, AT; op1 = 0, CRn = 7, CRm = 8).</summary>
public static partial class SystemRegisterTable
{
    static partial void AddAddressTranslationInstructions(List<SysRegDef> list)
    {
        list.Add(Sys("AT S1E1R", 0, 7, 8, 0, static (c, x) => c.Mmu.ExecuteAtStage1(x, write: false, el: 1)));
        list.Add(Sys("AT S1E1W", 0, 7, 8, 1, static (c, x) => c.Mmu.ExecuteAtStage1(x, write: true, el: 1)));
        list.Add(Sys("AT S1E0R", 0, 7, 8, 2, static (c, x) => c.Mmu.ExecuteAtStage1(x, write: false, el: 0)));
        list.Add(Sys("AT S1E0W", 0, 7, 8, 3, static (c, x) => c.Mmu.ExecuteAtStage1(x, write: true, el: 0)));
    }
}
