using System.Buffers.Binary;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Scenarios.Model;

namespace Arm64Vm.Scenarios.Running;

/// <summary>
/// Reads guest RAM for expectations and migration. The host view goes through the host's cacheable path in 8-byte
/// loads (what the VMM's memcpy/memcmp would do: it may fill host cache lines); the PoC view peeks at memory itself
/// and touches no cache.
/// </summary>
internal static class GuestMemoryReader
{
    public static void Read(Vm vm, ulong ipa, Span<byte> destination, MemoryView view)
    {
        var slot = vm.FindSlot(ipa) ?? throw new ArgumentOutOfRangeException(nameof(ipa), $"0x{ipa:X} is not guest RAM");
        ulong pa = slot.ToHostPa(ipa);
        if (view == MemoryView.Poc)
        {
            vm.Machine.Ram.Span(pa, destination.Length).CopyTo(destination);
            return;
        }
        Span<byte> word = stackalloc byte[8];
        ulong first = pa & ~7UL, end = pa + (ulong)destination.Length;
        for (ulong a = first; a < end; a += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(word, vm.Host.Read64(a));
            for (int i = 0; i < 8; i++)
            {
                ulong b = a + (ulong)i;
                if (b >= pa && b < end) destination[(int)(b - pa)] = word[i];
            }
        }
    }
}
