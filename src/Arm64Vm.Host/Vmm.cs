using System.Diagnostics;
using Arm64Vm.Devices;
using Arm64Vm.Host.Images;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Memory;

namespace Arm64Vm.Host;

/// <summary>
/// The user-space VMM above the KVM-like host layer (what QEMU or kvmtool are above KVM): builds the physical machine,
/// creates the VM with one RAM memslot at QEMU virt's RAM base (IPA = host PA), loads the images through the host's
/// cacheable path, initialises the vCPUs (vCPU 0 at the entry point, the others powered off until PSCI CPU_ON), runs
/// them round-robin in fixed quanta (deterministic), serves MMIO exits with its device models (the PL011) and
/// semihosting, and on a SYSTEM_RESET event reloads the images and re-inits every vCPU, in QEMU's order.
/// </summary>
public sealed partial class Vmm : IDisposable
{
    /// <summary>Instructions a vCPU runs before the next one gets its turn.</summary>
    public const ulong Quantum = 10_000;
    /// <summary>Spare host frames (beyond guest RAM and the stage-2 table pool) for swap-ins and copy-on-write breaks (H13).</summary>
    public const ulong SpareFrameBytes = 1UL << 20;

    private readonly IReadOnlyList<LoadedImage> _images;
    private readonly Semihosting _semihosting;
    private volatile bool _interrupt;

    public Vmm(VmmOptions options, IReadOnlyList<LoadedImage> images)
    {
        if (images.Count == 0) throw new ArgumentException("at least one image is needed", nameof(images));
        if (options.MemorySize == 0 || options.MemorySize % Stage2PageTable.PageSize != 0)
            throw new ArgumentException($"memory size {options.MemorySize} must be a non-zero multiple of 4 KiB");
        Options = options;
        _images = images;
        if (options.GicVersion == 2 && options.Cpus > VirtBoard.MaxGicV2Cpus)
            throw new ArgumentException($"GICv2 supports at most {VirtBoard.MaxGicV2Cpus} CPUs, not {options.Cpus}");
        BootPlan = options.BootDtb ? BootProtocol.Plan(images[0], options) : null;
        ulong pool = Stage2PoolSize(options.MemorySize);
        Machine = new Machine(new MachineConfig
        {
            MemorySize = options.MemorySize + pool + SpareFrameBytes,
            CpuCount = options.Cpus,
            // The PEs advertise what the VM uses: ID_AA64MMFR2_EL1.FWB with FEAT_S2FWB.
            Features = new Arm64Vm.Cpu.CpuFeatures { Fwb = options.Fwb },
            MemorySystemFactory = CacheModel.Factory(options.CacheModel, options.Cpus, options.EffectiveIdc, options.Dic, options.Seed, options.Caches),
        });
        Vm = new Vm(Machine, options.VmFeatures, options.Policy, VirtBoard.RamBase + options.MemorySize, pool, options.GicVersion);
        if (options.Clock == ClockSource.Host) Machine.CpuSystem.UseHostClock(options.HostClock);
        Vm.SetUserMemoryRegion(0, VirtBoard.RamBase, options.MemorySize, VirtBoard.RamBase, hugePages: options.HugePages);
        Vm.Frames = new HostFramePool(VirtBoard.RamBase + options.MemorySize + pool, SpareFrameBytes);
        for (int i = 0; i < options.Cpus; i++) Vm.CreateVcpu();
        var console = options.Console ?? DefaultConsole;
        Devices = new MmioBus();
        (Uart, Rtc) = CreateDevices(console);
        try { Virtio = new VirtioDevices(options, Vm, Devices, SpiLine); }
        catch { Machine.Dispose(); throw; }   // a drive that cannot be opened (DriveException)
        _semihosting = new Semihosting(console, new GuestMemory(ReadGuestIpa));
    }

    public VmmOptions Options { get; }
    public Machine Machine { get; }
    public Vm Vm { get; }
    public IReadOnlyList<Vcpu> Vcpus => Vm.Vcpus;
    /// <summary>The guest's PL011 (served through MMIO exits).</summary>
    public Pl011Uart Uart { get; }
    /// <summary>The guest's PL031 real-time clock.</summary>
    public Pl031Rtc Rtc { get; }
    /// <summary>The virtio-mmio transports with the drives and the entropy device (VIO-1).</summary>
    public VirtioDevices Virtio { get; }
    /// <summary>The guest-physical device map the VMM serves MMIO exits from.</summary>
    public MmioBus Devices { get; }
    public IReadOnlyList<LoadedImage> Images => _images;
    /// <summary>The device tree and initrd placed beside the kernel (null with <see cref="VmmOptions.BootDtb"/> off).</summary>
    public BootPlan? BootPlan { get; }

    /// <summary>Stop at SYSTEM_RESET instead of rebooting (scenarios act between boots).</summary>
    public bool StopOnReset { get; set; }
    /// <summary>Called before/after every instruction when set (slow: single-steps the vCPUs).</summary>
    public Action<Arm64Vm.Cpu.CpuCore>? BeforeInstruction { get; set; }
    public Action<Arm64Vm.Cpu.CpuCore>? AfterInstruction { get; set; }
    public int Resets { get; private set; }

    /// <summary>
    /// Serves hypercalls the host forwards (set <see cref="Vm.ForwardUnknownHypercalls"/>): called with the vCPU (X0 =
    /// function id, X1.. = arguments); it writes results into the vCPU's registers and returns true to stop the run
    /// (StopReason.Hypercall). Without a handler a forwarded call returns NOT_SUPPORTED.
    /// </summary>
    public Func<Vcpu, bool>? OnHypercall { get; set; }
    /// <summary>MMIO accesses no device answered (reported to the guest as external aborts).</summary>
    public long UnassignedMmio { get; private set; }

    /// <summary>
    /// Maps an MMIO range into the guest's stage 2 as Device-nGnRE (H12: kvm_phys_addr_ioremap, as QEMU has KVM do for a
    /// GICv2 CPU interface, or a passthrough region): guest accesses reach host-physical <paramref name="hostPa"/>
    /// directly, without MMIO exits. The range must lie outside guest RAM.
    /// </summary>
    public DeviceMapping MapDeviceRegion(ulong ipa, ulong size, ulong hostPa, bool writable = true) =>
        Vm.MapDeviceRegion(ipa, size, hostPa, writable);

    /// <summary>Host pages for the stage-2 tables of a VM with this much RAM (one level-3 table per 2 MiB, and room above).</summary>
    public static ulong Stage2PoolSize(ulong guestRam) => (((guestRam + (2UL << 20) - 1) >> 21) + ((guestRam >> 30) + 1) + 16) * Stage2PageTable.PageSize;

    private static readonly Stream StdOut = System.Console.OpenStandardOutput();

    private static void DefaultConsole(byte b)
    {
        StdOut.WriteByte(b);
        if (b == (byte)'\n') StdOut.Flush();
    }

    /// <summary>Seconds since 1970 that the PL031 shows at virtual time zero (2025-01-01 00:00:00 UTC): a fixed epoch, so
    /// the same guest and flags read the same dates.</summary>
    public const ulong VirtualEpoch = 1_735_689_600;

    /// <summary>The board's PL011 (SPI 1) and PL031 (SPI 2) on the MMIO bus, each driving its interrupt line.</summary>
    private (Pl011Uart, Pl031Rtc) CreateDevices(Action<byte> console)
    {
        var uart = new Pl011Uart(console, SpiLine(VirtBoard.UartSpi));
        var rtc = new Pl031Rtc(RtcSeconds, SpiLine(VirtBoard.RtcSpi));
        Devices.Add(VirtBoard.UartBase, Pl011Uart.RegionSize, uart);
        Devices.Add(VirtBoard.RtcBase, Pl031Rtc.RegionSize, rtc);
        return (uart, rtc);
    }

    /// <summary>The PL031's clock: the fixed epoch plus virtual time (the system counter at 62.5 MHz), or the host's
    /// wall clock with --clock host.</summary>
    private ulong RtcSeconds() => Options.Clock == ClockSource.Host
        ? (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds()
        : VirtualEpoch + Machine.CpuSystem.SystemCounter() / Arm64Vm.Cpu.CpuSystem.CounterFrequency;

    /// <summary>Terminal input for the PL011 (DEV-1): an open interactive source keeps an idle guest's run alive.</summary>
    public TerminalInputQueue Input { get; } = new();

    /// <summary>
    /// Queues a byte for the guest's UART (thread-safe: the terminal reader calls it). The run loop hands queued bytes
    /// to the PL011 at quantum boundaries, as many as its receive FIFO takes; the rest wait. Where input lands in the
    /// guest's instruction stream depends on when it arrives, so interactive runs are not reproducible.
    /// </summary>
    public void QueueInput(byte b) => Input.Enqueue(b);

    /// <summary>The devices' work at a quantum boundary: queued input into the UART, the RTC's match check.</summary>
    private void ServiceDevices()
    {
        while (Uart.CanReceive && Input.TryDequeue(out byte b)) Uart.Receive(b);
        Rtc.Update();
    }

    /// <summary>Asks a running <see cref="Run"/> to stop (thread-safe; used for Ctrl-C).</summary>
    public void Interrupt()
    {
        _interrupt = true;
        foreach (var v in Vcpus) v.RequestStop();
        Input.Wake();
    }

    /// <summary>Loads the images and initialises every vCPU: vCPU 0 at the entry point, the others powered off.</summary>
    public void Boot()
    {
        LoadImages();
        InitVcpus();
        _semihosting.Reset();
    }

    /// <summary>QEMU's system reset under KVM: reload the images (host cacheable writes), then KVM_ARM_VCPU_INIT every vCPU.</summary>
    public void ResetSystem()
    {
        Resets++;
        Vm.Vgic.Reset();                 // QEMU resets the GIC device with the machine (GIC-12)
        Virtio.Reset();                  // and every virtio-mmio transport with its device (VIO-8)
        LoadImages();
        InitVcpus();
    }

    /// <summary>
    /// Copies every image's segments into guest RAM through the host's cacheable mapping (p_memsz beyond the file
    /// zero-filled), then the boot protocol's initrd and device tree the same way (QEMU reloads them all on reset).
    /// </summary>
    public void LoadImages()
    {
        foreach (var image in _images) LoadImage(image);
        if (BootPlan != null)
            foreach (var blob in BootPlan.Blobs) LoadImage(blob);
    }

    public void LoadImage(LoadedImage image)
    {
        foreach (var seg in image.Segments)
        {
            ulong size = Math.Max((ulong)seg.Data.Length, seg.MemorySize);
            if (!Vm.IsGuestRam(seg.Address, size))
                throw new ImageFormatException(image.File,
                    $"segment at 0x{seg.Address:X} (+0x{size:X}) lies outside guest RAM 0x{VirtBoard.RamBase:X}-0x{VirtBoard.RamBase + Options.MemorySize - 1:X}");
            Vm.WriteGuest(seg.Address, seg.Data);
            if (size > (ulong)seg.Data.Length) Vm.FillGuest(seg.Address + (ulong)seg.Data.Length, size - (ulong)seg.Data.Length, 0);
        }
    }

    /// <summary>
    /// KVM_ARM_VCPU_INIT on every vCPU (the secondaries with POWER_OFF until PSCI CPU_ON), then the boot protocol's
    /// entry state for vCPU 0: EL1h, MMU and caches off (the reset state), PC at the first image's entry, x0 = the device
    /// tree's address, x1-x3 = 0 (Linux's Documentation/arch/arm64/booting.rst).
    /// </summary>
    public void InitVcpus()
    {
        for (int i = 0; i < Vcpus.Count; i++) Vcpus[i].Init(powerOff: i != 0);
        Vcpus[0].Pc = _images[0].Entry;
        Vcpus[0].SetX(0, BootPlan?.DtbAddress ?? 0);
        for (int r = 1; r <= 3; r++) Vcpus[0].SetX(r, 0);
    }

    public RunOutcome Run(ulong maxInstructions)
    {
        var sw = Stopwatch.StartNew();
        _jitAtRunStart = System.Runtime.JitInfo.GetCompilationTime(currentThread: true);
        ulong start = TotalRetired();
        _interrupt = false;
        foreach (var v in Vcpus) v.Kick();     // IRQ-3: re-entering KVM_RUN completes a WFI
        while (true)
        {
            if (_interrupt) return Outcome(StopReason.Interrupted, 130, "interrupted", start, sw);
            if (TotalRetired() - start >= maxInstructions)
                return Outcome(StopReason.InstructionLimit, 3, $"instruction limit reached ({maxInstructions:N0} instructions)", start, sw);
            bool anyRan = false, allIdle = true;
            ServiceDevices();
            foreach (var vcpu in Vcpus)
            {
                if (vcpu.PoweredOff) continue;
                ulong left = maxInstructions - (TotalRetired() - start);
                if (left == 0) break;
                anyRan = true;
                var exit = RunVcpu(vcpu, Math.Min(Quantum, left));
                var outcome = HandleExit(vcpu, exit, start, sw, ref allIdle);
                if (outcome != null) return outcome;
                if (_interrupt) break;
            }
            if (_interrupt) continue;
            if (!anyRan) return Outcome(StopReason.Idle, 4, "every CPU is powered off", start, sw);
            // DEV-1: with an interactive terminal attached, the next keystroke can still wake the guest.
            // A Ctrl-A X (or Ctrl-C) sets _interrupt before it closes the input, so an input that closed while this
            // check ran was closed by the interrupt the next round reports, not because the guest is stuck.
            if (allIdle && !AnyInterruptSignalled() && !AdvanceToNextDeadline() && !Input.WaitForInput() && !_interrupt)
                return Outcome(StopReason.Idle, 4, "every CPU waits for an interrupt that nothing can raise (WFI/WFE)", start, sw);
        }
    }

    /// <summary>
    /// TMR-4: every vCPU waits. If a timer of a powered-on vCPU will fire, virtual time jumps to its deadline (with the
    /// host clock, the wall clock is waited for) and the run goes on; otherwise nothing can ever raise an interrupt.
    /// </summary>
    private bool AdvanceToNextDeadline()
    {
        ulong deadline = ulong.MaxValue;
        foreach (var v in Vcpus)
            if (!v.PoweredOff) deadline = Math.Min(deadline, v.NextTimerDeadline);
        // TMR-6: with the host clock a deadline can pass between a vCPU's last slice and this check; its output reaches
        // the vgic when the vCPU is entered next round, so the run goes on. Tested after the deadlines were read: a
        // timer that fires between the two reads is then seen by one of them (NextTimerDeadline leaves out a timer
        // whose condition already holds, so testing first left a window in which a run that was about to be woken
        // ended as idle: a loaded CI host hit it once, and TimerRunTests.Tmr6_WhereverTimePassesTheTimersDeadline_…
        // hits it every time, with a stepped clock).
        foreach (var v in Vcpus)
            if (!v.PoweredOff && v.TimerOutputUnsent) return true;
        if (deadline == ulong.MaxValue) return false;
        var counter = Machine.CpuSystem;
        if (!counter.FollowsHostClock)
        {
            counter.SkipTo(deadline);
            return true;
        }
        ulong now = counter.SystemCounter();
        if (deadline > now)
        {
            double ms = (deadline - now) * 1000.0 / Arm64Vm.Cpu.CpuSystem.CounterFrequency;
            counter.HostClock!.Sleep(TimeSpan.FromMilliseconds(Math.Min(ms, 50)));
        }
        return true;
    }

    /// <summary>IRQ-3, IRQ-5: a vCPU that went idle this round may have been sent an interrupt or an event by one that ran after it.</summary>
    private bool AnyInterruptSignalled()
    {
        foreach (var v in Vcpus)
            if (!v.PoweredOff && v.WakeUpPending) return true;   // IRQ-5: an event for a WFE too
        return false;
    }

    /// <summary>An SPI's input for a device model (SPI n = INTID 32 + n): KVM_IRQ_LINE on the in-kernel GIC.</summary>
    public IInterruptLine SpiLine(int spi) => Vm.Vgic.SpiLine(spi);

    private VcpuExit RunVcpu(Vcpu vcpu, ulong budget)
    {
        if (BeforeInstruction == null && AfterInstruction == null) return vcpu.Run(budget);
        ulong done = 0;
        while (done < budget)
        {
            BeforeInstruction?.Invoke(vcpu.Cpu);
            // A hook that interrupts the run (a debugger's breakpoint) stops the vCPU before the instruction.
            if (_interrupt) return new VcpuExit(VcpuExitReason.Interrupted, done);
            var exit = vcpu.Run(1);
            AfterInstruction?.Invoke(vcpu.Cpu);
            done += exit.Instructions;
            if (exit.Reason != VcpuExitReason.InstructionLimit) return exit with { Instructions = done };
        }
        return new VcpuExit(VcpuExitReason.InstructionLimit, done);
    }

    private RunOutcome? HandleExit(Vcpu vcpu, VcpuExit exit, ulong start, Stopwatch sw, ref bool allIdle)
    {
        switch (exit.Reason)
        {
            case VcpuExitReason.InstructionLimit:
            case VcpuExitReason.Interrupted:
                allIdle = false;
                return null;
            case VcpuExitReason.Idle:
            case VcpuExitReason.PoweredOff:
                return null;
            case VcpuExitReason.Mmio:
                allIdle = false;
                ServeMmio(vcpu, exit.Mmio!);
                return null;
            case VcpuExitReason.Semihosting:
                allIdle = false;
                _semihosting.Handle(vcpu.Cpu);
                if (_semihosting.ExitStatus is int status)
                    return Outcome(StopReason.SemihostingExit, status, $"guest exited with status {status}", start, sw);
                return null;
            case VcpuExitReason.Hypercall:
                allIdle = false;
                if (OnHypercall == null)
                {
                    vcpu.SetX(0, unchecked((ulong)Psci.NotSupported));
                    return null;
                }
                return OnHypercall(vcpu)
                    ? Outcome(StopReason.Hypercall, 0, $"hypercall 0x{exit.HypercallFunction:X8}", start, sw)
                    : null;
            case VcpuExitReason.DebugStop:     // HOSTDBG-4: the gdb stub's stop
            {
                var stopped = Outcome(StopReason.DebugStop, 5, $"vCPU {vcpu.Id}: {exit.Debug!.Kind} at 0x{exit.Debug.Address:X}", start, sw);
                return stopped with { Debug = new DebugStop(vcpu.Id, exit.Debug.Kind, exit.Debug.Address) };
            }
            case VcpuExitReason.SystemEvent when exit.SystemEvent == SystemEventKind.Shutdown:
                return Outcome(StopReason.SystemOff, 0, "PSCI SYSTEM_OFF", start, sw);
            case VcpuExitReason.SystemEvent:
                allIdle = false;
                // Stopping at the request resets nothing (the caller calls ResetSystem, which counts it).
                if (StopOnReset) return Outcome(StopReason.SystemReset, 0, "PSCI SYSTEM_RESET", start, sw);
                ResetSystem();
                return null;
            default:
                return Outcome(StopReason.GuestError, 1, $"vCPU {vcpu.Id} at PC 0x{vcpu.Pc:X}: {exit.Message}", start, sw);
        }
    }

    /// <summary>Dispatches an MMIO exit to the device at its IPA; nothing there → a synchronous external abort for the guest.</summary>
    private void ServeMmio(Vcpu vcpu, MmioAccess access)
    {
        var region = Devices.Find(access.Ipa);
        if (region == null || access.Ipa + (ulong)access.Length > region.Base + region.Size)
        {
            UnassignedMmio++;
            vcpu.FailPendingMmio();
            return;
        }
        ulong offset = access.Ipa - region.Base;
        if (access.IsWrite) region.Device.Write(offset, access.Length, access.Data);
        else access.Data = region.Device.Read(offset, access.Length);
    }

    /// <summary>The instruction word at a vCPU's PC as the VMM sees it (stage 1 of the PE, then the memslots): for traces.</summary>
    public uint? PeekInstruction(Arm64Vm.Cpu.CpuCore cpu, ulong pc)
    {
        Span<byte> b = stackalloc byte[4];
        if (!cpu.Mmu.TryTranslateStage1NoFault(pc, AccessKind.Fetch, cpu.El, out ulong ipa) || !ReadGuestIpa(ipa, b)) return null;
        return BitConverter.ToUInt32(b);
    }

    private bool ReadGuestIpa(ulong ipa, Span<byte> destination)
    {
        if (!Vm.IsGuestRam(ipa, (ulong)destination.Length)) return false;
        Vm.ReadGuest(ipa, destination);
        return true;
    }

    private ulong TotalRetired()
    {
        ulong n = 0;
        foreach (var c in Machine.Cpus) n += c.Executed;   // with faulting attempts (CPU-RET-1): the budget and the counts the run reports
        return n;
    }

    /// <summary>The running thread's JIT compile time when <see cref="Run"/> started (<see cref="RunOutcome.JitTime"/>).</summary>
    private TimeSpan _jitAtRunStart;

    private RunOutcome Outcome(StopReason reason, int code, string message, ulong start, Stopwatch sw) =>
        new(reason, code, message, TotalRetired() - start, sw.Elapsed, Resets)
        {
            JitTime = System.Runtime.JitInfo.GetCompilationTime(currentThread: true) - _jitAtRunStart,
        };

    public void Dispose()
    {
        Virtio.Dispose();
        Machine.Dispose();
    }
}
