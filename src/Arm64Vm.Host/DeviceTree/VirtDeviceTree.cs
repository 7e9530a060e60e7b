namespace Arm64Vm.Host.DeviceTree;

/// <summary>
/// The device tree of this machine as QEMU 7.2's "virt" board with -cpu cortex-a57 on KVM writes it
/// (hw/arm/virt.c create_fdt() and friends), for the devices the emulator has: memory, the CPUs with their cpu-map,
/// PSCI, the 24 MHz APB clock, the PL011 and /chosen. Nodes and properties come in the order QEMU's dumped blob has
/// them (libfdt inserts each new property and subnode in front of the earlier ones, so the blob lists them in reverse
/// order of creation), phandles are numbered as QEMU allocates them (from 0x8000: the clock, then the CPUs from the
/// last to the first). Nodes for devices that do not exist yet (interrupt controller, timer, PMU, PL031) are left
/// out, and with them every interrupts and interrupt-parent property.
/// </summary>
public static class VirtDeviceTree
{
    public const string Model = "linux,dummy-virt";
    public const string UartPath = "/pl011@9000000";
    /// <summary>The APB clock feeding the PrimeCell devices (QEMU: 24 MHz, "clk24mhz").</summary>
    public const uint ApbClockFrequency = 24_000_000;
    private const uint FirstPhandle = 0x8000;
    private const ulong DeviceSize = 0x1000;

    /// <summary>PSCI MIGRATE, SMC64 form (Arm DEN 0022): listed in /psci as QEMU does, although the VMM answers it
    /// NOT_SUPPORTED (MIGRATE_INFO_TYPE says no Trusted OS).</summary>
    public const uint PsciMigrate64 = 0xC400_0005;

    /// <summary>The flattened tree for <paramref name="cpus"/> CPUs, RAM of <paramref name="memorySize"/> bytes at
    /// 0x4000_0000 and an optional kernel command line.</summary>
    public static byte[] Build(ulong memorySize, int cpus, string? bootargs = null)
    {
        if (cpus < 1) throw new ArgumentOutOfRangeException(nameof(cpus), cpus, "at least one CPU");
        uint clockPhandle = FirstPhandle;
        var w = new FdtWriter();
        w.BeginNode("")
            .Strings("model", Model)
            .Cells("#size-cells", 2)
            .Cells("#address-cells", 2)
            .Strings("compatible", Model);

        w.BeginNode("psci")
            .Cells("migrate", PsciMigrate64)
            .Cells("cpu_on", Psci.CpuOn64)
            .Cells("cpu_off", Psci.CpuOff)
            .Cells("cpu_suspend", Psci.CpuSuspend64)
            .Strings("method", "hvc")
            .Strings("compatible", "arm,psci-1.0", "arm,psci-0.2", "arm,psci")
            .EndNode();

        w.BeginNode($"memory@{VirtBoard.RamBase:x}");
        Reg(w, VirtBoard.RamBase, memorySize);
        w.Strings("device_type", "memory").EndNode();

        w.BeginNode($"pl011@{VirtBoard.UartBase:x}")
            .Strings("clock-names", "uartclk", "apb_pclk")
            .Cells("clocks", clockPhandle, clockPhandle);
        Reg(w, VirtBoard.UartBase, DeviceSize);
        w.Strings("compatible", "arm,pl011", "arm,primecell").EndNode();

        Cpus(w, cpus);

        w.BeginNode("apb-pclk")
            .Cells("phandle", clockPhandle)
            .Strings("clock-output-names", "clk24mhz")
            .Cells("clock-frequency", ApbClockFrequency)
            .Cells("#clock-cells", 0)
            .Strings("compatible", "fixed-clock")
            .EndNode();

        w.BeginNode("chosen");
        if (bootargs != null) w.Strings("bootargs", bootargs);
        w.Strings("stdout-path", UartPath).EndNode();

        return w.EndNode().Finish();
    }

    /// <summary>The reg of a node under the root: two address cells, two size cells.</summary>
    private static void Reg(FdtWriter w, ulong address, ulong size) =>
        w.Cells("reg", (uint)(address >> 32), (uint)address, (uint)(size >> 32), (uint)size);

    /// <summary>
    /// /cpus: a cpu-map putting every CPU in one cluster of one socket, then cpu@N with reg = the affinity fields of
    /// its MPIDR_EL1 (Aff0 = N here) and PSCI as the enable method. CPU N's phandle is 0x8000 + cpus - N.
    /// </summary>
    private static void Cpus(FdtWriter w, int cpus)
    {
        uint Phandle(int n) => FirstPhandle + (uint)(cpus - n);
        w.BeginNode("cpus").Cells("#size-cells", 0).Cells("#address-cells", 1);
        w.BeginNode("cpu-map").BeginNode("socket0").BeginNode("cluster0");
        for (int n = 0; n < cpus; n++) w.BeginNode($"core{n}").Cells("cpu", Phandle(n)).EndNode();
        w.EndNode().EndNode().EndNode();
        for (int n = 0; n < cpus; n++)
        {
            w.BeginNode($"cpu@{n:x}")
                .Cells("phandle", Phandle(n))
                .Cells("reg", (uint)n)
                .Strings("enable-method", "psci")
                .Strings("compatible", "arm,cortex-a57")
                .Strings("device_type", "cpu")
                .EndNode();
        }
        w.EndNode();
    }
}
