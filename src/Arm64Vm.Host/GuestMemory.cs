using Arm64Vm.Cpu;
using Arm64Vm.Memory;

namespace Arm64Vm.Host;

/// <summary>Reads guest memory by virtual address as a given PE sees it, without side effects (semihosting, traces).</summary>
public static class GuestMemory
{
    public static bool TryRead(CpuCore cpu, ulong va, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            ulong a = va + (ulong)i;
            if (!cpu.TryTranslateNoFault(a, AccessKind.Read, cpu.El, out ulong pa, out var attrs)) return false;
            if (!cpu.Memory.TryRead(cpu.Index, pa, 1, AccessKind.Read, attrs, out ulong v)) return false;
            destination[i] = (byte)v;
        }
        return true;
    }

    public static bool TryReadU64(CpuCore cpu, ulong va, out ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        value = 0;
        if (!TryRead(cpu, va, b)) return false;
        value = BitConverter.ToUInt64(b);
        return true;
    }

    /// <summary>Reads a NUL-terminated string (at most maxLength bytes).</summary>
    public static string? TryReadCString(CpuCore cpu, ulong va, int maxLength = 1 << 16)
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
