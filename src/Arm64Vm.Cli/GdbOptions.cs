using System.Net.Sockets;
using Arm64Vm.Host;
using Arm64Vm.Host.Gdb;

namespace Arm64Vm.Cli;

/// <summary>The --gdb / -s / --wait-gdb (-S) plumbing of `arm64vm run`: parsing the endpoint and starting the stub.</summary>
public static class GdbOptions
{
    /// <summary>QEMU's -s: the stub on TCP port 1234.</summary>
    public const string QemuDefault = "tcp::1234";

    /// <summary>--gdb ENDPOINT, or QEMU's -s (tcp::1234); both at once is a usage error (one stub per run).</summary>
    public static GdbEndpoint? Endpoint(string? gdb, bool qemuDefault)
    {
        if (gdb != null && qemuDefault) throw new UsageException($"-s: the gdb stub is given twice (-s and --gdb {gdb}); give one");
        return gdb != null ? ParseEndpoint(gdb) : qemuDefault ? ParseEndpoint(QemuDefault) : null;
    }

    public static GdbEndpoint ParseEndpoint(string text)
    {
        try { return GdbEndpoint.Parse(text); }
        catch (FormatException e) { throw new UsageException($"--gdb: {e.Message}"); }
    }

    /// <summary>The listening stub for --gdb (null without it); --wait-gdb alone is a usage error.</summary>
    public static GdbServer? Start(RunCommand.RunOptions o, Vmm vmm)
    {
        if (o.Gdb == null)
        {
            if (o.WaitGdb) throw new UsageException("--wait-gdb (-S): needs --gdb tcp::PORT or -s (nothing could resume the guest)");
            return null;
        }
        var server = new GdbServer(vmm, o.Gdb, o.MaxInstructions, message => Console.Error.WriteLine($"arm64vm: {message}"));
        try { server.Start(); }
        catch (SocketException e)
        {
            server.Dispose();
            throw new UsageException($"--gdb: cannot listen on {o.Gdb}: {e.Message}");
        }
        Console.Error.WriteLine($"arm64vm: gdb stub listening on {o.Gdb.Address}:{server.Port}{(o.WaitGdb ? " (waiting for gdb before the first instruction)" : "")}");
        return server;
    }
}
