namespace Arm64Vm.Host.DeviceTree;

/// <summary>
/// The device tree of this machine as QEMU 7.2's "virt" board with -cpu cortex-a57 on KVM writes it
/// (hw/arm/virt.c create_fdt() and friends), for the devices the emulator has: memory, the CPUs with their cpu-map,
/// PSCI, the GIC (v3 or v2), the generic timer, the PMU, the 24 MHz APB clock, the 32 virtio-mmio transports, the PL011,
/// the PL031 and /chosen.
/// Nodes and properties come in the order QEMU's dumped blob has them (libfdt inserts each new property and subnode in
/// front of the earlier ones, so the blob lists them in reverse order of creation), phandles are numbered as QEMU
/// allocates them (from 0x8000: the clock, the CPUs from the last to the first, then the GIC). What QEMU has and this
/// machine does not (flash, fw-cfg, PCIe, the PL061 and gpio-keys, the platform bus, the ITS or GICv2m)
/// is left out; specs/deviations.md lists it.
/// </summary>
public static class VirtDeviceTree
{
    public const string Model = "linux,dummy-virt";
    public const string UartPath = "/pl011@9000000";
    /// <summary>The APB clock feeding the PrimeCell devices (QEMU: 24 MHz, "clk24mhz").</summary>
    public const uint ApbClockFrequency = 24_000_000;
    private const uint FirstPhandle = 0x8000;
    private const ulong DeviceSize = 0x1000;

    /// <summary>The three cells of an interrupt specifier (GIC binding): type, number, flags.</summary>
    public const uint SpiType = 0, PpiType = 1;
    /// <summary>Flags cell: level-sensitive, active high (IRQ_TYPE_LEVEL_HIGH).</summary>
    public const uint LevelHigh = 4;
    /// <summary>Flags cell: edge-triggered, rising (IRQ_TYPE_EDGE_RISING), as QEMU describes the virtio-mmio SPIs.</summary>
    public const uint EdgeRising = 1;

    /// <summary>PSCI MIGRATE, SMC64 form (Arm DEN 0022): listed in /psci as QEMU does, although the VMM answers it
    /// NOT_SUPPORTED (MIGRATE_INFO_TYPE says no Trusted OS).</summary>
    public const uint PsciMigrate64 = 0xC400_0005;

    /// <summary>The flattened tree for <paramref name="cpus"/> CPUs, RAM of <paramref name="memorySize"/> bytes at
    /// 0x4000_0000, a GICv3 and an optional kernel command line.</summary>
    public static byte[] Build(ulong memorySize, int cpus, string? bootargs = null) =>
        Build(new BoardDescription { MemorySize = memorySize, Cpus = cpus, Bootargs = bootargs });

    public static byte[] Build(BoardDescription board)
    {
        if (board.Cpus < 1) throw new ArgumentOutOfRangeException(nameof(board), board.Cpus, "at least one CPU");
        if (board.GicVersion is not (2 or 3)) throw new ArgumentOutOfRangeException(nameof(board), board.GicVersion, "GIC version 2 or 3");
        uint clockPhandle = FirstPhandle;
        uint gicPhandle = FirstPhandle + (uint)board.Cpus + 1;
        // PPI flags: with GICv2 bits [15:8] are the mask of CPUs the PPI goes to (GIC binding), as QEMU fills them.
        uint ppiFlags = board.GicVersion == 2 ? ((1u << board.Cpus) - 1) << 8 | LevelHigh : LevelHigh;
        var w = new FdtWriter();
        w.BeginNode("")
            .Cells("interrupt-parent", gicPhandle)
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
        Reg(w, (VirtBoard.RamBase, board.MemorySize));
        w.Strings("device_type", "memory").EndNode();

        VirtioTransports(w, board);

        w.BeginNode($"pl031@{VirtBoard.RtcBase:x}")
            .Strings("clock-names", "apb_pclk")
            .Cells("clocks", clockPhandle)
            .Cells("interrupts", SpiType, VirtBoard.RtcSpi, LevelHigh);
        Reg(w, (VirtBoard.RtcBase, DeviceSize));
        w.Strings("compatible", "arm,pl031", "arm,primecell").EndNode();

        w.BeginNode($"pl011@{VirtBoard.UartBase:x}")
            .Strings("clock-names", "uartclk", "apb_pclk")
            .Cells("clocks", clockPhandle, clockPhandle)
            .Cells("interrupts", SpiType, VirtBoard.UartSpi, LevelHigh);
        Reg(w, (VirtBoard.UartBase, DeviceSize));
        w.Strings("compatible", "arm,pl011", "arm,primecell").EndNode();

        w.BeginNode("pmu")
            .Cells("interrupts", PpiType, VirtBoard.PmuPpi, ppiFlags)
            .Strings("compatible", "arm,armv8-pmuv3")
            .EndNode();

        Gic(w, board, gicPhandle);
        Cpus(w, board.Cpus);

        w.BeginNode("timer")
            .Cells("interrupts",
                PpiType, VirtBoard.SecurePhysicalTimerPpi, ppiFlags, PpiType, VirtBoard.PhysicalTimerPpi, ppiFlags,
                PpiType, VirtBoard.VirtualTimerPpi, ppiFlags, PpiType, VirtBoard.HypervisorTimerPpi, ppiFlags)
            .Property("always-on")
            .Strings("compatible", "arm,armv8-timer", "arm,armv7-timer")
            .EndNode();

        w.BeginNode("apb-pclk")
            .Cells("phandle", clockPhandle)
            .Strings("clock-output-names", "clk24mhz")
            .Cells("clock-frequency", ApbClockFrequency)
            .Cells("#clock-cells", 0)
            .Strings("compatible", "fixed-clock")
            .EndNode();

        Chosen(w, board);
        return w.EndNode().Finish();
    }

    /// <summary>
    /// The 32 virtio-mmio transports (VIO-1), as QEMU 7.2's create_virtio_devices() describes them: QEMU adds the nodes
    /// from the highest address down, so its blob lists them lowest address first, each with an edge-triggered SPI
    /// (flags 1, IRQ_TYPE_EDGE_RISING) and dma-coherent (left out when the board says the transports are not coherent).
    /// </summary>
    private static void VirtioTransports(FdtWriter w, BoardDescription board)
    {
        for (int slot = 0; slot < VirtBoard.VirtioTransports; slot++)
        {
            ulong address = VirtBoard.VirtioBase + (ulong)slot * VirtBoard.VirtioStride;
            w.BeginNode($"virtio_mmio@{address:x}");
            if (board.VirtioDmaCoherent) w.Property("dma-coherent");
            w.Cells("interrupts", SpiType, (uint)(VirtBoard.VirtioFirstSpi + slot), EdgeRising);
            Reg(w, (address, VirtBoard.VirtioStride));
            w.Strings("compatible", "virtio,mmio").EndNode();
        }
    }

    /// <summary>The reg of a node under the root: two address cells, two size cells per range.</summary>
    private static void Reg(FdtWriter w, params ReadOnlySpan<(ulong Address, ulong Size)> ranges)
    {
        Span<uint> cells = stackalloc uint[ranges.Length * 4];
        for (int i = 0; i < ranges.Length; i++)
        {
            var (address, size) = ranges[i];
            cells[i * 4] = (uint)(address >> 32);
            cells[i * 4 + 1] = (uint)address;
            cells[i * 4 + 2] = (uint)(size >> 32);
            cells[i * 4 + 3] = (uint)size;
        }
        w.Cells("reg", cells);
    }

    /// <summary>
    /// The interrupt controller (Linux's arm,gic-v3 and arm,gic binding): GICv3 with the distributor and one
    /// redistributor region sized for this machine's PEs; GICv2 with the distributor and the CPU interface.
    /// </summary>
    private static void Gic(FdtWriter w, BoardDescription board, uint phandle)
    {
        w.BeginNode($"intc@{VirtBoard.GicDistributorBase:x}").Cells("phandle", phandle);
        if (board.GicVersion == 3)
        {
            Reg(w, (VirtBoard.GicDistributorBase, VirtBoard.GicDistributorSize),
                (VirtBoard.GicRedistributorBase, VirtBoard.GicRedistributorStride * (ulong)board.Cpus));
            w.Cells("#redistributor-regions", 1).Strings("compatible", "arm,gic-v3");
        }
        else
        {
            Reg(w, (VirtBoard.GicDistributorBase, VirtBoard.GicDistributorSize), (VirtBoard.GicCpuInterfaceBase, VirtBoard.GicCpuInterfaceSize));
            w.Strings("compatible", "arm,cortex-a15-gic");
        }
        w.Property("ranges")
            .Cells("#size-cells", 2)
            .Cells("#address-cells", 2)
            .Property("interrupt-controller")
            .Cells("#interrupt-cells", 3)
            .EndNode();
    }

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

    /// <summary>/chosen as QEMU's arm_load_dtb() leaves it: the initrd range, bootargs, stdout-path, then the seeds.</summary>
    private static void Chosen(FdtWriter w, BoardDescription board)
    {
        w.BeginNode("chosen");
        if (board.Initrd is var (start, end))
        {
            Address(w, "linux,initrd-end", end);
            Address(w, "linux,initrd-start", start);
        }
        if (board.Bootargs != null) w.Strings("bootargs", board.Bootargs);
        w.Strings("stdout-path", UartPath);
        if (board.RandomSeed is ulong seed)
        {
            var rng = new Arm64Vm.Devices.SplitMix64(seed);
            Span<uint> cells = stackalloc uint[8];
            for (int i = 0; i < cells.Length; i++) cells[i] = rng.Next32();
            w.Cells("rng-seed", cells);
            w.Cells("kaslr-seed", rng.Next32(), rng.Next32());
        }
        w.EndNode();
    }

    /// <summary>An address property: one cell when it fits in 32 bits (as QEMU writes the initrd range), else two.</summary>
    private static void Address(FdtWriter w, string name, ulong address)
    {
        if (address <= uint.MaxValue) w.Cells(name, (uint)address);
        else w.Cells(name, (uint)(address >> 32), (uint)address);
    }
}
