// ldst-loop-mmu: the ldst-loop benchmark (ldst-loop.S, included below) with the MMU and caches on over an identity
// map, for the MMU-on vs MMU-off comparison of issue #3.
    .set LDST_LOOP_MMU, 1

.macro mmu_on
    // --- MMU on: 4 KiB granule, T0SZ=25 (39-bit VA, walk starts at level 1), identity 1 GiB blocks:
    //     [0, 1 GiB) Device-nGnRE (attr 1: UART), [1 GiB, 2 GiB) Normal WB inner shareable (attr 0: RAM).
    adr     x0, l1_table
    mov     x1, #0x405                  // block, AttrIndx=1, AF
    str     x1, [x0]
    ldr     x1, =0x40000701             // block at 1 GiB, AttrIndx=0, SH=inner, AF
    str     x1, [x0, #8]
    ldr     x1, =0x04FF                 // MAIR: attr0 = 0xFF (Normal WB RW-alloc), attr1 = 0x04 (Device-nGnRE)
    msr     mair_el1, x1
    ldr     x1, =0x80803519             // TCR: T0SZ=25, IRGN0/ORGN0=WB, SH0=inner, TG0=4K, EPD1, IPS=32 bits
    msr     tcr_el1, x1
    msr     ttbr0_el1, x0
    isb
    tlbi    vmalle1
    dsb     sy
    isb
    mrs     x1, sctlr_el1
    ldr     x2, =0x1005                 // M, C, I
    orr     x1, x1, x2
    msr     sctlr_el1, x1
    isb
.endm

    .include "ldst-loop.S"

    .section .data
    .balign 4096
l1_table:
    .fill 512, 8, 0
