using Arm64Vm.Host.Images;
using Xunit;

namespace Arm64Vm.Host.Tests.Scenarios;

/// <summary>
/// Story 9 of issue #6 with scenarios/guests/smc-ctr.S: self-modifying code that does exactly the maintenance CTR_EL0
/// asks for runs every new instruction under all four IDC/DIC combinations; the control without maintenance shows the
/// caches are not trivially coherent; and removing a step CTR_EL0 requires makes the guest run old code.
/// </summary>
public class SmcCtrStoryTests
{
    private const uint DcCvauX20 = 0xD50B7B34, IcIvauX20 = 0xD50B7534, Nop = 0xD503201F;

    private static string Expected(bool idc, bool dic, string patches, string control) =>
        $"smc-ctr: IDC={(idc ? 1 : 0)} DIC={(dic ? 1 : 0)}\n" +
        $"smc-ctr: DC CVAU {(idc ? "skipped" : "used")}, IC IVAU {(dic ? "skipped" : "used")}\n" +
        patches + $"smc-ctr: control without maintenance ran {control} code\n";

    private const string AllOk = "smc-ctr: 8 of 8 patches ran ok\n";

    [Theory]
    [InlineData(false, false, "state", "old")]
    [InlineData(true, false, "state", "old")]
    [InlineData(false, true, "state", "old")]      // DIC alone: the new instruction is still only in the L1D, above PoU
    [InlineData(true, true, "state", "new")]
    [InlineData(false, false, "off", "new")]
    public void HonouringCtrRunsEveryPatch(bool idc, bool dic, string cacheModel, string control)
    {
        using var rig = new ScenarioRig("smc-ctr", new VmmOptions { Idc = idc, Dic = dic, CacheModel = CacheModel.Parse(cacheModel) });
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(Expected(idc, dic, AllOk, control), rig.Console);
    }

    [Fact]
    public void FwbPresentsIdcAndTheGuestSkipsTheClean()
    {
        using var rig = new ScenarioRig("smc-ctr", new VmmOptions { Fwb = true });
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(Expected(true, false, AllOk, "old"), rig.Console);
    }

    /// <summary>The guest with one maintenance instruction replaced by a NOP.</summary>
    private static LoadedImage Without(uint instruction)
    {
        var bytes = ScenarioRig.GuestImage("smc-ctr");
        int found = 0;
        for (int i = 0; i + 4 <= bytes.Length; i += 4)
            if (BitConverter.ToUInt32(bytes, i) == instruction)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i), Nop);
                found++;
            }
        Assert.Equal(1, found);
        return ImageLoader.Parse("smc-ctr-patched", bytes, ScenarioRig.Load);
    }

    private static string Failures => string.Concat(Enumerable.Range(2, 8).Select(n => $"smc-ctr: patch {n} ran old code\n")) + "smc-ctr: 0 of 8 patches ran ok\n";

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public void WithoutTheCleanToPouTheOldCodeRunsWhenIdcIsZero(bool idc, bool dic)
    {
        using var rig = new ScenarioRig(Without(DcCvauX20), new VmmOptions { Idc = idc, Dic = dic });
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(Expected(idc, dic, Failures, "old"), rig.Console);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void WithoutTheInstructionInvalidateTheOldCodeRunsWhenDicIsZero(bool idc, bool dic)
    {
        using var rig = new ScenarioRig(Without(IcIvauX20), new VmmOptions { Idc = idc, Dic = dic });
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(Expected(idc, dic, Failures, "old"), rig.Console);
    }
}
