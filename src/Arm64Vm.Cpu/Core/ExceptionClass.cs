namespace Arm64Vm.Cpu;

/// <summary>ESR_ELx.EC values (Arm ARM D24.2.40, ESR_EL1).</summary>
public static class ExceptionClass
{
    public const uint Unknown = 0x00;
    public const uint WfiWfe = 0x01;
    public const uint FpAccess = 0x07;
    public const uint IllegalState = 0x0E;
    public const uint Svc64 = 0x15;
    public const uint Hvc64 = 0x16;
    public const uint Smc64 = 0x17;
    public const uint SysReg64 = 0x18;
    public const uint InstructionAbortLowerEl = 0x20;
    public const uint InstructionAbortSameEl = 0x21;
    public const uint PcAlignment = 0x22;
    public const uint DataAbortLowerEl = 0x24;
    public const uint DataAbortSameEl = 0x25;
    public const uint SpAlignment = 0x26;
    public const uint FpException64 = 0x2C;
    public const uint SError = 0x2F;
    public const uint Brk64 = 0x3C;

    /// <summary>ESR value: EC in [31:26], IL in [25] (1 for every A64 instruction), ISS in [24:0].</summary>
    public static uint Esr(uint ec, uint iss, bool il = true) => (ec << 26) | (il ? 1u << 25 : 0) | (iss & 0x1FF_FFFF);
}

/// <summary>Fault status codes for DFSC/IFSC (Arm ARM D24.2.40).</summary>
public static class FaultStatus
{
    public static uint AddressSize(int level) => (uint)(0b000000 | (level & 3));
    public static uint Translation(int level) => (uint)(0b000100 | (level & 3));
    public static uint AccessFlag(int level) => (uint)(0b001000 | (level & 3));
    public static uint Permission(int level) => (uint)(0b001100 | (level & 3));
    public const uint SynchronousExternal = 0b010000;
    public static uint SynchronousExternalOnWalk(int level) => (uint)(0b010100 | (level & 3));
    public const uint Alignment = 0b100001;
    public const uint TlbConflict = 0b110000;
}
