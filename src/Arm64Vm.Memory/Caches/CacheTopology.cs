namespace Arm64Vm.Memory.Caches;

/// <summary>One agent's view of the hierarchy, computed once from the configuration.</summary>
internal sealed class AgentView
{
    public required int Id { get; init; }
    public required string Name { get; init; }
    /// <summary>Cluster of the agent, or -1 for DMA masters.</summary>
    public int Cluster { get; init; } = -1;
    public bool NonCoherent { get; init; }
    public Cache? L1D { get; init; }
    public Cache? L1I { get; init; }
    /// <summary>L1D, L2, system cache: the caches data accesses look up, top to bottom.</summary>
    public Cache[] DataPath { get; set; } = Array.Empty<Cache>();
    /// <summary>L1I, L2, system cache.</summary>
    public Cache[] FetchPath { get; set; } = Array.Empty<Cache>();
    /// <summary>By domain (0 NSH, 1 ISH, 2 OSH): data caches of the domain that are not on DataPath, by ascending level.</summary>
    public Cache[][] Snoop { get; } = new Cache[3][];
    /// <summary>By domain: DataPath plus Snoop (what maintenance by address reaches), by ascending level.</summary>
    public Cache[][] Scope { get; } = new Cache[3][];
    /// <summary>By domain: instruction caches of the agents of the domain.</summary>
    public Cache[][] InstructionScope { get; } = new Cache[3][];
    /// <summary>
    /// Data caches an instruction fill must snoop with IDC=1: every data cache of the inner domain not on FetchPath,
    /// and the unified caches of FetchPath before PoU (the fill reads from PoU on). By ascending level.
    /// </summary>
    public Cache[] FetchSnoopIdc { get; set; } = Array.Empty<Cache>();
    /// <summary>Data caches an instruction fill must snoop with IDC=0 (those at or after PoU, not on FetchPath).</summary>
    public Cache[] FetchSnoopNoIdc { get; set; } = Array.Empty<Cache>();
    /// <summary>Index in FetchPath of the first cache at or after PoU (FetchPath.Length when PoU is memory).</summary>
    public int PouIndex { get; set; }
    public Action<ulong, int>? InstructionObserver { get; set; }
}

/// <summary>
/// Builds the cache instances and the per-agent paths and shareability domains of a <see cref="CacheConfig"/>.
/// Agents: CPUs 0..n-1, then the host, the coherent DMA master and the non-coherent DMA master.
/// </summary>
internal sealed class CacheTopology
{
    public CacheTopology(CacheConfig config)
    {
        config.Validate();
        Config = config;
        var caches = new List<Cache>();
        Cache Make(string name, int level, CacheKind kind, bool outer, CacheGeometry g) =>
            AddTo(caches, new Cache(caches.Count, name, level, kind, outer, g, config.Seed + (ulong)caches.Count * 0x9E37_79B9UL));

        Cache? slc = config.SystemCache != null ? Make("SLC", 3, CacheKind.Unified, true, config.SystemCache) : null;
        var l2s = new Cache[config.Clusters];
        Cache? sharedL2 = config.L2PerCluster ? null : Make("L2", 2, CacheKind.Unified, false, config.L2);
        for (int k = 0; k < config.Clusters; k++)
        {
            l2s[k] = sharedL2 ?? Make(config.Clusters == 1 ? "L2" : $"L2.{k}", 2, CacheKind.Unified, false, config.L2);
            l2s[k].Parent = slc;
            l2s[k].Inclusion = config.L2Inclusion;
        }
        if (slc != null)
            foreach (var l2 in l2s.Distinct()) slc.Children.Add(l2);

        var agents = new List<AgentView>();
        for (int cpu = 0; cpu < config.CpuCount; cpu++)
        {
            int cluster = cpu / config.CpusPerCluster;
            var l1i = Make($"L1I.{cpu}", 1, CacheKind.Instruction, false, config.L1I);
            var l1d = Make($"L1D.{cpu}", 1, CacheKind.Data, false, config.L1D);
            agents.Add(new AgentView { Id = cpu, Name = $"cpu{cpu}", Cluster = cluster, L1D = l1d, L1I = l1i });
        }
        var hostL1 = Make("L1D.host", 1, CacheKind.Data, false, config.L1D);
        agents.Add(new AgentView { Id = MemoryAgents.Host, Name = "host", Cluster = config.HostCluster, L1D = hostL1 });
        agents.Add(new AgentView { Id = MemoryAgents.CoherentDma, Name = "dma" });
        agents.Add(new AgentView { Id = MemoryAgents.NonCoherentDma, Name = "dma-nc", NonCoherent = true });

        foreach (var a in agents)
        {
            if (a.Cluster < 0) continue;
            var l2 = l2s[a.Cluster];
            foreach (var l1 in new[] { a.L1D, a.L1I })
            {
                if (l1 == null) continue;
                l1.Parent = l2;
                l2.Children.Add(l1);
            }
            a.DataPath = Path(a.L1D!);
            a.FetchPath = a.L1I != null ? Path(a.L1I) : Array.Empty<Cache>();
        }
        for (int i = 0; i < agents.Count; i++)
            foreach (var c in agents[i].DataPath.Concat(agents[i].FetchPath).Distinct()) c.Users.Add(i);

        // Inner shareable domains: sets of clusters.
        var innerOf = new int[config.Clusters];
        var domains = config.InnerDomains ?? new[] { Enumerable.Range(0, config.Clusters).ToArray() };
        for (int d = 0; d < domains.Count; d++) foreach (int k in domains[d]) innerOf[k] = d;

        int pouLevel = (int)config.PointOfUnification;
        for (int i = 0; i < agents.Count; i++)
        {
            var a = agents[i];
            for (int dom = 0; dom < 3; dom++)
            {
                var members = new List<AgentView>();
                foreach (var b in agents)
                {
                    if (b.NonCoherent) continue;
                    bool inDomain = dom switch
                    {
                        0 => b == a,
                        1 => b == a || (a.Cluster >= 0 && b.Cluster >= 0 && innerOf[b.Cluster] == innerOf[a.Cluster]),
                        _ => true,
                    };
                    if (inDomain) members.Add(b);
                }
                if (a.NonCoherent) members.Clear();
                var data = members.SelectMany(b => b.DataPath).Distinct().ToList();
                a.Snoop[dom] = data.Where(c => !a.DataPath.Contains(c)).OrderBy(c => c.Level).ThenBy(c => c.Id).ToArray();
                a.Scope[dom] = data.Union(a.DataPath).OrderBy(c => c.Level).ThenBy(c => c.Id).ToArray();
                a.InstructionScope[dom] = members.Where(b => b.L1I != null).Select(b => b.L1I!).ToArray();
            }
            // C8: with IDC=1 a fill must see the newest data of every data cache of the inner domain above PoU. That
            // includes the unified levels of the fetch path itself that lie before PoU (the L2 when PoU is the system
            // cache): the fill reads from PoU on, so their dirty data is pushed down first, as a DC CVAU would.
            var offPath = a.Scope[1].Where(c => !a.FetchPath.Contains(c)).ToArray();
            a.FetchSnoopIdc = a.Scope[1]
                .Where(c => !a.FetchPath.Contains(c) || (c.Kind != CacheKind.Instruction && c.Level < pouLevel))
                .ToArray();
            a.FetchSnoopNoIdc = offPath.Where(c => c.Level >= pouLevel).ToArray();
            int p = 0;
            while (p < a.FetchPath.Length && a.FetchPath[p].Level < pouLevel) p++;
            a.PouIndex = p;
        }

        Caches = caches;
        Agents = agents.ToArray();
        L2s = l2s;
        SystemCache = slc;
    }

    public CacheConfig Config { get; }
    public IReadOnlyList<Cache> Caches { get; }
    public AgentView[] Agents { get; }
    public Cache[] L2s { get; }
    public Cache? SystemCache { get; }

    private static Cache AddTo(List<Cache> list, Cache c) { list.Add(c); return c; }

    private static Cache[] Path(Cache first)
    {
        var path = new List<Cache>();
        for (Cache? c = first; c != null; c = c.Parent) path.Add(c);
        return path.ToArray();
    }
}
