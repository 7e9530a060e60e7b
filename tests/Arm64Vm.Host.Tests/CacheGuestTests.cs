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
    /// pmu-cache (the PMU's cache events, specs/deviations.md "PMU"): one load per line over the 64 lines of a page,
    /// cold then again. In `state` mode the counts follow the L1D geometry: the cold pass refills every line in the L1D
    /// and the L2; the warm pass hits every line in the L1D when the page stays there (fewer of its lines per set than
    /// ways, so a way is left for the few lines the guest's printing between the passes reads: its strings, literals
    /// and stack), and refills every line again from the L2 when it has more lines per set than ways (LRU: a sequential
    /// stride evicts each line before it comes round). With `--cache-model off` PMCEID0_EL0 advertises no cache event
    /// and the cache counters stay 0; MEM_ACCESS counts the 64 loads in both.
    /// </summary>
    [Theory]
    [InlineData("state", 32 * 1024, 2, true)]    // Cortex-A57's L1D: one line per set in a quarter of the sets
    [InlineData("state", 16 * 1024, 4, true)]    // 64 sets of 4 ways: one line of the page per set, three ways spare
    [InlineData("state", 2 * 1024, 1, false)]    // 32 sets of 1 way: two lines per set
    [InlineData("state", 2 * 1024, 2, false)]    // 16 sets of 2 ways: four lines per set
    [InlineData("state", 1 * 1024, 1, false)]    // 16 sets of 1 way: four lines per set
    [InlineData("off", 32 * 1024, 2, true)]
    public void PmuCacheEventsFollowTheL1dGeometry(string model, int l1dBytes, int l1dWays, bool pageStaysInL1d)
    {
        var l1d = new CacheGeometry(l1dBytes, l1dWays);
        var (output, outcome) = GuestRunner.Run(GuestRunner.PathOf("tests/guests/bin/pmu-cache.elf"), MaxInstructions, new VmmOptions
        {
            CacheModel = CacheModel.Parse(model),
            Caches = CacheConfig.CortexA57(1) with { L1D = l1d },
        });
        Assert.True(outcome.Reason == StopReason.SystemOff, outcome.Message);
        const int lines = 4096 / CacheConfig.LineSize;
        int sets = l1d.Sets(CacheConfig.LineSize);
        int perSet = (lines + sets - 1) / sets;                       // the page's lines are contiguous
        Assert.True(pageStaysInL1d ? perSet < l1dWays : perSet > l1dWays, $"{perSet} lines per set in {l1dWays} ways");
        int warmRefills = pageStaysInL1d ? 0 : lines;
        bool state = model == "state";
        static string Counts(int l1dRefill, int l1d, int l2d, int l2dRefill) =>
            $" L1D_CACHE_REFILL {l1dRefill} L1D_CACHE {l1d} L2D_CACHE {l2d} L2D_CACHE_REFILL {l2dRefill} MEM_ACCESS {lines} L1D_CACHE_WB 0\n";
        string expected =
            $"pmu-cache: PMCEID0_EL0 cache events {(state ? "0000000001f0001a" : "0000000000000000")}\n" +
            "cold pass:" + (state ? Counts(lines, lines, lines, lines) : Counts(0, 0, 0, 0)) +
            "warm pass:" + (state ? Counts(warmRefills, lines, warmRefills, 0) : Counts(0, 0, 0, 0));
        Assert.Equal(expected, output);
    }

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
