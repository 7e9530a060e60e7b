using Arm64Vm.Memory.Caches;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Memory.Tests;

/// <summary>
/// LRU-1: LRU replacement evicts the least recently used line of the set, on the hit paths' stamps as well. One CPU reads and writes (Normal WB) a random mix of
/// 48 lines over an L1D of 4 sets (1, 2, 4 ways) whose non-inclusive L2 holds them all, so only the L1D's own
/// replacement evicts from it; a reference list per set (most recently used first) predicts its contents after
/// every access.
/// </summary>
public class LruOrderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void LRU1_ReplacementEvictsTheLeastRecentlyUsedLineOfTheSet(int ways)
    {
        var config = new CacheConfig
        {
            Clusters = 1,
            CpusPerCluster = 1,
            L1I = new CacheGeometry(256, 2),
            L1D = new CacheGeometry(4 * ways * 64, ways),
            L2 = new CacheGeometry(16 * 1024, 4),
            L2Inclusion = InclusionPolicy.NonInclusive,
            SystemCache = null,
        };
        using var f = new ModelFixture(config);
        var wb = MemoryAttributes.NormalWriteBackInnerShareable;
        var l1 = f.Model.DataCacheOf(0, 1)!;
        var lru = new List<ulong>[4];
        for (int s = 0; s < 4; s++) lru[s] = new List<ulong>();
        var rng = new Random(ways);
        int evictions = 0;
        for (int n = 0; n < 5000; n++)
        {
            ulong pa = ModelFixture.RamBase + (ulong)rng.Next(48) * 64 + (ulong)rng.Next(8) * 8;
            ulong line = pa >> 6;
            if (rng.Next(2) == 0) Assert.True(f.Model.TryWrite(0, pa, 8, AccessKind.Write, wb, (ulong)n));
            else Assert.True(f.Model.TryRead(0, pa, 8, AccessKind.Read, wb, out _));
            var set = lru[(int)line & 3];
            set.Remove(line);
            set.Insert(0, line);
            if (set.Count > ways)
            {
                set.RemoveAt(ways);
                evictions++;
            }
            for (int s = 0; s < 4; s++)
            {
                var held = Enumerable.Range(s * ways, ways).Select(l1.TagOf).Where(t => t != Cache.InvalidTag).Order();
                Assert.Equal(lru[s].Order(), held);
            }
        }
        Assert.True(evictions > 1000, $"{evictions}");
    }

    /// <summary>
    /// LRU-1 with per-set clocks, as a property: random programs (reads and writes of one CPU, Normal WB, any 8-byte
    /// aligned address of the 64 KiB RAM, on L1Ds of 1, 2 or 4 ways over a 4 KiB 4-way non-inclusive L2) keep the L1D
    /// and the L2 in the order of reference lists per set after every access: an access moves its line to the front of
    /// its L1D set; an L1D miss moves it to the front of its L2 set too (hit or fill). Each list holds at most the
    /// set's ways, the least recently used line dropping out (the victim).
    /// </summary>
    [Fact]
    public void LRU1_RandomProgramsKeepEverySetInLruOrder()
    {
        const int ramLines = 64 * 1024 / 64;
        var access = from line in Gen.Choose(0, ramLines - 1)
                     from word in Gen.Choose(0, 7)
                     from write in Gen.Elements(false, true)
                     select (Line: line, Word: word, Write: write);
        // Few distinct lines per program too, so sets fill up, hit and evict (a full-range line alone rarely repeats).
        var program = from ways in Gen.Elements(1, 2, 4)
                      from lines in Gen.Choose(1, 64)
                      from stride in Gen.Choose(1, ramLines - 1)
                      from first in Gen.Choose(0, ramLines - 1)
                      from ops in Gen.ListOf(from a in access from near in Gen.Elements(false, true, true)
                                             select near ? a with { Line = (first + a.Line % lines * stride) % ramLines } : a)
                      select (Ways: ways, Ops: ops.ToArray());
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true), Prop.ForAll(Arb.From(program), p =>
        {
            var config = new CacheConfig
            {
                Clusters = 1,
                CpusPerCluster = 1,
                L1I = new CacheGeometry(256, 2),
                L1D = new CacheGeometry(4 * p.Ways * 64, p.Ways),
                L2 = new CacheGeometry(4 * 1024, 4),
                L2Inclusion = InclusionPolicy.NonInclusive,
                SystemCache = null,
            };
            using var f = new ModelFixture(config);
            var wb = MemoryAttributes.NormalWriteBackInnerShareable;
            var l1 = f.Model.DataCacheOf(0, 1)!;
            var l2 = f.Model.DataCacheOf(0, 2)!;
            var ref1 = Enumerable.Range(0, l1.Sets).Select(_ => new List<ulong>()).ToArray();
            var ref2 = Enumerable.Range(0, l2.Sets).Select(_ => new List<ulong>()).ToArray();
            ulong n = 0;
            foreach (var (lineNo, word, write) in p.Ops)
            {
                ulong pa = ModelFixture.RamBase + (ulong)lineNo * 64 + (ulong)word * 8;
                ulong line = pa >> 6;
                bool miss = !ref1[(int)line & l1.SetMask].Contains(line);
                if (write) Assert.True(f.Model.TryWrite(0, pa, 8, AccessKind.Write, wb, n++));
                else Assert.True(f.Model.TryRead(0, pa, 8, AccessKind.Read, wb, out _));
                Use(ref1[(int)line & l1.SetMask], line, l1.Ways);
                if (miss) Use(ref2[(int)line & l2.SetMask], line, l2.Ways);
                if (!Holds(l1, ref1) || !Holds(l2, ref2)) return false;
            }
            return true;
        }));

        static void Use(List<ulong> set, ulong line, int ways)
        {
            set.Remove(line);
            set.Insert(0, line);
            if (set.Count > ways) set.RemoveAt(ways);
        }

        // The cache holds exactly the reference's lines of each set, and its victim for a new line of a full set is
        // the reference's least recently used one. The set's most recently used line holds the largest stamp of all
        // its ways, valid or not (the two-way hit path tells it by that alone, L1Hint.TouchHit).
        static bool Holds(Cache c, List<ulong>[] sets)
        {
            for (int s = 0; s < c.Sets; s++)
            {
                var held = Enumerable.Range(s * c.Ways, c.Ways).Select(c.TagOf).Where(t => t != Cache.InvalidTag).Order();
                if (!sets[s].Order().SequenceEqual(held)) return false;
                if (sets[s].Count == c.Ways && c.TagOf(c.ChooseVictim((ulong)s)) != sets[s][^1]) return false;
                if (sets[s].Count == 0) continue;
                int mru = Enumerable.Range(s * c.Ways, c.Ways).First(i => c.TagOf(i) == sets[s][0]);
                for (int i = s * c.Ways; i < (s + 1) * c.Ways; i++)
                    if (i != mru && c.Lines[i].Stamp >= c.Lines[mru].Stamp) return false;
            }
            return true;
        }
    }
}
