using System.Text;
using Arm64Vm.Host.Gdb;
using Xunit;

namespace Arm64Vm.Host.Tests.Gdb;

/// <summary>
/// The stub against a real guest (tests/guests cache-alias-nc: MMU on, a Normal-NC alias at VA = PA + 0x4000_0000,
/// data-holding caches), driven packet by packet as gdb would.
/// </summary>
public class GdbProtocolTests
{
    private const ulong Line = 0x40654300, NcAlias = 0x4000_0000;

    private static string Le(ulong v, int bytes = 8) => GdbHex.LittleEndian(v, bytes);

    [Fact]
    public void QueriesDescribeTheTargetAndItsThreads()
    {
        using var rig = new GdbTestRig(cpus: 2);
        using var gdb = rig.Connect();
        string features = gdb.Ask("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
        Assert.Contains($"PacketSize={GdbPacketReader.MaxPayload:x}", features);
        Assert.Contains("QStartNoAckMode+", features);
        gdb.NoAck();
        var xml = new StringBuilder();
        for (int off = 0; ;)
        {
            string part = gdb.Ask($"qXfer:features:read:target.xml:{off:x},200");
            xml.Append(part[1..]);
            off += part.Length - 1;
            if (part[0] == 'l') break;
            Assert.Equal('m', part[0]);
        }
        string doc = xml.ToString();
        foreach (var reg in new[] { "\"x0\"", "\"x30\"", "\"sp\"", "\"pc\"", "\"cpsr\"", "\"v31\"", "\"fpsr\"", "\"fpcr\"", "\"sctlr_el1\"", "\"vttbr_el2\"" })
            Assert.Contains($"<reg name={reg}", doc);
        Assert.Contains("<architecture>aarch64</architecture>", doc);
        Assert.Equal("E00", gdb.Ask("qXfer:features:read:other.xml:0,100"));
        Assert.Equal("m1,2", gdb.Ask("qfThreadInfo"));
        Assert.Equal("l", gdb.Ask("qsThreadInfo"));
        Assert.Equal("QC1", gdb.Ask("qC"));
        Assert.Equal("1", gdb.Ask("qAttached"));
        Assert.Equal("", gdb.Ask("qOffsets"));
        Assert.Equal("vCPU 1 (powered off)", Encoding.ASCII.GetString(GdbHex.Decode(gdb.Ask("qThreadExtraInfo,2"))!));
        Assert.Contains("name=\"vCPU 0\"", gdb.Ask("qXfer:threads:read::0,1000"));
        Assert.Equal("OK", gdb.Ask("T2"));
        Assert.Equal("E01", gdb.Ask("T3"));
        Assert.Equal("OK", gdb.Ask("Hg2"));
        Assert.Equal("QC2", gdb.Ask("qC"));
        Assert.Equal("T05thread:1;", gdb.Ask("?").Replace("T02", "T05"));
        Assert.Equal("", gdb.Ask("vMustReplyEmpty"));
        Assert.Equal("", gdb.Ask("qNoSuchThing"));
    }

    [Fact]
    public void RegistersReadAndWriteThroughGAndP()
    {
        using var rig = new GdbTestRig();
        using var gdb = rig.Connect();
        gdb.NoAck();
        ulong entry = rig.Symbol("_start");
        string g = gdb.Ask("g");
        Assert.Equal((31 * 8 + 8 + 8 + 4 + 32 * 16 + 4 + 4) * 2, g.Length);
        Assert.Equal(Le(entry), g.Substring(32 * 16, 16));                       // pc after x0-x30, sp
        Assert.Equal(Le(entry), gdb.Ask("p20"));
        Assert.Equal("c5030000", gdb.Ask("p21"));                                 // cpsr: EL1h, DAIF masked
        rig.Vmm.Vcpus[0].Cpu.PstateSs = true;                                     // DBG-7: PSTATE.SS shows in bit 21
        Assert.Equal("c5032000", gdb.Ask("p21"));
        Assert.Equal("OK", gdb.Ask("P21=c5030000"));
        Assert.False(rig.Vmm.Vcpus[0].Cpu.PstateSs);
        Assert.Equal("OK", gdb.Ask("P21=c5032000"));
        Assert.True(rig.Vmm.Vcpus[0].Cpu.PstateSs);
        Assert.Equal("OK", gdb.Ask("P21=c5030000"));
        Assert.Equal("OK", gdb.Ask("P5=" + Le(0x1122334455667788)));
        Assert.Equal(Le(0x1122334455667788), gdb.Ask("p5"));
        Assert.Equal(0x1122334455667788UL, rig.Vmm.Vcpus[0].GetX(5));
        Assert.Equal("OK", gdb.Ask("P22=" + Le(0xAA, 8) + Le(0xBB, 8)));        // v0
        Assert.Equal(0xAAUL, rig.Vmm.Vcpus[0].Cpu.GetD(0));
        Assert.Equal(0xBBUL, rig.Vmm.Vcpus[0].Cpu.GetDHigh(0));
        Assert.Equal("E01", gdb.Ask("P44=00"));                                  // sctlr_el1: read-only
        Assert.Equal("E01", gdb.Ask("p999"));
        string g2 = gdb.Ask("g");
        Assert.Equal("OK", gdb.Ask("G" + Le(42) + g2[16..]));
        Assert.Equal(42UL, rig.Vmm.Vcpus[0].GetX(0));
    }

    [Fact]
    public void MemoryReadsAndWritesGoThroughTheVcpusTranslation()
    {
        using var rig = new GdbTestRig();
        using var gdb = rig.Connect();
        gdb.NoAck();
        ulong entry = rig.Symbol("_start");
        var image = File.ReadAllBytes(GuestRunner.PathOf("tests/guests/bin/cache-alias-nc.bin"));
        Assert.Equal(GdbHex.Encode(image.AsSpan(0, 16)), gdb.Ask($"m{entry:x},10"));
        Assert.Equal("E14", gdb.Ask("m9000000,4"));                              // the UART: MMIO is never read
        Assert.Equal("E01", gdb.Ask("mzz,4"));
        Assert.Equal("E02", gdb.Ask($"m{entry:x},100000"));
        Assert.Equal("OK", gdb.Ask("M40700000,4:deadbeef"));
        Assert.Equal("deadbeef", gdb.Ask("m40700000,4"));
        // X: binary data with bytes that must be escaped.
        var x = GdbPacketWriter.Frame(Encoding.Latin1.GetBytes("X40700010,4:").Concat(new byte[] { 0x23, 0x7d, 0x24, 0x2a }).ToArray(), binary: true);
        gdb.SendRaw(x);
        Assert.Equal("OK", gdb.Reply());
        Assert.Equal("237d242a", gdb.Ask("m40700010,4"));
        Assert.Equal("OK", gdb.Ask("X40700010,0:"));
    }

    [Fact]
    public void AckModeAnswersABadChecksumWithMinusAndUnknownPacketsWithEmpty()
    {
        using var rig = new GdbTestRig();
        using var gdb = rig.Connect();
        gdb.SendRaw("$qC#00");
        Assert.Equal('-', (char)gdb.ReadByte());
        Assert.Equal("", gdb.Ask("jUnknown"));
        gdb.SendRaw(GdbPacketWriter.Frame(new string('m', GdbPacketReader.MaxPayload + 10)));
        Assert.Equal('+', (char)gdb.ReadByte());
        Assert.Equal("E01", gdb.Reply());
        // A '-' from gdb asks for the last reply again.
        Assert.Equal("QC1", gdb.Ask("qC"));
        gdb.SendRaw("-");
        Assert.Equal("QC1", gdb.Reply());
    }

    [Fact]
    public void StepBreakpointAndWatchpointStopWhereTheyShould()
    {
        using var rig = new GdbTestRig();
        using var gdb = rig.Connect();
        gdb.Ask("qSupported:swbreak+;hwbreak+");
        gdb.NoAck();
        ulong entry = rig.Symbol("_start"), ncRead = rig.Symbol("nc_read"), resetLine = rig.Symbol("reset_line");
        Assert.Equal("vCont;c;C;s;S", gdb.Ask("vCont?"));
        Assert.Equal("T05thread:1;", gdb.Ask("vCont;s:1"));
        Assert.Equal(Le(entry + 4), gdb.Ask("p20"));
        Assert.Equal("T05thread:1;", gdb.Ask("s"));
        Assert.Equal(Le(entry + 8), gdb.Ask("p20"));

        // A hardware breakpoint on reset_line, then a write watchpoint on the line it resets (through the NC alias).
        Assert.Equal("OK", gdb.Ask($"Z1,{resetLine:x},4"));
        Assert.Equal("T05thread:1;hwbreak:;", gdb.Ask("vCont;c"));
        Assert.Equal(Le(resetLine), gdb.Ask("p20"));
        Assert.Equal("OK", gdb.Ask($"z1,{resetLine:x},4"));
        // HOSTDBG-2: the stop comes after the str in nc_write (PC = its ret); gdb's step over it then runs nothing.
        ulong ncWrite = rig.Symbol("nc_write");
        Assert.Equal("OK", gdb.Ask($"Z2,{Line + NcAlias:x},8"));
        Assert.Equal($"T05thread:1;watch:{Line + NcAlias:x};", gdb.Ask("c"));
        Assert.Equal(Le(ncWrite + 12), gdb.Ask("p20"));
        Assert.Equal("1111111111111111", gdb.Ask($"m{Line + NcAlias:x},8"));      // OLD, written by nc_write
        Assert.Equal("OK", gdb.Ask($"z2,{Line + NcAlias:x},8"));
        Assert.Equal("T05thread:1;", gdb.Ask("vCont;s:1"));
        Assert.Equal(Le(ncWrite + 12), gdb.Ask("p20"));
        Assert.Equal("T05thread:1;", gdb.Ask("vCont;s:1"));
        Assert.NotEqual(Le(ncWrite + 12), gdb.Ask("p20"));                         // the next step runs the ret

        // A software breakpoint on nc_read: case a has just written NEW through the cacheable view.
        Assert.Equal("OK", gdb.Ask($"Z0,{ncRead:x},4"));
        Assert.Equal("T05thread:1;swbreak:;", gdb.Ask("c"));
        Assert.Equal(Le(ncRead), gdb.Ask("p20"));
        Assert.Equal("2222222222222222", gdb.Ask($"m{Line:x},8"));                // the cacheable view: the dirty line
        Assert.Equal("1111111111111111", gdb.Ask($"m{Line + NcAlias:x},8"));      // the NC alias: memory under it

        string cache = gdb.Monitor($"cache 0x{Line:x}");
        Assert.Contains("L1D.0      valid dirty  0x2222222222222222", cache);
        Assert.Contains("PoC        memory       0x1111111111111111", cache);
        Assert.Contains("vCPU 0's load reads 0x2222222222222222 from L1D.0", cache);
        string nc = gdb.Monitor($"cache 0x{Line + NcAlias:x}");
        Assert.Contains("loads it as Normal iNC oNC OSH", nc);
        Assert.Contains("vCPU 0's load reads 0x1111111111111111 from memory (PoC)", nc);
        string s2 = gdb.Monitor($"s2 0x{Line:x}");
        Assert.Contains("stage 2: mapped, 4 KiB page IPA 0x40654000 -> PA 0x40654000", s2);
        string unmapped = gdb.Monitor("s2 -i 0x47000000");
        Assert.Contains("not mapped", unmapped);
        string events = gdb.Monitor("events 3");
        Assert.Equal(4, events.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("Stage2Fault", gdb.Monitor("events 1000"));
        string stats = gdb.Monitor("stats");                                     // per vCPU, the host's counters, each cache
        Assert.Contains($"vCPU 0: {rig.Vmm.Vcpus[0].Cpu.Retired:N0} instructions, PC 0x{ncRead:X}, EL1", stats);
        Assert.Contains($" stage2-faults={rig.Vmm.Vm.Counters.Stage2Faults} ", stats);
        Assert.Contains("L1D.0      hits ", stats);
        Assert.Contains("unknown monitor command 'frob'", gdb.Monitor("frob"));

        // A read watchpoint (Z3) on the NC alias: the ldr of nc_read, which the run is stopped at the start of.
        Assert.Equal("OK", gdb.Ask($"z0,{ncRead:x},4"));
        Assert.Equal("OK", gdb.Ask($"Z3,{Line + NcAlias + 4:x},4"));
        Assert.Equal($"T05thread:1;rwatch:{Line + NcAlias + 4:x};", gdb.Ask("c"));
        Assert.Equal(Le(ncRead + 12), gdb.Ask("p20"));
        // A step from a PC gdb wrote is not the step over the watchpoint: it runs the instruction there (nc_write's
        // ret, as nc_read's: back to the caller in x30).
        Assert.Equal("T05thread:1;", gdb.Ask($"s{ncWrite + 12:x}"));
        Assert.Equal(gdb.Ask("p1e"), gdb.Ask("p20"));
        Assert.Equal("OK", gdb.Ask($"z3,{Line + NcAlias + 4:x},4"));
        // An access watchpoint (Z4): the next load or store through the alias; the address is the first watched byte.
        Assert.Equal("OK", gdb.Ask($"Z4,{Line + NcAlias:x},8"));
        Assert.Equal($"T05thread:1;awatch:{Line + NcAlias:x};", gdb.Ask("c"));
        Assert.Contains(gdb.Ask("p20"), new[] { Le(ncRead + 12), Le(ncWrite + 12) });
        Assert.Equal("OK", gdb.Ask($"z4,{Line + NcAlias:x},8"));

        // Breakpoints removed: the guest runs to its end (PSCI SYSTEM_OFF) and the stub reports the exit.
        Assert.Equal("W00", gdb.Ask("c"));
        Assert.Equal(StopReason.SystemOff, rig.Outcome().Reason);
        Assert.Contains("a cacheable write, NC read, no maintenance: stale", rig.ConsoleText);
    }

    [Fact]
    public void ABreakpointStopWithTwoVcpusNamesTheVcpuThatReachedIt()
    {
        // gic-sgi: vCPU 0 boots and starts vCPU 1 at "secondary" (PSCI CPU_ON); only vCPU 1 runs that code.
        using var rig = new GdbTestRig(guest: "tests/guests/bin/gic-sgi.elf", cpus: 2);
        using var gdb = rig.Connect();
        gdb.Ask("qSupported:swbreak+;hwbreak+");
        gdb.NoAck();
        ulong secondary = rig.Symbol("secondary");
        Assert.Equal("OK", gdb.Ask($"Z0,{secondary:x},4"));      // HOSTDBG-1 on every vCPU: gdb's breakpoints are global
        Assert.Equal("T05thread:2;swbreak:;", gdb.Ask("c"));
        Assert.Equal("OK", gdb.Ask("Hg2"));
        Assert.Equal(Le(secondary), gdb.Ask("p20"));
        Assert.Equal("OK", gdb.Ask("Hg1"));
        Assert.NotEqual(Le(secondary), gdb.Ask("p20"));
        Assert.Equal("OK", gdb.Ask($"z0,{secondary:x},4"));
        Assert.Equal("W00", gdb.Ask("c"));
        Assert.Equal(StopReason.SystemOff, rig.Outcome().Reason);
    }

    [Fact]
    public void CtrlCStopsARunningGuest()
    {
        using var rig = new GdbTestRig();
        using var gdb = rig.Connect();
        gdb.NoAck();
        ulong entry = rig.Symbol("_start");
        Assert.Equal("OK", gdb.Ask($"M{entry:x},4:00000014"));                  // b . : the guest spins
        gdb.Send("c");
        Thread.Sleep(50);
        gdb.SendRaw(new byte[] { 0x03 });
        Assert.Equal("T02thread:1;", gdb.Reply());
        Assert.Equal(Le(entry), gdb.Ask("p20"));
        Assert.True(rig.Vmm.Vcpus[0].Cpu.Retired > 1);
    }

    [Fact]
    public void AConnectionThatSendsNothingLetsTheRunningGuestItStoppedRunOn()
    {
        using var rig = new GdbTestRig();
        ulong entry = rig.Symbol("_start");
        using (var gdb = rig.Connect())
        {
            gdb.NoAck();
            Assert.Equal("OK", gdb.Ask($"M{entry:x},4:00000014"));                  // b . : the guest spins
            Assert.Equal("OK", gdb.Ask("D"));                                       // detach: it runs
        }
        bool Probed() { lock (rig.Log) return rig.Log.Exists(m => m.Contains("closed without sending anything")); }
        for (int attempt = 0; attempt < 50 && !Probed(); attempt++)
        {
            using (rig.Connect()) { }                                               // a probe: connects, says nothing
            SpinWait.SpinUntil(Probed, TimeSpan.FromMilliseconds(200));           // (refused while the first closes)
        }
        Assert.True(Probed());
        ulong after = rig.Vmm.Vcpus[0].Cpu.Retired;
        Assert.True(SpinWait.SpinUntil(() => rig.Vmm.Vcpus[0].Cpu.Retired > after + 10_000, TimeSpan.FromSeconds(20)),
            "the guest stayed stopped after a connection that sent nothing");
    }

    [Fact]
    public void ADisconnectMidPacketLeavesTheGuestStoppedAndTheStubListening()
    {
        using var rig = new GdbTestRig();
        ulong entry = rig.Symbol("_start");
        using (var first = rig.Connect())
        {
            first.NoAck();
            Assert.Equal("T05thread:1;", first.Ask("s"));
            first.SendRaw("$m4008");                                           // gone in the middle of a packet
        }
        RawGdbClient? second = null;
        for (int attempt = 0; attempt < 50 && second == null; attempt++)
        {
            var c = rig.Connect();
            try
            {
                Assert.Equal("QC1", c.Ask("qC"));
                second = c;
            }
            catch (IOException)
            {
                c.Dispose();          // refused while the first was still being closed
                Thread.Sleep(20);
            }
        }
        Assert.NotNull(second);
        using (second)
        {
            Assert.Equal(Le(entry + 4), second!.Ask("p20"));                   // still stopped after the step
            // One instruction retired; the first fetch's stage-2 fault was an attempt that did not (CPU-RET-1).
            Assert.Equal(1UL, rig.Vmm.Vcpus[0].Cpu.Retired);
            Assert.Equal(2UL, rig.Vmm.Vcpus[0].Cpu.Executed);
            Assert.Equal("OK", second.Ask("D"));                                // detach resumes the guest
        }
        Assert.Equal(StopReason.SystemOff, rig.Outcome().Reason);
        Assert.Contains(rig.Log, m => m.Contains("client detached"));
    }

    /// <summary>
    /// gdb's detach: "D", the "OK", and the client closes at once. A client that closes even before it reads the
    /// "OK" is the sharpest form of that race: its disconnect, which the stub's reader sees before the stub closes
    /// its end, must not stop the guest it detached from (it did, now and then, and Serve waited for a client forever).
    /// </summary>
    [Fact]
    public void AClientThatDetachesAndClosesAtOnceLetsTheGuestRunToItsEnd()
    {
        using var rig = new GdbTestRig();
        using (var gdb = rig.Connect())
        {
            gdb.NoAck();
            gdb.SendRaw(GdbPacketWriter.Frame("D"));
        }
        Assert.Equal(StopReason.SystemOff, rig.Outcome().Reason);
        Assert.Contains("DC CISW after an NC write, DC CIVAC first: fresh", rig.ConsoleText);   // the guest ran to its end
    }

    [Fact]
    public void KillEndsTheRun()
    {
        using var rig = new GdbTestRig();
        using var gdb = rig.Connect();
        gdb.Send("k");
        var outcome = rig.Outcome();
        Assert.Equal(StopReason.Interrupted, outcome.Reason);
        Assert.Equal("killed by gdb", outcome.Message);
    }

    [Fact]
    public void WithoutWaitingTheGuestRunsAndEndsWithNoClient()
    {
        using var rig = new GdbTestRig(waitForGdb: false);
        Assert.Equal(StopReason.SystemOff, rig.Outcome().Reason);
        Assert.Contains("DC CISW after an NC write, DC CIVAC first: fresh", rig.ConsoleText);
    }
}
