namespace Arm64Vm.Devices.Virtio;

/// <summary>Device ids, status bits and transport-independent feature bits of the virtio 1.2 specification (sections 2.1, 5, 6).</summary>
public static class VirtioIds
{
    public const uint BlockDevice = 2, EntropySource = 4;

    // Device status field (virtio 1.2 section 2.1).
    public const uint Acknowledge = 1, Driver = 2, DriverOk = 4, FeaturesOk = 8, NeedsReset = 64, Failed = 128;

    // Reserved feature bits (virtio 1.2 section 6).
    public const int RingIndirectDesc = 28, RingEventIdx = 29, Version1 = 32, AccessPlatform = 33;
}
