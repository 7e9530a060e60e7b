using Arm64Vm.Memory.Caches;
using Xunit;

namespace Arm64Vm.Host.Tests;

/// <summary>
/// The cache guests (kind "model" in tests/guests/manifest.txt: QEMU has no caches, so nothing can be recorded) run
/// as `arm64vm run --cache-model state|off [--features idc,dic,fwb]` runs them (on the VMM's stage 2), and print the
/// outcome the architecture and the configuration decide (specs/coherence-invariants.md):
/// <list type="bullet">
/// <item>cache-alias-nc/-mmuoff: with the data-holding model each mismatched-attribute case without its documented
/// maintenance is stale (a non-cacheable read that hits a cached line returns memory: the default policy) and fresh
/// with it; with flat coherent memory everything is fresh (which is also what QEMU prints). With FEAT_S2FWB the
/// host's stage 2 forces Normal WB whatever stage 1 says, so the "non-cacheable" views are cacheable too and
/// everything is fresh.</item>
/// <item>smc-ctr: the documented sequence always runs the new code; leaving IC IVAU out runs the old code unless
/// CTR_EL0.DIC = 1, leaving DC CVAU out unless CTR_EL0.IDC = 1 (FWB implies IDC); with flat memory the new code
/// always runs.</item>
/// <item>slot-self-overwrite, slot-own-line, slot-evict-own (kind "test": QEMU recorded them) print what QEMU printed in
/// every configuration: an instruction whose own store resets its pre-decoded copy (a store over itself that reaches
/// memory; a store into its own line with DIC=1; a store whose allocation evicts its own line from the inclusive L2,
/// and so from the L1I) still completes as fetched. Each configuration below makes at least one of them reach that
/// reset; before the run loop executed a copy of the slot they printed "writeback +0".</item>
/// </list>
/// </summary>
public class CacheGuestTests
{
    private const ulong MaxInstructions = 5_000_000;

    private static readonly string[] Models = { "state", "off" };
    private static readonly string[] FeatureSets = { "", "idc", "dic", "idc,dic", "fwb", "fwb,dic" };

    public static TheoryData<string, string> Configurations()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in Models)
            foreach (var features in FeatureSets)
                data.Add(model, features);
        return data;
    }

    /// <summary>The case lines of cache-alias.inc, and whether the case performs the documented maintenance.</summary>
    private static readonly (string Line, bool Maintained)[] AliasCases =
    {
        ("a cacheable write, NC read, no maintenance", false),
        ("a cacheable write, NC read, DC CIVAC", true),
        ("b NC write, cacheable read of a cached line, no maintenance", false),
        ("b NC write, cacheable read of a cached line, DC IVAC", true),
        ("c dirty line evicted by conflicts after an NC write, no maintenance", false),
        ("c dirty line evicted by conflicts after an NC write, DC CIVAC first", true),
        ("c dirty line cleaned by DC CISW after an NC write, no maintenance", false),
        ("c dirty line cleaned by DC CISW after an NC write, DC CIVAC first", true),
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void NormalNcAliasSeesStaleDataExactlyWithoutMaintenance(string model, string features) =>
        Assert.Equal(
            "cache-alias-nc: non-cacheable view = Normal-NC alias (MMU on)\n" + AliasOutcomes(model == "state" && !features.Contains("fwb")),
            RunGuest("cache-alias-nc", model, features));

    [Theory]
    [MemberData(nameof(Configurations))]
    public void MmuOffAccessSeesStaleDataExactlyWithoutMaintenance(string model, string features) =>
        Assert.Equal(
            "cache-alias-mmuoff: non-cacheable view = MMU off (Device-nGnRnE)\n" + AliasOutcomes(model == "state" && !features.Contains("fwb")),
            RunGuest("cache-alias-mmuoff", model, features));

    /// <param name="mismatch">True when the two views really differ in cacheability (data-holding model, no FWB).</param>
    private static string AliasOutcomes(bool mismatch) =>
        string.Concat(AliasCases.Select(c => $"{c.Line}: {(mismatch && !c.Maintained ? "stale" : "fresh")}\n"));

    [Fact]
    public void UnexpectedHitPolicyReturnsTheCachedValueToTheNonCacheableRead()
    {
        // NonCacheableHitPolicy.ReturnCached (no CLI switch): case a's NC read hits the dirty line and sees the new
        // value; b (a cacheable read) and c (the line has left the caches when the NC read comes) do not change.
        var (output, outcome) = GuestRunner.Run(GuestRunner.PathOf("tests/guests/bin/cache-alias-nc.elf"), MaxInstructions,
            new VmmOptions { Caches = CacheConfig.CortexA57(1) with { NonCacheableHit = NonCacheableHitPolicy.ReturnCached } });
        Assert.Equal(StopReason.SystemOff, outcome.Reason);
        string expected = "cache-alias-nc: non-cacheable view = Normal-NC alias (MMU on)\n" + string.Concat(AliasCases.Select(c =>
            $"{c.Line}: {(c.Maintained || c.Line.StartsWith("a ", StringComparison.Ordinal) ? "fresh" : "stale")}\n"));
        Assert.Equal(expected, output);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void SelfModifyingCodeFollowsCtrIdcDic(string model, string features) =>
        Assert.Equal(SmcExpected(model == "state", features), RunGuest("smc-ctr", model, features));

    /// <summary>
    /// C8 with the point of unification at the system cache (16 KiB 4-way): the L2 is a unified level before PoU on
    /// the fetch path itself, and with IDC=1 (or FWB) fills must see what sits dirty there. Before the fill snooped
    /// it, smc-ctr with IDC=1 ran old code after the documented sequence and hello with FWB fetched zeros.
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("idc")]
    [InlineData("dic")]
    [InlineData("idc,dic")]
    [InlineData("fwb")]
    public void SelfModifyingCode_PoUAtTheSystemCache_FollowsCtrIdcDic(string features) =>
        Assert.Equal(SmcExpected(true, features), RunGuest("smc-ctr", "state", features + ",pou=slc"));

    [Theory]
    [InlineData("")]
    [InlineData("fwb")]
    [InlineData("idc")]
    public void Hello_PoUAtTheSystemCache_FetchesTheLoadedImage(string features) =>
        Assert.Equal("Hello from Arm64Vm\n", RunGuest("hello", "state", features + ",pou=slc"));

    private static string SmcExpected(bool state, string features)
    {
        // CTR_EL0 says what --features asked for in both models (flat memory is coherent either way).
        bool idc = features.Contains("idc") || features.Contains("fwb"), dic = features.Contains("dic");
        static string YesNo(bool b) => b ? "yes" : "no";
        string NewOld(bool fresh) => fresh ? "new" : "old";
        string expected =
            $"smc-ctr: CTR_EL0.IDC={(idc ? 1 : 0)} DIC={(dic ? 1 : 0)}\n" +
            "first call: version 1\n" +
            $"1 documented sequence [DC CVAU {YesNo(!idc)}, IC IVAU {YesNo(!dic)}]: new\n" +
            $"2 IC IVAU left out [DC CVAU {YesNo(!idc)}, IC IVAU no]: {NewOld(!state || dic)}\n" +
            $"3 DC CVAU left out [DC CVAU no, IC IVAU {YesNo(!dic)}]: {NewOld(!state || idc)}\n";
        return expected;
    }

    public static TheoryData<string, string, string> CodeSlotConfigurations()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var guest in new[] { "slot-self-overwrite", "slot-own-line", "slot-evict-own" })
        {
            foreach (var model in Models)
                foreach (var features in FeatureSets)
                    data.Add(guest, model, features);
            data.Add(guest, "state", "l2=4KiB/1");
            data.Add(guest, "state", "fwb,l2=4KiB/1");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CodeSlotConfigurations))]
    public void InstructionWhoseStoreResetsItsOwnDecodedSlotCompletesAsFetched(string guest, string model, string features) =>
        Assert.Equal(File.ReadAllText(GuestRunner.PathOf($"tests/guests/expected/{guest}.txt")), RunGuest(guest, model, features, 50_000_000));

    /// <summary>
    /// Runs a guest with the options `arm64vm run --cache-model MODEL --features FEATURES` passes to the VMM (plus
    /// "l2=4KiB/1": a 4 KiB direct-mapped L2; "pou=slc": a 16 KiB 4-way system cache that is the point of unification,
    /// as `--cache-config` gives them); asserts it powered off.
    /// </summary>
    private static string RunGuest(string name, string model, string features, ulong maxInstructions = MaxInstructions)
    {
        var (output, outcome) = GuestRunner.Run(GuestRunner.PathOf($"tests/guests/bin/{name}.elf"), maxInstructions, new VmmOptions
        {
            CacheModel = CacheModel.Parse(model),
            Caches = features.Contains("l2=4KiB/1") ? CacheConfig.CortexA57(1) with { L2 = new CacheGeometry(4096, 1) }
                : features.Contains("pou=slc") ? CacheConfig.CortexA57(1) with { SystemCache = new CacheGeometry(16 * 1024, 4), PointOfUnification = CachePoint.SystemCache }
                : null,
            Idc = features.Contains("idc"),
            Dic = features.Contains("dic"),
            Fwb = features.Contains("fwb"),
        });
        Assert.True(outcome.Reason == StopReason.SystemOff, $"{name} ({model} {features}): {outcome.Message}\n{output}");
        return output;
    }
}
