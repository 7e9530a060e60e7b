using Arm64Vm.Devices.Virtio;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Devices.Tests.Virtio;

/// <summary>VIO-3, VIO-4: descriptor chains, indirect tables, the ring index wrap, and a hostile driver's rings.</summary>
public class VirtQueueTests
{
    private const ulong Data = VirtioDriver.Data;

    /// <summary>An rng whose bytes are all 0xAB, to see exactly which guest bytes it wrote.</summary>
    private static VirtioRng Rng() => new(s => s.Fill(0xAB));

    [Fact]
    public void Vio3_AChainOfSeveralWritableBuffersIsFilledInOrderAndItsLengthUsed()
    {
        var d = new VirtioDriver(Rng());
        ushort head = d.Submit((Data, 3, true), (Data + 0x100, 5, true));
        d.Notify();
        Assert.Equal(1, d.UsedIdx);
        Assert.Equal((head, 8u), d.UsedElement(0));
        Assert.Equal(new byte[] { 0xAB, 0xAB, 0xAB, 0 }, d.Ram.At(Data, 4).ToArray());
        Assert.Equal(0xAB, d.Ram.At(Data + 0x104, 1)[0]);
        Assert.Equal(0, d.Ram.At(Data + 0x105, 1)[0]);
    }

    [Fact]
    public void Vio3_IndirectDescriptorsAreFollowedWhenNegotiated()
    {
        var d = new VirtioDriver(Rng());
        ushort head = d.SubmitIndirect((Data, 4, true), (Data + 0x40, 4, true));
        d.Notify();
        Assert.False(d.NeedsReset);
        Assert.Equal((head, 8u), d.UsedElement(0));
        Assert.Equal(0xAB, d.Ram.At(Data + 0x43, 1)[0]);
    }

    [Fact]
    public void Vio3_TheRingIndicesWrapAt65536()
    {
        var d = new VirtioDriver(Rng(), queueSize: 4);
        for (int i = 0; i < 65_540; i++)
        {
            d.Submit((Data, 1, true));
            d.Notify();
        }
        Assert.False(d.NeedsReset);
        Assert.Equal((ushort)(65_540 & 0xFFFF), d.UsedIdx);
        Assert.Equal(4, d.UsedIdx);
        Assert.Equal(1u, d.UsedElement(65_539).Length);
    }

    /// <summary>Each hostile ring: the device sets NEEDS_RESET with a configuration-change interrupt, uses nothing, and serves nothing more until reset.</summary>
    [Theory]
    [InlineData("head", "beyond the queue size")]
    [InlineData("loop", "loops")]
    [InlineData("outside", "not guest RAM")]
    [InlineData("readable-after-writable", "device-readable buffer follows")]
    [InlineData("indirect-with-next", "indirect descriptor with NEXT")]
    [InlineData("nested-indirect", "inside an indirect table")]
    [InlineData("indirect-size", "an indirect table of 20 bytes")]
    [InlineData("avail-ahead", "more than 16 ahead")]
    [InlineData("misaligned", "misaligned")]
    [InlineData("next-beyond", "beyond its table")]
    public void Vio4_AHostileRingSetsNeedsResetAndNeverCrashes(string kind, string error)
    {
        var d = new VirtioDriver(Rng());
        const ulong D = VirtioDriver.Desc;
        switch (kind)
        {
            case "head": d.MakeAvailable(16); break;
            case "loop":
                d.SetDescriptor(D, 0, Data, 1, VirtioDriver.Writable | VirtioDriver.Next, 1);
                d.SetDescriptor(D, 1, Data, 1, VirtioDriver.Writable | VirtioDriver.Next, 0);
                d.MakeAvailable(0);
                break;
            case "outside": d.Submit((0x1000, 8, true)); break;
            case "readable-after-writable": d.Submit((Data, 8, true), (Data + 8, 8, false)); break;
            case "indirect-with-next":
                d.SetDescriptor(D, 0, VirtioDriver.Indirect, 16, VirtioDriver.IndirectFlag | VirtioDriver.Next, 1);
                d.MakeAvailable(0);
                break;
            case "nested-indirect":
                d.SetDescriptor(VirtioDriver.Indirect, 0, VirtioDriver.Indirect, 16, VirtioDriver.IndirectFlag, 0);
                d.SetDescriptor(D, 0, VirtioDriver.Indirect, 16, VirtioDriver.IndirectFlag, 0);
                d.MakeAvailable(0);
                break;
            case "indirect-size":
                d.SetDescriptor(D, 0, VirtioDriver.Indirect, 20, VirtioDriver.IndirectFlag, 0);
                d.MakeAvailable(0);
                break;
            case "avail-ahead": d.Ram.SetU16(VirtioDriver.Avail + 2, 17); break;
            case "misaligned":
                d.Transport.Write(0x044, 4, 0);
                d.Transport.Write(0x080, 4, (uint)VirtioDriver.Desc + 8);
                d.Transport.Write(0x044, 4, 1);
                d.Submit((Data, 1, true));
                break;
            case "next-beyond":
                d.SetDescriptor(D, 0, Data, 1, VirtioDriver.Writable | VirtioDriver.Next, 99);
                d.MakeAvailable(0);
                break;
        }
        d.Notify();
        Assert.True(d.NeedsReset);
        Assert.Contains(error, d.Transport.LastError);
        Assert.Equal((ulong)VirtioMmioTransport.ConfigChangeInterrupt, d.Transport.Read(0x060, 4));
        Assert.True(d.Line.Level);
        Assert.Equal(0, d.UsedIdx);
        d.Transport.Write(0x064, 4, 2);
        d.Notify();
        Assert.Equal(0UL, d.Transport.Read(0x060, 4));         // nothing more until the driver resets the device
        d.Transport.Write(0x070, 4, 0);
        Assert.Equal(0u, d.Status);
    }

    [Fact]
    public void Vio4_IndirectWithoutTheFeatureSetsNeedsReset()
    {
        var d = new VirtioDriver(Rng(), features: 1UL << VirtioIds.Version1);
        d.SubmitIndirect((Data, 4, true));
        d.Notify();
        Assert.True(d.NeedsReset);
        Assert.Contains("without VIRTIO_F_RING_INDIRECT_DESC", d.Transport.LastError);
    }

    /// <summary>VIO-4 as a property: any descriptor table, available ring and queue size a guest writes either is served
    /// or ends in NEEDS_RESET with a reason; the device never throws and never copies outside guest RAM.</summary>
    [Fact]
    public void Vio4_RandomRingsNeverCrashTheDevice()
    {
        var half = Gen.Choose(int.MinValue, int.MaxValue).Select(v => (ulong)(uint)v);   // full-range words, not FsCheck's small default
        var words = from hi in half from lo in half select hi << 32 | lo;
        var gen = from table in Gen.ArrayOf(words, 48)
                  from availIdx in Gen.Choose(1, 20)
                  from pointIntoRam in Gen.Elements(true, false)
                  select (table, availIdx, pointIntoRam);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (table, availIdx, pointIntoRam) = t;
            var d = new VirtioDriver(Rng(), queueSize: 8);
            for (int i = 0; i < table.Length; i++)
            {
                ulong w = table[i];
                // Half the runs aim the descriptors' addresses into RAM, so chains get past the address check.
                if (pointIntoRam && i % 2 == 0) w = GuestRam.Base + (w & 0xF_FFF0);
                d.Ram.SetU64(VirtioDriver.Desc + 8UL * (ulong)i, w);
                d.Ram.SetU64(VirtioDriver.Indirect + 8UL * (ulong)i, table[(i + 7) % table.Length]);
            }
            for (int i = 0; i < 8; i++) d.Ram.SetU16(VirtioDriver.Avail + 4 + 2UL * (ulong)i, (ushort)table[i]);
            d.Ram.SetU16(VirtioDriver.Avail + 2, (ushort)availIdx);
            d.Notify();
            return d.NeedsReset ? d.Transport.LastError != null : d.UsedIdx == availIdx;
        }).QuickCheckThrowOnFailure();
    }
}
