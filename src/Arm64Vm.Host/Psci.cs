namespace Arm64Vm.Host;

/// <summary>PSCI function ids and return codes (Arm DEN 0022, PSCI 1.1), as called over HVC with the SMCCC.</summary>
public static class Psci
{
    public const uint Version = 0x8400_0000;
    public const uint CpuSuspend32 = 0x8400_0001, CpuSuspend64 = 0xC400_0001;
    public const uint CpuOff = 0x8400_0002;
    public const uint CpuOn32 = 0x8400_0003, CpuOn64 = 0xC400_0003;
    public const uint AffinityInfo32 = 0x8400_0004, AffinityInfo64 = 0xC400_0004;
    public const uint MigrateInfoType = 0x8400_0006;
    public const uint SystemOff = 0x8400_0008;
    public const uint SystemReset = 0x8400_0009;
    public const uint Features = 0x8400_000A;
    /// <summary>SMCCC_VERSION (Arm DEN 0028): answered so guests can probe the calling convention.</summary>
    public const uint SmcccVersion = 0x8000_0000;

    public const long Success = 0, NotSupported = -1, InvalidParameters = -2, Denied = -3, AlreadyOn = -4,
        OnPending = -5, InternalFailure = -6, NotPresent = -7, Disabled = -8, InvalidAddress = -9;

    /// <summary>PSCI 1.1 (major 1 in [31:16], minor 1 in [15:0]).</summary>
    public const ulong VersionValue = 0x0001_0001;

    /// <summary>MIGRATE_INFO_TYPE: 2 = no Trusted OS needing migration.</summary>
    public const ulong NoTrustedOs = 2;

    public static bool IsImplemented(uint function) => function switch
    {
        Version or CpuSuspend32 or CpuSuspend64 or CpuOff or CpuOn32 or CpuOn64 or AffinityInfo32 or AffinityInfo64
            or MigrateInfoType or SystemOff or SystemReset or Features => true,
        _ => false,
    };
}
