using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.TestSupport;

/// <summary>
/// A counterexample of a negative property that is a stale read: the read of <see cref="Address"/> (described by
/// <see cref="Location"/>) returned <see cref="Observed"/> while the newest value written there was
/// <see cref="Fresh"/>, written by <see cref="FreshWriter"/>. <see cref="Older"/> lists the values the address held
/// before <see cref="Fresh"/>, oldest first (the initial value included).
/// </summary>
public sealed record StaleRead(string Location, ulong Address, ulong Observed, ulong Fresh, string FreshWriter,
    IReadOnlyList<ulong> Older)
{
    public override string ToString() =>
        $"{Location} at 0x{Address:X} read 0x{Observed:X}, newest is 0x{Fresh:X} (written by {FreshWriter}); " +
        $"older values [{string.Join(", ", Older.Select(v => $"0x{v:X}"))}]";
}

/// <summary>A counterexample FsCheck found and shrank, with the witness the property recorded for it.</summary>
public sealed record Counterexample<T, TWitness>(T Input, TWitness Witness, string Report);

/// <summary>
/// Negative properties: FsCheck must find a counterexample, and the counterexample must be the failure the test
/// names. FsCheck reports an exception inside a property as "Falsifiable" just like a false result; here an
/// exception is never a counterexample — it fails the test, with the exception, even if it happened while shrinking.
/// </summary>
public static class NegativeProperty
{
    /// <summary>
    /// Runs the property <paramref name="findFailure"/> (null: the case holds; a witness: the case fails, and the
    /// witness says how) until FsCheck finds and shrinks a failing case. Returns the shrunk input and its witness.
    /// Fails when no case fails, or when the property throws.
    /// </summary>
    public static Counterexample<T, TWitness> RequireCounterexample<T, TWitness>(
        Config config, Arbitrary<T> cases, Func<T, TWitness?> findFailure) where TWitness : class
    {
        Exception? thrown = null;
        Counterexample<T, TWitness>? last = null;
        bool Holds(T input)
        {
            TWitness? witness;
            try { witness = findFailure(input); }
            catch (Exception e) { thrown ??= e; throw; }
            if (witness is null) return true;
            last = new Counterexample<T, TWitness>(input, witness, "");
            return false;
        }

        var report = Record.Exception(() => Check.One(config.WithRunner(Config.QuickThrowOnFailure.Runner), Prop.ForAll(cases, Holds)));
        if (thrown is not null)
            Assert.Fail($"The property threw {thrown.GetType().Name}: {thrown.Message} — an exception is never a counterexample.\n{thrown}");
        if (report is null) Assert.Fail($"FsCheck found no counterexample in {config.MaxTest} cases.");
        Assert.Contains("Falsifiable", report!.Message);
        Assert.NotNull(last);
        // Shrinking only moves to failing cases, so the last failing evaluation is the reported counterexample;
        // evaluating it again must give the same witness (the property is deterministic).
        Assert.Equal(last!.Witness.ToString(), findFailure(last.Input)?.ToString());
        return last with { Report = report.Message };
    }

    /// <summary>
    /// <see cref="RequireCounterexample"/> for a stale read: the observed value must be one the address held
    /// before the newest write (not garbage, not the newest value).
    /// </summary>
    public static Counterexample<T, StaleRead> RequireStaleRead<T>(Config config, Arbitrary<T> cases, Func<T, StaleRead?> findStale)
    {
        var found = RequireCounterexample(config, cases, findStale);
        var stale = found.Witness;
        Assert.True(stale.Observed != stale.Fresh && stale.Older.Contains(stale.Observed),
            $"The counterexample is not a stale read: {stale}");
        return found;
    }
}
