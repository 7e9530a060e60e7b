using Arm64Vm.Cpu;
using Arm64Vm.Memory;

namespace Arm64Vm.Host;

/// <summary>
/// Reads guest memory by virtual address as a given PE's stage 1 sees it, without side effects (semihosting, traces).
/// With an IPA reader (the VMM's view of its memslots) the stage-1 output is resolved by the host, so pages the guest
/// has not touched yet (no stage-2 entry) can be read; without one the PE's full translation and its memory path are used.
/// </summary>
public sealed class GuestMemory
{
    private readonly Func<ulong, Span<byte>, bool>? _readIpa;

    public GuestMemory(Func<ulong, Span<byte>, bool>? readIpa = null) => _readIpa = readIpa;

    public bool TryRead(CpuCore cpu, ulong va, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            ulong a = va + (ulong)i;
            if (_readIpa != null)
            {
                if (!cpu.Mmu.TryTranslateStage1NoFault(a, AccessKind.Read, cpu.El, out ulong ipa)) return false;
                if (!_readIpa(ipa, destination.Slice(i, 1))) return false;
                continue;
            }
            if (!cpu.TryTranslateNoFault(a, AccessKind.Read, cpu.El, out ulong pa, out var attrs)) return false;
            if (!cpu.Memory.TryRead(cpu.Index, pa, 1, AccessKind.Read, attrs, out ulong v)) return false;
            destination[i] = (byte)v;
        }
        return true;
    }

    public bool TryReadU64(CpuCore cpu, ulong va, out ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        value = 0;
        if (!TryRead(cpu, va, b)) return false;
        value = BitConverter.ToUInt64(b);
        return true;
    }

    /// <summary>Reads a NUL-terminated string (at most maxLength bytes).</summary>
    public string? TryReadCString(CpuCore cpu, ulong va, int maxLength = 1 << 16)
    {
        var bytes = new List<byte>();
        Span<byte> one = stackalloc byte[1];
        for (int i = 0; i < maxLength; i++)
        {
            if (!TryRead(cpu, va + (ulong)i, one)) return null;
            if (one[0] == 0) break;
            bytes.Add(one[0]);
        }
        return System.Text.Encoding.Latin1.GetString(bytes.ToArray());
    }
}
