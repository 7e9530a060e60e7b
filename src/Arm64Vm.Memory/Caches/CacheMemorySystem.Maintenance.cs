namespace Arm64Vm.Memory.Caches;

/// <summary>
/// Cache maintenance (Arm ARM D7.4): by address with the scope of the address's shareability domain, by set/way on
/// the executing agent's cache at one level only, and instruction-cache invalidation. Every operation completes
/// when issued.
/// </summary>
public sealed partial class CacheMemorySystem
{
    public void MaintainByAddress(int agent, CacheMaintenanceOp op, ulong pa, MemoryAttributes attributes)
    {
        var stats = Statistics.For(op);
        stats.Count++;
        var ram = Map.FindRam(pa);
        if (ram == null) return;              // maintenance of a non-RAM location has no effect
        var a = AgentOf(agent);
        ulong line = pa >> CacheConfig.LineShift;
        int cleaned = 0, invalidated = 0, bytes = 0;
        switch (op)
        {
            case CacheMaintenanceOp.DcCvac:
            case CacheMaintenanceOp.DcCvap:
            case CacheMaintenanceOp.DcCivac:
            case CacheMaintenanceOp.DcIvac:
            {
                bool clean = op != CacheMaintenanceOp.DcIvac;
                bool invalidate = op is CacheMaintenanceOp.DcCivac or CacheMaintenanceOp.DcIvac;
                var scope = a.Scope[DomainOf(attributes)];
                // Count the dirty copies the operation found (a copy made dirty by its own push is not counted again).
                if (clean) cleaned = DirtyIn(scope, line);
                bytes = cleaned * L;
                foreach (var c in scope)
                {
                    int i = c.Find(line);
                    if (i < 0) continue;
                    if (clean) WriteBack(c, i);
                    if (invalidate)
                    {
                        invalidated++;
                        bool lost = c.Lines[i].State == LineState.Dirty;
                        c.Drop(i);
                        if (EventSink != null) Emit(new CacheEvent(CacheEventKind.Invalidation, agent, pa, c.Name, op, DataLost: lost));
                    }
                }
                break;
            }
            case CacheMaintenanceOp.DcCvau:
            {
                // Clean to PoU in the inner shareable domain (a model simplification: PoU of LoUIS).
                int pou = (int)Caches.PointOfUnification;
                foreach (var c in a.Scope[1])
                {
                    if (c.Level >= pou) break;
                    int i = c.Find(line);
                    if (i >= 0 && c.Lines[i].State == LineState.Dirty) { cleaned++; bytes += WriteBack(c, i); }
                }
                break;
            }
            case CacheMaintenanceOp.IcIvau:
                foreach (var c in a.InstructionScope[1])
                {
                    int i = c.Find(line);
                    if (i < 0) continue;
                    invalidated++;
                    c.Drop(i);
                    NotifyInstructionRemoved(c, line);
                }
                break;
            default:
                throw new ArgumentException($"{op} is not a by-address operation", nameof(op));
        }
        stats.LinesCleaned += cleaned;
        stats.LinesInvalidated += invalidated;
        stats.DirtyBytesWrittenBack += bytes;
        if (EventSink != null)
            Emit(new CacheEvent(CacheEventKind.Maintenance, agent, pa, null, op, LinesCleaned: cleaned, LinesInvalidated: invalidated, DirtyBytes: bytes));
    }

    private static int DirtyIn(Cache[] scope, ulong line)
    {
        int n = 0;
        foreach (var c in scope)
        {
            int i = c.Find(line);
            if (i >= 0 && c.Lines[i].State == LineState.Dirty) n++;
        }
        return n;
    }

    public void MaintainBySetWay(int agent, CacheMaintenanceOp op, int level, int set, int way)
    {
        var stats = Statistics.For(op);
        stats.Count++;
        var c = DataCacheOf(agent, level);
        // The system cache is not reported in CLIDR_EL1, so set/way never reaches it (as on real systems).
        if (c == null || c.IsOuter || set < 0 || set >= c.Sets || way < 0 || way >= c.Ways) return;
        int i = set * c.Ways + way;
        if (c.Tags[i] == Cache.InvalidTag) return;
        ulong pa = c.Tags[i] << CacheConfig.LineShift;
        int cleaned = 0, invalidated = 0, bytes = 0;
        switch (op)
        {
            case CacheMaintenanceOp.DcCsw:
                if (c.Lines[i].State == LineState.Dirty) { cleaned++; bytes = WriteBack(c, i); }
                break;
            // Set/way operations act on the named cache only: no back-invalidation of the levels above, even for an
            // inclusive cache (they may hold the line on; a later write-back from them goes further down).
            case CacheMaintenanceOp.DcCisw:
                if (c.Lines[i].State == LineState.Dirty) { cleaned++; bytes = WriteBack(c, i); }
                invalidated++;
                c.Drop(i);
                break;
            case CacheMaintenanceOp.DcIsw:
                invalidated++;
                c.Drop(i);
                break;
            default:
                throw new ArgumentException($"{op} is not a set/way operation", nameof(op));
        }
        stats.LinesCleaned += cleaned;
        stats.LinesInvalidated += invalidated;
        stats.DirtyBytesWrittenBack += bytes;
        if (EventSink != null)
            Emit(new CacheEvent(CacheEventKind.Maintenance, agent, pa, c.Name, op, LinesCleaned: cleaned, LinesInvalidated: invalidated, DirtyBytes: bytes));
    }

    public void InvalidateInstructionCaches(int agent, bool broadcast)
    {
        var op = broadcast ? CacheMaintenanceOp.IcIalluis : CacheMaintenanceOp.IcIallu;
        var stats = Statistics.For(op);
        stats.Count++;
        var a = AgentOf(agent);
        int invalidated = 0;
        if (broadcast)
            foreach (var c in a.InstructionScope[1]) invalidated += InvalidateAll(c);
        else if (a.L1I != null)
            invalidated += InvalidateAll(a.L1I);
        stats.LinesInvalidated += invalidated;
        if (EventSink != null)
            Emit(new CacheEvent(CacheEventKind.Maintenance, agent, 0, null, op, LinesInvalidated: invalidated));
    }

    private int InvalidateAll(Cache c)
    {
        int n = 0;
        for (int i = 0; i < c.Lines.Length; i++)
        {
            if (c.Tags[i] == Cache.InvalidTag) continue;
            ulong line = c.Tags[i];
            c.Drop(i);
            NotifyInstructionRemoved(c, line);
            n++;
        }
        return n;
    }

    public bool ZeroBlock(int agent, ulong pa, int size, MemoryAttributes attributes)
    {
        Statistics.For(CacheMaintenanceOp.DcZva).Count++;
        for (int off = 0; off < size; off += 8)
            if (!TryWrite(agent, pa + (ulong)off, 8, AccessKind.Write, attributes, 0)) return false;
        return true;
    }
}
