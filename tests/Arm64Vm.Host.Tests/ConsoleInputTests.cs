using System.Text;
using Arm64Vm.Host.Tests.Kvm;
using Xunit;

namespace Arm64Vm.Host.Tests;

/// <summary>DEV-2 (specs/interrupts.md): the console's bytes and QEMU's Ctrl-A escape, fed from a fake console input.</summary>
public class ConsoleInputTests
{
    private const uint Wfi = 0xD503207F;

    private static KvmRig IdleRig() =>
        new(new[] { Wfi, 0x17FF_FFFFu /* b . - 4: back to the WFI */ }, new VmmOptions { CacheModel = CacheModelKind.Off });

    private static string Queued(Vmm vmm)
    {
        var s = new StringBuilder();
        while (vmm.Input.TryDequeue(out byte b)) s.Append((char)b);
        return s.ToString();
    }

    private static MemoryStream Keys(string s) => new(Encoding.Latin1.GetBytes(s));

    [Fact]
    public void Dev2_FromATerminalCtrlACtrlASendsOneCtrlAAndCtrlAWithAnotherKeyIsDropped()
    {
        using var rig = IdleRig();
        bool quit = ConsoleInput.Pump(Keys("ab\u0001\u0001c\u0001qd\u0003"), interactive: true, rig.Vmm);
        Assert.False(quit);
        Assert.Equal("ab\u0001cd\u0003", Queued(rig.Vmm));   // Ctrl-C (0x03) goes to the guest
        Assert.False(rig.Vmm.Input.IsOpen);              // the end of the input closes the source
    }

    [Fact]
    public void Dev2_FromAFileOrPipeCtrlAXPassesToTheGuestUnchanged()
    {
        using var rig = IdleRig();
        bool quit = ConsoleInput.Pump(Keys("\u0001x\u0001\u0001"), interactive: false, rig.Vmm);
        Assert.False(quit);
        Assert.Equal("\u0001x\u0001\u0001", Queued(rig.Vmm));
    }

    [Fact]
    public void Dev2_CtrlAXFromATerminalQuitsAndNothingTypedAfterItReachesTheGuest()
    {
        using var rig = IdleRig();
        bool flagged = false;
        bool quit = ConsoleInput.Pump(Keys("ls\u0001Xrm"), interactive: true, rig.Vmm, onQuit: () => flagged = true);
        Assert.True(quit);
        Assert.True(flagged);
        Assert.Equal("ls", Queued(rig.Vmm));
    }

    [Fact]
    public void Dev2_CtrlAXStopsARunWhoseGuestWaitsForInputAndTheQuitFlagIsSetWhenRunReturns()
    {
        using var rig = IdleRig();
        rig.Vmm.Input.Open();                        // a terminal: the idle guest waits for a key (DEV-1)
        bool flagged = false;
        var typist = new Thread(() =>
        {
            // Types once the guest sleeps in WFI (bounded, so a bug cannot hang the test).
            for (int i = 0; i < 20_000 && !rig.Vcpu.WaitingForInterrupt; i++) Thread.Sleep(1);
            ConsoleInput.Pump(Keys("\u0001x"), interactive: true, rig.Vmm, onQuit: () => flagged = true);
        })
        { IsBackground = true };
        typist.Start();
        var outcome = rig.Run(10_000_000);
        Assert.True(flagged);                        // set before the run was asked to stop
        typist.Join();
        Assert.Equal(StopReason.Interrupted, outcome.Reason);
    }
}
