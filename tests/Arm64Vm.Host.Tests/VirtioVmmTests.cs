using Arm64Vm.Devices.Virtio;
using Arm64Vm.Host.Images;
using Xunit;

namespace Arm64Vm.Host.Tests;

/// <summary>VIO-1, VIO-2, VIO-8: the VMM's virtio transports, where its devices sit, their DMA paths and the system reset.</summary>
public sealed class VirtioVmmTests : IDisposable
{
    private readonly string _disk = Path.GetTempFileName();

    public VirtioVmmTests() => File.WriteAllBytes(_disk, new byte[4096]);

    public void Dispose() => File.Delete(_disk);

    private Vmm Create(bool rng = true, DmaPath path = DmaPath.HostCacheable, CacheModelKind model = CacheModelKind.Off)
    {
        var spin = new byte[] { 0x00, 0x00, 0x00, 0x14 };   // b .
        var vmm = new Vmm(new VmmOptions { CacheModel = model, Drives = [new DriveSpec(_disk, false)], VirtioRng = rng, VirtioDmaPath = path },
            [ImageLoader.Parse("spin.bin", spin)]);
        vmm.Boot();
        return vmm;
    }

    [Fact]
    public void Vio1_TheFirstDeviceTakesTheLastTransportAndTheRestAnswerDeviceIdZero()
    {
        using var vmm = Create();
        Assert.Equal(2UL, vmm.Devices.Find(0x0A00_3E00)!.Device.Read(0x008, 4));   // the drive: virtio-blk
        Assert.Equal(4UL, vmm.Devices.Find(0x0A00_3C00)!.Device.Read(0x008, 4));   // then the rng
        for (ulong a = 0x0A00_0000; a < 0x0A00_3C00; a += 0x200)
        {
            var t = vmm.Devices.Find(a)!.Device;
            Assert.Equal((0x7472_6976UL, 0UL), (t.Read(0, 4), t.Read(0x008, 4)));
        }
        Assert.Null(vmm.Devices.Find(0x0A00_4000));
    }

    [Fact]
    public void Vio8_TheSystemResetResetsEveryTransport()
    {
        using var vmm = Create();
        var blk = vmm.Devices.Find(0x0A00_3E00)!.Device;
        blk.Write(0x070, 4, VirtioIds.Acknowledge | VirtioIds.Driver);
        Assert.Equal((ulong)(VirtioIds.Acknowledge | VirtioIds.Driver), blk.Read(0x070, 4));
        vmm.ResetSystem();
        Assert.Equal(0UL, blk.Read(0x070, 4));
    }

    [Fact]
    public void Vio2_AMissingDriveFailsTheVmmWithTheFileNamed()
    {
        var e = Assert.Throws<DriveException>(() => new Vmm(new VmmOptions { Drives = [new DriveSpec("/nonexistent/x.img", false)] },
            [ImageLoader.Parse("spin.bin", new byte[4])]));
        Assert.Equal("/nonexistent/x.img: file not found", e.Message);
    }

    /// <summary>
    /// VIO-2: a host write through its cacheable path can sit dirty in the host's cache. The host-cacheable DMA path
    /// sees it; the PoC path (a non-coherent master) sees memory, the old value, until the host cleans the line to PoC.
    /// </summary>
    [Fact]
    public void Vio2_ThePocPathSeesMemoryNotTheHostsDirtyCacheLine()
    {
        using var vmm = Create(model: CacheModelKind.State);
        const ulong At = 0x4100_0000;
        vmm.Vm.WriteGuest(At, [1, 2, 3, 4, 5, 6, 7, 8]);
        var viaHost = new byte[8];
        new VirtioDma(vmm.Vm, DmaPath.HostCacheable).Read(At, viaHost);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, viaHost);
        var poc = new VirtioDma(vmm.Vm, DmaPath.Poc);
        var viaPoc = new byte[8];
        poc.Read(At, viaPoc);
        Assert.Equal(new byte[8], viaPoc);
        vmm.Vm.Host.CleanInvalidateToPoc(At, 8);
        poc.Read(At, viaPoc);
        Assert.Equal(viaHost, viaPoc);
        poc.Write(At + 3, [0xEE]);
        new VirtioDma(vmm.Vm, DmaPath.HostCacheable).Read(At, viaHost);
        Assert.Equal(0xEE, viaHost[3]);   // the line was invalidated: the host reads memory again
    }
}
