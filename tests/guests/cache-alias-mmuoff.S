// cache-alias-mmuoff: the mismatched-attribute cases of cache-alias.inc with the MMU switched off for the
// non-cacheable access (SCTLR_EL1.M = 0: EL1 data accesses are Device-nGnRnE, to memory), as firmware and boot code
// running before the MMU is on see memory.
// Kind "model" in manifest.txt: QEMU has no caches; the expected outputs per configuration are in
// tests/Arm64Vm.Host.Tests/CacheGuestTests.cs.
    .include "cache-alias.inc"

    .section .text
    .balign 4
// nc_read: x0 = PA -> x0 = the value read with the MMU off. Clobbers x9, x10.
nc_read:
    mov     x10, x30
    bl      mmu_off
    ldr     x0, [x0]
    bl      mmu_on
    mov     x30, x10
    ret
// nc_write: x0 = PA, x1 = value, written with the MMU off. Clobbers x9, x10.
nc_write:
    mov     x10, x30
    bl      mmu_off
    str     x1, [x0]
    bl      mmu_on
    mov     x30, x10
    ret

    .section .rodata
banner: .asciz "cache-alias-mmuoff: non-cacheable view = MMU off (Device-nGnRnE)\n"
