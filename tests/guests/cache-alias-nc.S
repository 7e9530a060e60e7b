// cache-alias-nc: the mismatched-attribute cases of cache-alias.inc with a Normal non-cacheable alias: the MMU stays
// on and the non-cacheable view of the line is its second mapping (MAIR attr 0x44) at VA = PA + NC_ALIAS.
// Kind "model" in manifest.txt: QEMU has no caches; the expected outputs per configuration are in
// tests/Arm64Vm.Host.Tests/CacheGuestTests.cs.
    .include "cache-alias.inc"

    .section .text
    .balign 4
// nc_read: x0 = PA -> x0 = the value read through the Normal-NC alias. Clobbers x9.
nc_read:
    mov     x9, #NC_ALIAS
    add     x0, x0, x9
    ldr     x0, [x0]
    ret
// nc_write: x0 = PA, x1 = value, written through the Normal-NC alias. Clobbers x9.
nc_write:
    mov     x9, #NC_ALIAS
    add     x0, x0, x9
    str     x1, [x0]
    ret

    .section .rodata
banner: .asciz "cache-alias-nc: non-cacheable view = Normal-NC alias (MMU on)\n"
