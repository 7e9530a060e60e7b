using Arm64Vm.Devices.Virtio;
using Xunit;

namespace Arm64Vm.Devices.Tests.Virtio;

/// <summary>VIO-7: the entropy device fills what it is given, reproducibly from a seed.</summary>
public class VirtioRngTests
{
    private static byte[] Serve(ulong seed, uint length)
    {
        var d = new VirtioDriver(new VirtioRng(VirtioRng.Deterministic(seed)));
        d.Submit((VirtioDriver.Data, length, true));
        d.Notify();
        Assert.Equal(length, d.UsedElement(0).Length);
        return d.Ram.At(VirtioDriver.Data, (int)length).ToArray();
    }

    [Fact]
    public void Vio7_TheSameSeedGivesTheSameBytesAndAnotherSeedOthers()
    {
        var a = Serve(1, 64);
        Assert.Equal(a, Serve(1, 64));
        Assert.NotEqual(a, Serve(2, 64));
        Assert.True(a.Distinct().Count() > 32, "64 bytes of SplitMix64 are not all alike");
    }

    [Fact]
    public void Vio7_ARequestLargerThanTheLimitGetsTheLimit()
    {
        var d = new VirtioDriver(new VirtioRng(VirtioRng.Deterministic(1)));
        d.Submit((VirtioDriver.Data, VirtioRng.MaxRequest + 100, true));
        d.Notify();
        Assert.Equal((uint)VirtioRng.MaxRequest, d.UsedElement(0).Length);
    }
}
