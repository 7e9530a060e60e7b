using System.Diagnostics;
using Xunit;

namespace Arm64Vm.Host.Tests.Gdb;

/// <summary>A fact that needs gdb-multiarch: skipped, with the reason, on a machine without it.</summary>
public sealed class GdbFactAttribute : FactAttribute
{
    public const string Gdb = "/usr/bin/gdb-multiarch";

    public GdbFactAttribute()
    {
        if (!File.Exists(Gdb)) Skip = $"{Gdb} is not installed (apt-get install gdb-multiarch)";
    }
}

/// <summary>The real gdb against the stub: `gdb-multiarch -batch` with the guest ELF's symbols.</summary>
public class GdbMultiarchTests
{
    private static string RunGdb(GdbTestRig rig, params string[] commands)
    {
        var psi = new ProcessStartInfo(GdbFactAttribute.Gdb)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-batch", "-nx", "-ex", "set pagination off", "-ex", $"target remote 127.0.0.1:{rig.Server.Port}" })
            psi.ArgumentList.Add(a);
        foreach (var c in commands)
        {
            psi.ArgumentList.Add("-ex");
            psi.ArgumentList.Add(c);
        }
        psi.ArgumentList.Add(rig.ElfPath);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), "gdb did not finish");
        return stdout + stderr.Result;
    }

    [GdbFact]
    public void GdbReadsRegistersStepsBreaksAndSeesBothViewsOfADirtyLine()
    {
        using var rig = new GdbTestRig();
        string o = RunGdb(rig,
            "info registers pc cpsr",
            "stepi",
            "info registers pc",
            "break nc_read",
            "continue",
            "x/gx 0x40654300",
            "x/gx 0x80654300",
            "monitor cache 0x40654300",
            "info threads",
            "kill");
        Assert.Contains("pc             0x40080000          0x40080000 <_start>", o);
        Assert.Contains("cpsr           0x3c5               [ SP EL=1 F I A D ]", o);
        Assert.Contains("pc             0x40080004          0x40080004 <_start+4>", o);
        Assert.Contains("Breakpoint 1, 0x00000000400803cc in nc_read ()", o);
        Assert.Contains("0x40654300:\t0x2222222222222222", o);        // the cacheable view: the dirty line
        Assert.Contains("0x80654300:\t0x1111111111111111", o);        // the NC alias (stage 1: VA = PA + 0x4000_0000)
        Assert.Contains("L1D.0      valid dirty  0x2222222222222222", o);
        Assert.Contains("PoC        memory       0x1111111111111111", o);
        Assert.Contains("Thread 1 \"vCPU 0\"", o);
        Assert.Equal("killed by gdb", rig.Outcome().Message);
    }

    [GdbFact]
    public void GdbWatchesAVariableAndContinuesToTheEnd()
    {
        using var rig = new GdbTestRig();
        string o = RunGdb(rig,
            "break reset_line",
            "continue",
            "watch *(long *)0x80654300",
            "continue",
            "delete",
            "continue");
        Assert.Contains("Hardware watchpoint 2: *(long *)0x80654300", o);
        Assert.Contains("Old value = 0", o);
        Assert.Contains("New value = 1229782938247303441", o);           // 0x1111111111111111, written by nc_write
        // Reported at the instruction after the writing str (nc_write's ret), as under QEMU: gdb's step over the
        // watchpoint runs nothing (HOSTDBG-2 stops after the access).
        Assert.Contains($"0x{rig.Symbol("nc_write") + 12:x16} in nc_write ()", o);
        Assert.Contains("exited normally", o);
        Assert.Equal(StopReason.SystemOff, rig.Outcome().Reason);
    }
}
