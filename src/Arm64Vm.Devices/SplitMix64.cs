namespace Arm64Vm.Devices;

/// <summary>SplitMix64 (Steele, Lea, Flood 2014): a deterministic stream of words from one seed (virtio-rng's bytes,
/// the device tree's rng-seed and kaslr-seed).</summary>
public struct SplitMix64(ulong state)
{
    public ulong Next()
    {
        ulong z = state += 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return z ^ (z >> 31);
    }

    public uint Next32() => (uint)(Next() >> 32);
}
