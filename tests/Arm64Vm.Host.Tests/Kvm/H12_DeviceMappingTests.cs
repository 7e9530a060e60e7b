using Arm64Vm.Host.Kvm;
using Xunit;
using static Arm64Vm.Host.Tests.Kvm.A64;
using Hcr = Arm64Vm.Cpu.Hcr;

namespace Arm64Vm.Host.Tests.Kvm;

/// <summary>H12: Device-nGnRE stage-2 mappings (kvm_phys_addr_ioremap) and HCR_EL2.PTW with them.</summary>
public class H12_DeviceMappingTests
{
    private const ulong Data = 0x4010_0000;
    private const ulong DeviceIpa = 0x0801_0000;      // where QEMU virt puts the GICv2 CPU interface
    private const ulong Tables = 0x4020_0000;

    /// <summary>A device mapping of two pages backed by host frames outside guest RAM (a passthrough region).</summary>
    private static ulong MapDevice(KvmRig rig)
    {
        ulong first = rig.Vm.Frames!.Allocate(), second = rig.Vm.Frames.Allocate();
        ulong pa = Math.Min(first, second);
        Assert.Equal(Stage2PageTable.PageSize, Math.Max(first, second) - pa);
        rig.Vmm.MapDeviceRegion(DeviceIpa, 2 * Stage2PageTable.PageSize, pa);
        return pa;
    }

    [Fact]
    public void H12_DeviceRegionIsMappedDeviceNGnReReadWriteNeverExecutableWithoutMaintenance()
    {
        using var rig = new KvmRig(SystemOff());
        ulong pa = MapDevice(rig);
        foreach (ulong o in new ulong[] { 0, 0x1000 })
        {
            var leaf = rig.Vm.Stage2.Lookup(DeviceIpa + o)!.Value;
            Assert.Equal(Stage2PageTable.MemAttrDeviceNGnRE, leaf.MemAttr);
            Assert.Equal(Stage2Permissions.Read | Stage2Permissions.Write, leaf.Permissions);
            Assert.Equal(pa + o, leaf.Pa);
            Assert.False(leaf.Cacheable(fwb: false));
        }
        Assert.Equal(0, rig.Vm.Counters.LinesCleanedInvalidated);
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.CleanInvalidate));
    }

    [Fact]
    public void H12_DeviceRangesSurviveTheReinitUnmap()
    {
        using var rig = new KvmRig(Concat(Mov(2, Data), new[] { LdrX(1, 2) }, SystemOff()));
        MapDevice(rig);
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        rig.Vcpu.Init();                                                 // H1: re-init of a vCPU that has run, no FWB
        Assert.Empty(rig.Vm.Stage2.Leaves(0x4000_0000, 16UL << 20));  // every RAM page unmapped...
        Assert.Equal(2, rig.Vm.Stage2.Leaves(DeviceIpa, 0x2000).Count); // ...the device range stays
        Assert.DoesNotContain(rig.Vm.Events.OfKind(HostEventKind.Unmap), e => e.Address >= DeviceIpa && e.Address < DeviceIpa + 0x2000);
    }

    [Fact]
    public void H12_UnmappingADeviceLeafCleansNothing()
    {
        using var rig = new KvmRig(SystemOff());
        MapDevice(rig);
        Assert.Equal(2, rig.Vm.UnmapRange(DeviceIpa, 0x2000, vcpu: -1));
        Assert.Equal(2, rig.Vm.Events.OfKind(HostEventKind.Unmap).Count());
        Assert.Equal(2, rig.Vm.Events.OfKind(HostEventKind.Tlbi).Count());
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.CleanInvalidate));
        Assert.Equal(0, rig.Vm.Counters.LinesCleanedInvalidated);
    }

    [Fact]
    public void H12_GuestReachesTheDeviceWithoutMmioExits()
    {
        using var rig = new KvmRig(Concat(Mov(2, DeviceIpa + 0x1008), new[] { LdrX(7, 2) }, Mov(3, 0x5151), new[] { StrX(3, 2, 8) }, SystemOff()));
        ulong pa = MapDevice(rig);
        rig.Vmm.Machine.Ram.WriteRaw(pa + 0x1008, 8, 0xD5E71CE0D5E71CE0UL);
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Equal(0xD5E71CE0D5E71CE0UL, rig.Vcpu.GetX(7));      // X7: SYSTEM_OFF zeroes X1-X3 (H8)
        Assert.Equal(0x5151UL, rig.PocValue(pa + 0x1010));              // Device writes go straight to the device
        Assert.Equal(0, rig.Vm.Counters.MmioExits);
        Assert.Equal(0, rig.Vm.Counters.Stage2Faults - rig.Vm.Counters.Stage2TranslationFaults);
    }

    [Fact]
    public void H12_OverlapsWithGuestRamAreRefused()
    {
        using var rig = new KvmRig(SystemOff());
        var e = Assert.Throws<ArgumentException>(() => rig.Vmm.MapDeviceRegion(0x4000_0000, 0x1000, rig.Vm.Frames!.Allocate()));
        Assert.Contains("overlaps memslot 0", e.Message);
        var f = Assert.Throws<ArgumentException>(() => rig.Vmm.MapDeviceRegion(DeviceIpa, 0x1000, 0x4000_0000));
        Assert.Contains("memslot 0's RAM", f.Message);
    }

    /// <summary>
    /// Stage 1 on (4K granule, 39-bit VA): level-1 entry 1 is a 1 GiB identity block over RAM; entry 0 points to a
    /// level-2 table at the device mapping's IPA. The guest loads from VA 0x1000 (through entry 0).
    /// </summary>
    private static uint[] WalkIntoDevice() => WithVectors(Concat(
        Mov(1, 0xFF), new[] { MsrMair(1) },
        Mov(1, 25UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23) | (2UL << 32)), new[] { MsrTcr(1) },
        Mov(1, Tables), new[] { MsrTtbr0(1), Isb, MrsSctlr(5), 0xB24000A5u /* ORR X5, X5, #1 */, MsrSctlr(5), Isb },
        Mov(4, 0x1000), new[] { LdrX(7, 4) }, Mov(6, 0x600D)));

    private static uint[] WithVectors(uint[] body)
    {
        var program = new uint[(0x800 + 0x200) / 4 + SystemOff().Length];
        Concat(Mov(9, KvmRig.Load + 0x800), new[] { MsrVbar(9), Isb }, body, SystemOff()).CopyTo(program, 0);
        SystemOff().CopyTo(program, (0x800 + 0x200) / 4);          // current EL, SPx, synchronous
        return program;
    }

    private static ulong SetUpWalk(KvmRig rig)
    {
        ulong pa = MapDevice(rig);
        rig.WriteGuest64(Tables + 8, 0x4000_0000UL | (1UL << 10) | (3UL << 8) | 0b01);
        rig.WriteGuest64(Tables, DeviceIpa | 0b11);
        // The level-2 table in the device frame: entry 0 maps VA 0..2 MiB onto RAM at 0x4000_0000 (a block).
        rig.Vmm.Machine.Ram.WriteRaw(pa, 8, 0x4000_0000UL | (1UL << 10) | (3UL << 8) | 0b01);
        return pa;
    }

    [Fact]
    public void H12_StageOneWalkIntoADeviceMappingWithPtwIsAStage2PermissionFaultTheHostReflectsAsAnExternalAbort()
    {
        using var rig = new KvmRig(WalkIntoDevice());
        SetUpWalk(rig);
        Assert.NotEqual(0UL, rig.Vcpu.Hcr & Hcr.PTW);
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        // Arm ARM D8 (HCR_EL2.PTW): the walk's Device stage-2 result is a stage-2 permission fault with S1PTW; it is no
        // memslot, so the host injects a synchronous external data abort (kvm_handle_guest_abort, kvm_inject_dabt).
        Assert.Contains(rig.Vm.Events.OfKind(HostEventKind.Stage2Fault),
            e => e.Detail == "outside-memslot walk (device mapping, permission fault)" && e.Address == DeviceIpa);
        ulong esr = rig.Vcpu.Cpu.SysRegs.EsrEl1;
        Assert.Equal(0x25UL, esr >> 26);
        Assert.Equal(0x10UL, esr & 0x3F);
        Assert.Equal(0x1000UL, rig.Vcpu.Cpu.SysRegs.FarEl1);
        Assert.Equal(1, rig.Vm.Counters.InjectedAborts);
        Assert.NotEqual(0x600DUL, rig.Vcpu.GetX(6));                    // the load never completed
    }

    [Fact]
    public void H12_WithoutPtwTheWalkReadsTheDeviceTable()
    {
        using var rig = new KvmRig(WalkIntoDevice());
        SetUpWalk(rig);
        rig.WriteGuest64(0x4000_1000, 0xFEEDUL);
        rig.Vm.FillGuest(0x4000_1008, 8, 0);
        rig.Vcpu.Cpu.HcrEl2 &= ~Hcr.PTW;
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Equal(0, rig.Vm.Counters.InjectedAborts);
        Assert.Equal(0x600DUL, rig.Vcpu.GetX(6));
        Assert.Equal(0xFEEDUL, rig.Vcpu.GetX(7));                        // VA 0x1000 -> IPA 0x4000_1000 via the device table
    }
}
