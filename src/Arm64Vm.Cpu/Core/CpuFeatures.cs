namespace Arm64Vm.Cpu;

/// <summary>
/// What this implementation provides. The ID registers are computed from these flags, so a feature is advertised
/// exactly when the flag says its instructions work.
/// </summary>
public sealed class CpuFeatures
{
    /// <summary>FEAT_LSE atomics (ID_AA64ISAR0_EL1.Atomic = 2).</summary>
    public bool Lse { get; set; } = true;
    /// <summary>CRC32/CRC32C instructions (ID_AA64ISAR0_EL1.CRC32 = 1).</summary>
    public bool Crc32 { get; set; } = true;
    /// <summary>Floating point and AdvSIMD (ID_AA64PFR0_EL1.FP/AdvSIMD = 0; 0xF when absent).</summary>
    public bool FpSimd { get; set; } = true;
    /// <summary>FEAT_AES: AESE/AESD/AESMC/AESIMC (ID_AA64ISAR0_EL1.AES = 1, or 2 with <see cref="Pmull"/>).</summary>
    public bool Aes { get; set; } = true;
    /// <summary>FEAT_PMULL: PMULL/PMULL2 with 64-bit elements (advertised together with AES).</summary>
    public bool Pmull { get; set; } = true;
    /// <summary>FEAT_SHA1: SHA1C/P/M/H/SU0/SU1 (ID_AA64ISAR0_EL1.SHA1 = 1).</summary>
    public bool Sha1 { get; set; } = true;
    /// <summary>FEAT_SHA256: SHA256H/H2/SU0/SU1 (ID_AA64ISAR0_EL1.SHA2 = 1).</summary>
    public bool Sha256 { get; set; } = true;
    /// <summary>Stage-1 translation granules implemented (ID_AA64MMFR0_EL1.TGran*).</summary>
    public bool Granule4K { get; set; } = true;
    public bool Granule16K { get; set; } = true;
    public bool Granule64K { get; set; } = true;
    /// <summary>
    /// FEAT_FWB advertised in ID_AA64MMFR2_EL1.FWB. Off by default, as on the Cortex-A57 QEMU models; the host layer
    /// turns it on for VMs that use HCR_EL2.FWB (which the emulated PE honours either way).
    /// </summary>
    public bool Fwb { get; set; }
    /// <summary>Physical address size in bits (ID_AA64MMFR0_EL1.PARange): 40 bits = 0b0010.</summary>
    public int PaBits { get; set; } = 40;
    /// <summary>Semihosting through HLT #0xF000 (an external debugger's service; on by default as in QEMU -semihosting).</summary>
    public bool Semihosting { get; set; } = true;
    /// <summary>CTR_EL0.IDC: data clean to PoU not required for instruction-to-data coherence.</summary>
    public bool Idc { get; set; }
    /// <summary>CTR_EL0.DIC: instruction invalidation to PoU not required for data-to-instruction coherence.</summary>
    public bool Dic { get; set; }
    /// <summary>log2(words) of the smallest D-cache and I-cache lines (CTR_EL0.DminLine/IminLine): 4 = 64 bytes.</summary>
    public int DminLine { get; set; } = 4;
    public int IminLine { get; set; } = 4;
    /// <summary>FEAT_DPB: DC CVAP (performed as DC CVAC; ID_AA64ISAR1_EL1.DPB = 1).</summary>
    public bool Dpb { get; set; } = true;
    /// <summary>DC ZVA block size as log2(words) (DCZID_EL0.BS): 4 = 64 bytes.</summary>
    public int DczBlockLog2Words { get; set; } = 4;
    /// <summary>FEAT_LRCPC: LDAPR/LDAPRB/LDAPRH (ID_AA64ISAR1_EL1.LRCPC = 1).</summary>
    public bool Lrcpc { get; set; } = true;
}
