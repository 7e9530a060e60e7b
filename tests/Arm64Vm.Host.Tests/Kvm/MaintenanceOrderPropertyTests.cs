using Arm64Vm.Host.Kvm;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
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

    /// <summary>True when every guest read returned the newest value written to its page.</summary>
    private static bool NoStaleRead(HostPolicy policy, Op[] program)
    {
        // LDR X2, [X1]; B . ; STR X2, [X1]; B .
        using var rig = new KvmRig(new[] { LdrX(2, 1), B(0), StrX(2, 1), B(0) }, new VmmOptions { Policy = policy });
        rig.Caches!.FlushAll();                                  // the program itself starts at PoC, as after firmware
        var model = new ulong[PageCount];
        foreach (var op in program)
        {
            switch (op)
            {
                case GuestRead r:
                    rig.Vcpu.Pc = LoadCode;
                    rig.Vcpu.SetX(1, Pages + ((ulong)r.Page << 12));
                    rig.Vcpu.Run(8);
                    if (rig.Vcpu.GetX(2) != model[r.Page]) return false;
                    break;
                case GuestWrite w:
                    rig.Vcpu.Pc = StoreCode;
                    rig.Vcpu.SetX(1, Pages + ((ulong)w.Page << 12));
                    rig.Vcpu.SetX(2, w.Value);
                    rig.Vcpu.Run(8);
                    model[w.Page] = w.Value;
                    break;
                case ReinitThenHostWrites h:
                    rig.Vcpu.Init();
                    foreach (var (p, v) in h.Writes)
                    {
                        rig.WriteGuest64(Pages + ((ulong)p << 12), v);
                        model[p] = v;
                    }
                    break;
            }
        }
        return true;
    }

    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true);

    [Fact]
    public void H1_H2_H3_AfterReinitTheMmuOffGuestAlwaysSeesTheNewestData()
    {
        Check.One(Cases, Prop.ForAll(Programs, program => NoStaleRead(HostPolicy.Kvm, program)));
    }

    [Theory]
    [InlineData("no-cmo-on-fault")]
    [InlineData("no-unmap-on-init")]
    public void H1_H3_WithoutTheUnmapOrTheCleanFsCheckFindsAStaleRead(string policy)
    {
        var failure = Assert.ThrowsAny<Exception>(() =>
            Check.One(Cases, Prop.ForAll(Programs, program => NoStaleRead(HostPolicy.Parse(policy), program))));
        Assert.Contains("Falsifiable", failure.Message);
    }
}
