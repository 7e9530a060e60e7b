using Arm64Vm.Host.Kvm;
using Xunit;
using static Arm64Vm.Host.Tests.Kvm.A64;

namespace Arm64Vm.Host.Tests.Kvm;

/// <summary>H3 (translation faults on RAM), H4 (permission and access-flag faults), H5 (faults outside the memslots).</summary>
public class StageTwoFaultTests
{
    private const ulong Data = 0x4010_0000;
    private const ulong Value = 0x0123_4567_89AB_CDEF;
    private static readonly ulong RamSize = 16UL << 20;

    /// <summary>X1 = [Data]; power off.</summary>
    private static uint[] ReadData() => Concat(Mov(6, Data), new[] { LdrX(5, 6) }, SystemOff());   // X5 (PSCI zeroes X1-X3)

    /// <summary>A rig whose image is already at PoC (as after firmware), with the host's value for Data dirty in the host's cache.</summary>
    private static KvmRig RigWithDirtyHostValue(VmmOptions options)
    {
        var rig = new KvmRig(ReadData(), options);
        rig.Caches?.FlushAll();
        rig.WriteGuest64(Data, Value);
        return rig;
    }

    [Fact]
    public void H3_TranslationFaultCleansThePageToPocBeforePublishingIt()
    {
        using var rig = RigWithDirtyHostValue(new VmmOptions());
        Assert.NotEqual(Value, rig.PocValue(Data));                     // the host's write is still in its cache
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Equal(Value, rig.Vcpu.GetX(5));                          // the MMU-off (non-cacheable) read sees it
        var kinds = rig.EventsFor(Data).Select(e => e.Kind).ToList();
        Assert.Equal(new[] { HostEventKind.Stage2Fault, HostEventKind.CleanInvalidate, HostEventKind.Map }, kinds);
    }

    [Fact]
    public void H3_WithoutFaultTimeMaintenanceTheMmuOffGuestReadsStaleMemory()
    {
        using var rig = RigWithDirtyHostValue(new VmmOptions { Policy = HostPolicy.NoCmoOnFault });
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Equal(0UL, rig.Vcpu.GetX(5));                            // stale: memory still holds zero
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.CleanInvalidate));
    }

    [Fact]
    public void H3_WithCacheModelOffThereIsNothingStale()
    {
        using var rig = RigWithDirtyHostValue(new VmmOptions { CacheModel = CacheModelKind.Off, Policy = HostPolicy.NoCmoOnFault });
        rig.Run();
        Assert.Equal(Value, rig.Vcpu.GetX(5));
    }

    [Fact]
    public void H3_ReadFaultMapsNonExecutableExecFaultMapsExecutableAfterIcacheInvalidation()
    {
        using var rig = new KvmRig(ReadData());
        rig.Run();
        var data = rig.Vm.Stage2.Lookup(Data)!.Value;
        var code = rig.Vm.Stage2.Lookup(KvmRig.Load)!.Value;
        Assert.Equal(Stage2Permissions.Read | Stage2Permissions.Write, data.Permissions);
        Assert.Equal(Stage2Permissions.Read | Stage2Permissions.Write | Stage2Permissions.Execute, code.Permissions);
        Assert.Equal(Stage2PageTable.MemAttrNormalWriteBack, code.MemAttr);
        var codeKinds = rig.EventsFor(KvmRig.Load).Select(e => e.Kind).ToList();
        Assert.Equal(new[] { HostEventKind.Stage2Fault, HostEventKind.CleanInvalidate, HostEventKind.IcacheInvalidate, HostEventKind.Map }, codeKinds);
        Assert.DoesNotContain(HostEventKind.IcacheInvalidate, rig.EventsFor(Data).Select(e => e.Kind));
    }

    [Fact]
    public void H3_WithDicEveryPageIsExecutableAtOnceAndNoIcacheIsInvalidated()
    {
        using var rig = new KvmRig(ReadData(), new VmmOptions { Dic = true });
        rig.Run();
        Assert.True((rig.Vm.Stage2.Lookup(Data)!.Value.Permissions & Stage2Permissions.Execute) != 0);
        Assert.DoesNotContain(rig.Vm.Events.OfKind(HostEventKind.IcacheInvalidate), e => e.Detail == "exec");
        Assert.Equal(0, rig.Vm.Counters.IcacheLinesInvalidated);
    }

    [Fact]
    public void H3_WithFwbPagesAreForcedWriteBackAndNeedNoMaintenance()
    {
        using var rig = RigWithDirtyHostValue(new VmmOptions { Fwb = true });
        rig.Run();
        Assert.Equal(Value, rig.Vcpu.GetX(5));                          // coherent: the guest's access is cacheable
        Assert.Equal(Stage2PageTable.MemAttrFwbWriteBack, rig.Vm.Stage2.Lookup(Data)!.Value.MemAttr);
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.CleanInvalidate));
    }

    [Fact]
    public void H3_ReadFaultWhileDirtyLoggingMapsReadOnlyAndMarksNothing()
    {
        using var rig = new KvmRig(ReadData());
        rig.Vm.SetUserMemoryRegion(0, VirtBoard.RamBase, RamSize, VirtBoard.RamBase, MemoryRegionFlags.LogDirtyPages);
        rig.Run();
        Assert.Equal(Stage2Permissions.Read, rig.Vm.Stage2.Lookup(Data)!.Value.Permissions);
        Assert.All(rig.Vm.GetDirtyLog(0), w => Assert.Equal(0UL, w));
    }

    [Fact]
    public void H4_WriteAfterReadWhileLoggingRelaxesToWritableWithoutDataCacheMaintenance()
    {
        var program = Concat(Mov(2, Data), new[] { LdrX(1, 2), StrX(1, 2, 8) }, SystemOff());
        using var rig = new KvmRig(program);
        rig.Vm.SetUserMemoryRegion(0, VirtBoard.RamBase, RamSize, VirtBoard.RamBase, MemoryRegionFlags.LogDirtyPages);
        rig.Run();
        var kinds = rig.EventsFor(Data).Select(e => e.Kind).ToList();
        Assert.Equal(new[]
        {
            HostEventKind.Stage2Fault, HostEventKind.CleanInvalidate, HostEventKind.Map,      // read: translation fault
            HostEventKind.Stage2Fault, HostEventKind.Relax, HostEventKind.Tlbi,               // write: permission fault
        }, kinds);
        Assert.Equal(1, rig.Vm.Counters.Stage2PermissionFaults);
        Assert.Equal(Stage2Permissions.Read | Stage2Permissions.Write, rig.Vm.Stage2.Lookup(Data)!.Value.Permissions);
        ulong page = (Data - VirtBoard.RamBase) >> 12;
        Assert.Equal(1UL << (int)(page % 64), rig.Vm.GetDirtyLog(0)[page / 64]);
    }

    [Fact]
    public void H4_ExecutingAPageFirstReadAsDataAddsExecuteAndInvalidatesTheIcacheFirst()
    {
        const ulong Other = KvmRig.Load + 0x1000;
        // Page 2 of the image holds "power off"; page 1 reads it as data, then branches to it.
        var page1 = Concat(Mov(2, Other), new[] { LdrX(1, 2), Br(2) });
        var program = new uint[0x1000 / 4 + SystemOff().Length];
        page1.CopyTo(program, 0);
        SystemOff().CopyTo(program, 0x1000 / 4);
        using var rig = new KvmRig(program);
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        var events = rig.EventsFor(Other).Select(e => (e.Kind, e.Detail)).ToList();
        Assert.Equal(new[]
        {
            (HostEventKind.Stage2Fault, "translation read"), (HostEventKind.CleanInvalidate, "map"), (HostEventKind.Map, "Read, Write"),
            (HostEventKind.Stage2Fault, "permission exec"), (HostEventKind.IcacheInvalidate, "exec"),
            (HostEventKind.Relax, "Read, Write, Execute"), (HostEventKind.Tlbi, "ipa+vmalle1"),
        }, events);
    }

    [Fact]
    public void H4_AccessFlagFaultOnlySetsTheAccessFlag()
    {
        using var rig = new KvmRig(ReadData());
        rig.Run();
        var leaf = rig.Vm.Stage2.Lookup(Data)!.Value;
        rig.Vm.Stage2.SetPermissions(Data, leaf.Permissions, accessFlag: false);
        rig.Vcpu.Cpu.Mmu.TlbiVmalls12e1(innerShareable: true);
        long events = rig.Vm.Events.Total;
        rig.Vcpu.Init();                                                // (the unmap removes the leaf: put it back)
        rig.Vm.Stage2.MapPage(Data, Data, leaf.Permissions, leaf.MemAttr);
        rig.Vm.Stage2.SetPermissions(Data, leaf.Permissions, accessFlag: false);
        rig.Vcpu.Pc = KvmRig.Load;
        var seen = new List<HostEvent>();
        rig.Vm.Events.Observer = e => { if (e.Address == Data) seen.Add(e); };
        rig.Run();
        Assert.Equal(new[] { HostEventKind.Stage2Fault, HostEventKind.AccessFlag }, seen.Select(e => e.Kind));
        Assert.True(rig.Vm.Stage2.Lookup(Data)!.Value.AccessFlag);
        Assert.Equal(1, rig.Vm.Counters.Stage2AccessFlagFaults);
        Assert.True(rig.Vm.Events.Total > events);
    }

    /// <summary>VBAR_EL1 = Load + 0x800; the "current EL, SPx, synchronous" vector powers off.</summary>
    private static uint[] WithVectors(uint[] body)
    {
        var program = new uint[(0x800 + 0x200) / 4 + SystemOff().Length];
        Concat(Mov(9, KvmRig.Load + 0x800), new[] { MsrVbar(9), Isb }, body).CopyTo(program, 0);
        SystemOff().CopyTo(program, (0x800 + 0x200) / 4);
        return program;
    }

    [Fact]
    public void H5_InstructionFetchOutsideEveryMemslotInjectsAnExternalInstructionAbort()
    {
        using var rig = new KvmRig(WithVectors(Concat(Mov(3, 0x1000_0000), new[] { Br(3) })));
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        ulong esr = rig.Vcpu.Cpu.SysRegs.EsrEl1;
        Assert.Equal(0x21UL, esr >> 26);                                // instruction abort, same EL
        Assert.Equal(0x10UL, esr & 0x3F);                               // synchronous external abort
        Assert.Equal(0x1000_0000UL, rig.Vcpu.Cpu.SysRegs.ElrEl1);
        Assert.Equal(1, rig.Vm.Counters.InjectedAborts);
    }

    [Fact]
    public void H5_StageOneWalkOutsideEveryMemslotInjectsAnExternalDataAbort()
    {
        const ulong Tables = 0x4020_0000;
        // Level-1 table (4K granule, 39-bit VA): entry 1 = 1 GiB identity block over RAM; entry 0 = a table outside RAM.
        var body = Concat(
            Mov(1, 0xFF), new[] { MsrMair(1) },
            Mov(1, 25UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23) | (2UL << 32)), new[] { MsrTcr(1) },
            Mov(1, Tables), new[] { MsrTtbr0(1), Isb, MrsSctlr(5), 0xB24000A5u /* ORR X5, X5, #1 */, MsrSctlr(5), Isb },
            Mov(4, 0x1000), new[] { LdrX(1, 4) });
        using var rig = new KvmRig(WithVectors(body));
        rig.WriteGuest64(Tables + 8, 0x4000_0000UL | (1UL << 10) | (3UL << 8) | 0b01);
        rig.WriteGuest64(Tables, 0x1000_0000UL | 0b11);
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        ulong esr = rig.Vcpu.Cpu.SysRegs.EsrEl1;
        Assert.Equal(0x25UL, esr >> 26);                                // data abort, same EL
        Assert.Equal(0x10UL, esr & 0x3F);
        Assert.Equal(0x1000UL, rig.Vcpu.Cpu.SysRegs.FarEl1);
        Assert.Contains(rig.Vm.Events.OfKind(HostEventKind.Stage2Fault), e => e.Detail == "outside-memslot walk");
    }

    [Fact]
    public void H5_CacheMaintenanceOutsideEveryMemslotIsSkipped()
    {
        using var rig = new KvmRig(Concat(Mov(3, 0x1000_0000), new[] { DcCivac(3) }, Mov(5, 7), SystemOff()));
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Equal(7UL, rig.Vcpu.GetX(5));
        Assert.Equal(1, rig.Vm.Counters.SkippedCmos);
        Assert.Equal(0, rig.Vm.Counters.MmioExits);
    }

    [Fact]
    public void H5_CacheMaintenanceOnUnmappedRamCountsAsAWrite()
    {
        using var rig = new KvmRig(Concat(Mov(3, Data), new[] { DcCivac(3) }, SystemOff()));
        rig.Vm.SetUserMemoryRegion(0, VirtBoard.RamBase, RamSize, VirtBoard.RamBase, MemoryRegionFlags.LogDirtyPages);
        rig.Run();
        Assert.Equal(Stage2Permissions.Read | Stage2Permissions.Write, rig.Vm.Stage2.Lookup(Data)!.Value.Permissions);
        ulong page = (Data - VirtBoard.RamBase) >> 12;
        Assert.NotEqual(0UL, rig.Vm.GetDirtyLog(0)[page / 64] & (1UL << (int)(page % 64)));
    }

    [Fact]
    public void H5_MmioWithoutAValidSyndromeIsAnErrorNamingTheInstruction()
    {
        using var rig = new KvmRig(Concat(Mov(3, 0x0B00_0000), new[] { LdpX(1, 2, 3) }, SystemOff()));
        var outcome = rig.Run();
        Assert.Equal(StopReason.GuestError, outcome.Reason);
        Assert.Contains("ISV=0", outcome.Message);
        Assert.Contains($"0x{LdpX(1, 2, 3):X8}", outcome.Message);
    }
}
