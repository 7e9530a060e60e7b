// copy-loop-mmu: the copy-loop benchmark (copy-loop.S, included below) with the MMU and caches on over the identity
// map of flat-mmu.inc ([1 GiB, 2 GiB) Normal WB), for the MMU-on side of the off/state comparison.
    .set COPY_LOOP_MMU, 1

    .include "flat-mmu.inc"

.macro mmu_on
    flat_mmu_on l1_table
.endm

    .include "copy-loop.S"

    .section .data
    .balign 4096
l1_table:
    .fill 512, 8, 0
