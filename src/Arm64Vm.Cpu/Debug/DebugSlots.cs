namespace Arm64Vm.Cpu;

/// <summary>
/// Register-file slots of the debug registers (resolved once, after <see cref="SystemRegisterTable.All"/> is built),
/// so matching reads values by index and never by name.
/// </summary>
internal static class DebugSlots
{
    internal static readonly int Mdscr = Slot("MDSCR_EL1");
    internal static readonly int Oslsr = Slot("OSLSR_EL1");
    internal static readonly int Osdlr = Slot("OSDLR_EL1");
    internal static readonly int Dbgprcr = Slot("DBGPRCR_EL1");
    internal static readonly int ContextId = Slot("CONTEXTIDR_EL1");
    internal static readonly int[] Bvr = Slots("DBGBVR{0}_EL1", DebugUnit.Breakpoints);
    internal static readonly int[] Bcr = Slots("DBGBCR{0}_EL1", DebugUnit.Breakpoints);
    internal static readonly int[] Wvr = Slots("DBGWVR{0}_EL1", DebugUnit.Watchpoints);
    internal static readonly int[] Wcr = Slots("DBGWCR{0}_EL1", DebugUnit.Watchpoints);

    /// <summary>Per slot: a write changes what the debug unit checks (the controls, MDSCR_EL1 and the locks).</summary>
    private static readonly bool[] Control = BuildControl();

    internal static bool IsControl(int slot) => Control[slot];

    private static int Slot(string name) => SystemRegisterTable.ByName(name).Slot;

    private static int[] Slots(string format, int count)
    {
        var slots = new int[count];
        for (int n = 0; n < count; n++) slots[n] = Slot(string.Format(format, n));
        return slots;
    }

    private static bool[] BuildControl()
    {
        var control = new bool[SystemRegisterTable.All.Count];
        foreach (int s in Bcr.Concat(Wcr).Append(Mdscr).Append(Oslsr).Append(Osdlr).Append(Dbgprcr)) control[s] = true;
        return control;
    }
}
