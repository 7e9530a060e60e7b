// ldst-loop-mmu: the ldst-loop benchmark (ldst-loop.S, included below) with the MMU and caches on over an identity
// map, for the MMU-on vs MMU-off comparison.
    .set LDST_LOOP_MMU, 1

    .include "flat-mmu.inc"

// MMU and caches on over the identity map of flat-mmu.inc: [0, 1 GiB) Device-nGnRE, [1 GiB, 2 GiB) Normal WB.
.macro mmu_on
    flat_mmu_on l1_table
.endm

    .include "ldst-loop.S"

    .section .data
    .balign 4096
l1_table:
    .fill 512, 8, 0
