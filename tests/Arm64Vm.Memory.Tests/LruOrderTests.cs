using Arm64Vm.Memory.Caches;
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
}
