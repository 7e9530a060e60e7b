using Arm64Vm.TestSupport;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using Xunit.Sdk;

namespace Arm64Vm.Memory.Tests;

/// <summary>
/// The meta-tests of <see cref="NegativeProperty"/>: it accepts only a real counterexample of the named kind. A
/// property that throws (which FsCheck alone reports as "Falsifiable") must make it fail.
/// </summary>
public class NegativePropertyTests
{
    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(200).WithQuietOnSuccess(true);
    private static Arbitrary<int> Ints => Arb.From(Gen.Choose(0, 1000), x => x > 0 ? new[] { x / 2, x - 1 } : Array.Empty<int>());

    /// <summary>A "memory" whose reads of address x return a stale value for x at or above 100.</summary>
    private static StaleRead? StaleAbove100(int x) =>
        x >= 100 ? new StaleRead($"read {x}", (ulong)x, 1, 2, "write 2", new ulong[] { 0, 1 }) : null;

    [Fact]
    public void ARealStaleReadIsReturnedShrunkWithItsWitness()
    {
        var found = NegativeProperty.RequireStaleRead(Cases, Ints, StaleAbove100);
        Assert.Equal(100, found.Input);                      // shrunk to the smallest failing case
        Assert.Equal(100UL, found.Witness.Address);
        Assert.Contains("Falsifiable", found.Report);
    }

    [Fact]
    public void APropertyThatThrowsFailsTheHelper()
    {
        var e = Assert.ThrowsAny<XunitException>(() =>
            NegativeProperty.RequireStaleRead<int>(Cases, Ints, x => throw new InvalidOperationException("model crashed")));
        Assert.Contains("never a counterexample", e.Message);
        Assert.Contains("model crashed", e.Message);
    }

    [Fact]
    public void AnExceptionMetWhileShrinkingARealCounterexampleStillFailsTheHelper()
    {
        // Fails (stale) at or above 100, throws between 50 and 99: shrinking from a stale case reaches the throw.
        var e = Assert.ThrowsAny<XunitException>(() => NegativeProperty.RequireStaleRead(Cases, Ints,
            x => x is >= 50 and < 100 ? throw new IndexOutOfRangeException("bad index") : StaleAbove100(x)));
        Assert.Contains("never a counterexample", e.Message);
        Assert.Contains("bad index", e.Message);
    }

    [Fact]
    public void APropertyThatAlwaysHoldsFailsTheHelper()
    {
        var e = Assert.ThrowsAny<XunitException>(() => NegativeProperty.RequireStaleRead<int>(Cases, Ints, _ => null));
        Assert.Contains("no counterexample", e.Message);
    }

    [Fact]
    public void AFailureThatIsNotAStaleValueFailsTheHelper()
    {
        // The read returned a value the address never held: a corruption, not the stale read the test names.
        var e = Assert.ThrowsAny<XunitException>(() => NegativeProperty.RequireStaleRead(Cases, Ints,
            x => x >= 100 ? new StaleRead("read", (ulong)x, 0xDEAD, 2, "write 2", new ulong[] { 0, 1 }) : null));
        Assert.Contains("not a stale read", e.Message);
    }
}
