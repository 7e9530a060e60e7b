// dirty-log-migration: a guest that never stops writing, for live migration with dirty-page logging (H7). With its
// MMU and caches on (so the host's reads of guest RAM are coherent with its writes), it writes a deterministic
// pattern over PAGE_COUNT pages at PAGES, forever: step i (i = 1, 2, ...) stores the quad (i << 16) | page at
// PAGES + page * 4096 + slot * 8, where page = i mod 16 and slot = (i / 16) mod 512. Each step is seven instructions;
// the VMM stops it with instruction budgets. Prints one line when the loop starts.
// Addresses: PAGES = 0x4080_0000 .. 0x4081_0000 (16 pages); the step counter lives in x20 only.
    .include "scen.inc"
    .include "mmu.inc"

    .equ PAGE_COUNT, 16

    mmu_start
    print   s_loop
    ldr     x21, =PAGES
    mov     x20, #0
1:  add     x20, x20, #1
    and     x1, x20, #(PAGE_COUNT - 1)          // page
    ubfx    x2, x20, #4, #9                     // slot
    orr     x3, x1, x20, lsl #16                // value
    add     x4, x2, x1, lsl #9                  // quad index within PAGES
    str     x3, [x21, x4, lsl #3]
    b       1b
    .ltorg

    .section .rodata
s_banner: .asciz "dirty-log-migration: caches on\n"
s_loop:   .asciz "dirty-log-migration: writing 16 pages\n"
