using Arm64Vm.Host.Kvm;
using Arm64Vm.TestSupport;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using Xunit.Abstractions;
using static Arm64Vm.Host.Tests.Kvm.A64;

namespace Arm64Vm.Host.Tests.Kvm;

/// <summary>
/// H1-H3 as a property over random interleavings: the VMM writes guest pages through its cacheable mapping only while
/// they are unmapped (after a vCPU re-init, as on reset), the MMU-off guest reads and writes them non-cacheably. Under
/// the faithful policy every guest read returns the newest value anyone wrote; removing the unmap or the fault-time
/// clean lets FsCheck find a stale read (with the data-holding cache model).
/// </summary>
public class MaintenanceOrderPropertyTests
{
    private readonly ITestOutputHelper _output;

    public MaintenanceOrderPropertyTests(ITestOutputHelper output) => _output = output;

    private const ulong Pages = 0x4010_0000;
    private const int PageCount = 3;
    private const ulong LoadCode = KvmRig.Load, StoreCode = KvmRig.Load + 8;

    public abstract record Op;
    public sealed record GuestRead(int Page) : Op;
    public sealed record GuestWrite(int Page, ulong Value) : Op;
    /// <summary>Reset: re-init the vCPU (stage 2 unmapped under kvm), then the VMM writes pages through its cache.</summary>
    public sealed record ReinitThenHostWrites((int Page, ulong Value)[] Writes) : Op
    {
        public override string ToString() => $"ReinitThenHostWrites [{string.Join(", ", Writes.Select(w => $"page {w.Page} = {w.Value}"))}]";
    }

    private static Gen<int> Page => Gen.Choose(0, PageCount - 1);
    private static Gen<ulong> Value => Gen.Choose(1, int.MaxValue).Select(v => (ulong)v);

    private static Gen<Op[]> ProgramGen => Gen.ArrayOf(Gen.Frequency(
        (3, Page.Select(p => (Op)new GuestRead(p))),
        (2, Gen.Zip(Page, Value).Select(t => (Op)new GuestWrite(t.Item1, t.Item2))),
        (1, Gen.ArrayOf(Gen.Zip(Page, Value).Select(t => (t.Item1, t.Item2))).Select(w => (Op)new ReinitThenHostWrites(w)))));

    /// <summary>Shrinks by dropping one operation at a time, so a failure reports a minimal program.</summary>
    private static IEnumerable<Op[]> Shrink(Op[] program) =>
        Enumerable.Range(0, program.Length).Select(i => program.Where((_, j) => j != i).ToArray());

    private static Arbitrary<Op[]> Programs => Arb.From(ProgramGen, Shrink);

    /// <summary>
    /// Runs the program; returns the first guest read that does not return the newest value written to its page,
    /// with the values the page held before (0 first) and who wrote the newest. Null when every read is fresh.
    /// </summary>
    private static StaleRead? FirstStaleRead(HostPolicy policy, Op[] program)
    {
        // LDR X2, [X1]; B . ; STR X2, [X1]; B .
        using var rig = new KvmRig(new[] { LdrX(2, 1), B(0), StrX(2, 1), B(0) }, new VmmOptions { Policy = policy });
        rig.Caches!.FlushAll();                                  // the program itself starts at PoC, as after firmware
        var history = Enumerable.Range(0, PageCount).Select(_ => new List<(ulong Value, string Writer)> { (0, "initial") }).ToArray();
        for (int i = 0; i < program.Length; i++)
        {
            switch (program[i])
            {
                case GuestRead r:
                    rig.Vcpu.Pc = LoadCode;
                    rig.Vcpu.SetX(1, PageAddress(r.Page));
                    rig.Vcpu.Run(8);
                    var h = history[r.Page];
                    if (rig.Vcpu.GetX(2) != h[^1].Value)
                        return new StaleRead($"op {i}: guest read of page {r.Page}", PageAddress(r.Page), rig.Vcpu.GetX(2),
                            h[^1].Value, h[^1].Writer, h.Take(h.Count - 1).Select(x => x.Value).ToArray());
                    break;
                case GuestWrite w:
                    rig.Vcpu.Pc = StoreCode;
                    rig.Vcpu.SetX(1, PageAddress(w.Page));
                    rig.Vcpu.SetX(2, w.Value);
                    rig.Vcpu.Run(8);
                    history[w.Page].Add((w.Value, Guest));
                    break;
                case ReinitThenHostWrites hw:
                    rig.Vcpu.Init();
                    foreach (var (p, v) in hw.Writes)
                    {
                        rig.WriteGuest64(PageAddress(p), v);
                        history[p].Add((v, Vmm));
                    }
                    break;
            }
        }
        return null;
    }

    private const string Guest = "guest", Vmm = "VMM";
    private static ulong PageAddress(int page) => Pages + ((ulong)page << 12);

    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true);

    [Fact]
    public void H1_H2_H3_AfterReinitTheMmuOffGuestAlwaysSeesTheNewestData()
    {
        Check.One(Cases, Prop.ForAll(Programs, program => FirstStaleRead(HostPolicy.Kvm, program) is null));
    }

    /// <summary>
    /// Without the unmap (H1) or the fault-time clean (H3) the VMM's write stays in its cache while the MMU-off guest
    /// reads memory: the counterexample must be a guest read that returns an older value of the page while the newest
    /// value was written by the VMM. An exception inside the property fails the test.
    /// </summary>
    [Theory]
    [InlineData("no-cmo-on-fault")]
    [InlineData("no-unmap-on-init")]
    public void H1_H3_WithoutTheUnmapOrTheCleanFsCheckFindsAStaleRead(string policy)
    {
        var found = NegativeProperty.RequireStaleRead(Cases, Programs, program => FirstStaleRead(HostPolicy.Parse(policy), program));
        _output.WriteLine(found.Report);
        _output.WriteLine(found.Witness.ToString());
        Assert.Equal(Vmm, found.Witness.FreshWriter);
        Assert.StartsWith("op " + (found.Input.Length - 1) + ": guest read", found.Witness.Location);   // shrunk: the read ends it
    }
}
