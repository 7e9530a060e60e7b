using Arm64Vm.Devices.Virtio;
using Xunit;

namespace Arm64Vm.Devices.Tests.Virtio;

/// <summary>VIO-1, VIO-5: the virtio-mmio register file, the status and feature handshake, the interrupt and the reset.</summary>
public class VirtioMmioTransportTests
{
    private static VirtioRng Rng() => new(VirtioRng.Deterministic(7));

    [Fact]
    public void Vio1_EmptyTransportAnswersMagicVersionVendorAndDeviceIdZero()
    {
        var t = new VirtioMmioTransport(null, new GuestRam());
        Assert.Equal(0x7472_6976UL, t.Read(0x000, 4));
        Assert.Equal(2UL, t.Read(0x004, 4));
        Assert.Equal(0UL, t.Read(0x008, 4));
        Assert.Equal(0x554D_4551UL, t.Read(0x00C, 4));
        Assert.Equal(0UL, t.Read(0x010, 4));   // no features
        t.Write(0x070, 4, 0xF);                 // ignored
        Assert.Equal(0UL, t.Read(0x070, 4));
    }

    [Fact]
    public void Vio1_DeviceFeaturesOfferVersion1AndIndirectInTheHighAndLowWords()
    {
        var blk = new VirtioDriver(Rng()).Transport;
        Assert.Equal((ulong)VirtioIds.EntropySource, blk.Read(0x008, 4));
        blk.Write(0x014, 4, 1);
        Assert.Equal(1UL, blk.Read(0x010, 4));                 // bit 32: VIRTIO_F_VERSION_1
        blk.Write(0x014, 4, 0);
        Assert.Equal(1UL << 28, blk.Read(0x010, 4));           // VIRTIO_F_RING_INDIRECT_DESC, no EVENT_IDX
        blk.Write(0x014, 4, 2);
        Assert.Equal(0UL, blk.Read(0x010, 4));
    }

    [Fact]
    public void Vio9_AccessPlatformIsOfferedOnlyWhenAskedAndThenAccepted()
    {
        var plain = new VirtioMmioTransport(Rng(), new GuestRam());
        plain.Write(0x014, 4, 1);
        Assert.Equal(1UL, plain.Read(0x010, 4));                                  // VERSION_1 alone in the high word
        var d = new VirtioDriver(Rng(), features: 1UL << VirtioIds.Version1 | 1UL << VirtioIds.AccessPlatform, accessPlatform: true);
        d.Transport.Write(0x014, 4, 1);
        Assert.Equal(0b11UL, d.Transport.Read(0x010, 4));                         // bits 32 and 33
        Assert.NotEqual(0u, d.Status & VirtioIds.FeaturesOk);
        Assert.Equal(1UL << VirtioIds.AccessPlatform, d.Transport.NegotiatedFeatures & 1UL << VirtioIds.AccessPlatform);
        // Not offered: a driver that asks for it is refused FEATURES_OK (VIO-5).
        var refused = new VirtioDriver(Rng(), features: 1UL << VirtioIds.Version1 | 1UL << VirtioIds.AccessPlatform);
        Assert.Equal(0u, refused.Status & VirtioIds.FeaturesOk);
    }

    [Fact]
    public void Vio5_FeaturesOkIsRefusedWithoutVersion1()
    {
        var d = new VirtioDriver(Rng(), features: 1UL << VirtioIds.RingIndirectDesc);
        Assert.Equal(0u, d.Status & VirtioIds.FeaturesOk);
    }

    [Fact]
    public void Vio5_FeaturesOkIsRefusedForAFeatureNotOffered()
    {
        var d = new VirtioDriver(Rng(), features: 1UL << VirtioIds.Version1 | 1UL << VirtioIds.RingEventIdx);
        Assert.Equal(0u, d.Status & VirtioIds.FeaturesOk);
    }

    [Fact]
    public void Vio5_TheHandshakeEndsDriverOkWithTheQueueReady()
    {
        var d = new VirtioDriver(Rng());
        Assert.Equal(VirtioIds.Acknowledge | VirtioIds.Driver | VirtioIds.FeaturesOk | VirtioIds.DriverOk, d.Status);
        Assert.Equal(1UL, d.Transport.Read(0x044, 4));
        Assert.Equal((ulong)VirtioRng.QueueSize, d.Transport.Read(0x034, 4));
        d.Transport.Write(0x030, 4, 1);                        // a queue the device does not have
        Assert.Equal(0UL, d.Transport.Read(0x034, 4));
        Assert.Equal(0UL, d.Transport.Read(0x044, 4));
    }

    [Fact]
    public void Vio5_QueueAddressesCannotChangeWhileTheQueueIsReady()
    {
        var d = new VirtioDriver(Rng());
        d.Transport.Write(0x080, 4, 0x1234_5000);
        Assert.Equal(VirtioDriver.Desc, d.Transport.Queue(0).DescriptorTable);
    }

    [Fact]
    public void Vio1_AUsedBufferRaisesTheLineAndTheAckLowersIt()
    {
        var d = new VirtioDriver(Rng());
        d.Submit((VirtioDriver.Data, 16, true));
        d.Notify();
        Assert.True(d.Line.Level);
        Assert.Equal(1UL, d.Transport.Read(0x060, 4));
        d.Transport.Write(0x064, 4, 1);
        Assert.False(d.Line.Level);
        Assert.Equal(0UL, d.Transport.Read(0x060, 4));
    }

    [Fact]
    public void Vio1_NoInterruptFlagSuppressesTheUsedBufferInterrupt()
    {
        var d = new VirtioDriver(Rng());
        d.Ram.SetU16(VirtioDriver.Avail, 1);                  // VIRTQ_AVAIL_F_NO_INTERRUPT
        d.Submit((VirtioDriver.Data, 16, true));
        d.Notify();
        Assert.Equal(1, d.UsedIdx);
        Assert.False(d.Line.Level);
    }

    [Fact]
    public void Vio1_StatusZeroResetsTheDeviceQueuesAndLine()
    {
        var d = new VirtioDriver(Rng());
        d.Submit((VirtioDriver.Data, 16, true));
        d.Notify();
        d.Transport.Write(0x070, 4, 0);
        Assert.Equal(0u, d.Status);
        Assert.False(d.Line.Level);
        Assert.Equal(0UL, d.Transport.Read(0x044, 4));
        Assert.Equal(0, d.Transport.Queue(0).LastAvailable);
        Assert.Equal(0UL, d.Transport.NegotiatedFeatures);
    }

    [Fact]
    public void Vio1_NotifyBeforeDriverOkServesNothing()
    {
        var d = new VirtioDriver(Rng());
        d.Transport.Write(0x070, 4, VirtioIds.Acknowledge | VirtioIds.Driver | VirtioIds.FeaturesOk);   // DRIVER_OK cleared
        d.Submit((VirtioDriver.Data, 16, true));
        d.Notify();
        Assert.Equal(0, d.UsedIdx);
    }

    [Fact]
    public void Vio1_ConfigGenerationIsZeroAndNarrowRegisterAccessesReadZero()
    {
        var d = new VirtioDriver(Rng());
        Assert.Equal(0UL, d.Transport.Read(0x0FC, 4));
        Assert.Equal(0UL, d.Transport.Read(0x000, 2));         // section 4.2.2.2: 32-bit accesses only
        Assert.Equal(0xFFFF_FFFFUL, d.Transport.Read(0x0B0, 4)); // no shared memory region
    }
}
