namespace Arm64Vm.Host.Kvm;

/// <summary>
/// The host's page allocator as far as guest memory is concerned (H13): free 4 KiB host frames outside every memslot's
/// linear backing and the stage-2 table pool, handed out last-freed first (as a per-CPU free list does), so a frame a
/// swap-out frees is often the one the next swap-in gets. Nothing is cleaned on free or allocation: the frame's lines
/// stay wherever the caches hold them.
/// </summary>
public sealed class HostFramePool
{
    private readonly Stack<ulong> _free = new();

    /// <param name="pa">Start of the spare host RAM (4 KiB aligned).</param>
    /// <param name="size">Its size (whole pages).</param>
    public HostFramePool(ulong pa, ulong size)
    {
        if (((pa | size) & (Stage2PageTable.PageSize - 1)) != 0)
            throw new ArgumentException($"frame pool 0x{pa:X}+0x{size:X} is not in whole 4 KiB pages");
        for (ulong f = pa + size; f > pa;) _free.Push(f -= Stage2PageTable.PageSize);
    }

    public int FreeFrames => _free.Count;

    /// <summary>alloc_page: the most recently freed frame.</summary>
    public ulong Allocate() => _free.Count > 0
        ? _free.Pop()
        : throw new InvalidOperationException("the host is out of spare frames for guest pages");

    /// <summary>free_page: the frame goes back to the pool (its cached lines are not touched).</summary>
    public void Free(ulong frame) => _free.Push(frame);
}
