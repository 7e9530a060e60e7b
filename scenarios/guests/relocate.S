// relocate: the reboot story of issues #5/#6. Boot 1 (MMU off) checks its table, copies its whole image to RELOC,
// jumps into the copy, overwrites the table on its original data page (a page of its own, not code) with the MMU
// off, and requests PSCI SYSTEM_RESET. The VMM restores the image through the host's cacheable path and re-inits the
// vCPU. Boot 2 (MMU off) reads the table again: "boot 2 ok" when it sees the restored words, "boot 2 stale" when it
// sees what boot 1 wrote (memory was never updated from the host's dirty cache lines).
// Addresses: table = 0x4008_1000 (64 quads; word i = TABLE_BASE + i * TABLE_STEP; boot 1 writes their complement),
// RELOC = 0x4060_0000, BOOT_INFO = 0x4050_0000 (scen.inc).
    .include "scen.inc"

    .equ TABLE_WORDS, 64
    .equ TABLE_BASE,  0x7ab1e00000000000
    .equ TABLE_STEP,  0x0000000100010001

    boot_start
    bl      check_table                 // x0 = words that differ, x1 = first index, x2 = its value
    cmp     x19, #1
    b.ne    later_boot

    // ---- boot 1 ----
    cbnz    x0, table_bad
    print   s_boot1_ok
    // Copy [_start, image_end) to RELOC. The MMU is off: the stores are Device-nGnRnE and reach memory.
    ldr     x0, =_start
    ldr     x1, =RELOC
    ldr     x2, =image_end
1:  ldp     x3, x4, [x0], #16
    stp     x3, x4, [x1], #16
    cmp     x0, x2
    b.lo    1b
    // The copy is new code: complete the stores, then discard any instructions cached for it (Arm ARM B2.4.4).
    dsb     sy
    ic      iallu
    dsb     sy
    isb
    adr     x0, relocated
    ldr     x1, =_start
    sub     x0, x0, x1
    ldr     x1, =RELOC
    add     x0, x0, x1
    br      x0

// From here on the code runs from the copy: only PC-relative references (adr, bl) and absolute constants from the
// literal pool (which now name the original image).
relocated:
    adr     x20, relocated
    print_hex s_running, x20
    // Overwrite the original table, still with the MMU off (straight to memory): word i becomes ~expected(i).
    ldr     x0, =table
    ldr     x3, =TABLE_BASE
    ldr     x4, =TABLE_STEP
    mov     x5, #0
2:  madd    x6, x5, x4, x3
    mvn     x6, x6
    str     x6, [x0, x5, lsl #3]
    add     x5, x5, #1
    cmp     x5, #TABLE_WORDS
    b.lo    2b
    dsb     sy
    bl      check_table
    mov     x20, x0
    print_dec s_overwrote, x20
    print   s_reset
    psci_reset
    park

table_bad:
    mov     x20, x0
    mov     x21, x1
    mov     x22, x2
    print_dec s_boot1_bad, x20
    newline
    psci_off
    park

    // ---- boot 2 and later: the VMM has restored the image ----
later_boot:
    mov     x20, x0
    mov     x21, x1
    mov     x22, x2
    print_dec s_boot, x19
    cbnz    x20, 3f
    print   s_ok
    b       4f
3:  print_dec s_stale, x20
    print_dec s_of, x21
    print_hex s_first, x22
4:  psci_off
    park

// check_table: compares the table with the expected words. Returns x0 = how many differ, x1 = the index of the first
// that differs and x2 = its value (both 0 when none differs). Clobbers x3-x8.
check_table:
    ldr     x3, =table
    ldr     x4, =TABLE_BASE
    ldr     x5, =TABLE_STEP
    mov     x0, #0
    mov     x1, #0
    mov     x2, #0
    mov     x6, #0
1:  madd    x7, x6, x5, x4
    ldr     x8, [x3, x6, lsl #3]
    cmp     x7, x8
    b.eq    2f
    cbnz    x0, 3f
    mov     x1, x6
    mov     x2, x8
3:  add     x0, x0, #1
2:  add     x6, x6, #1
    cmp     x6, #TABLE_WORDS
    b.lo    1b
    ret
    .ltorg

    .section .rodata
s_banner:    .asciz "relocate: boot "
s_boot1_ok:  .asciz "boot 1 table ok\n"
s_boot1_bad: .asciz "boot 1 table bad: words differing: "
s_running:   .asciz "boot 1 relocated, running at 0x"
s_overwrote: .asciz "boot 1 overwrote the table with the MMU off: words changed "
s_reset:     .asciz "\nboot 1 SYSTEM_RESET\n"
s_boot:      .asciz "boot "
s_ok:        .asciz " ok: table restored\n"
s_stale:     .asciz " stale: "
s_of:        .asciz " of 64 words differ, first at index "
s_first:     .asciz ": 0x"

// The table: alone on its 4 KiB page (the image's data page), so the host maps, unmaps and cleans it on its own.
    .section .data
    .balign 4096
table:
    .set i, 0
    .rept TABLE_WORDS
    .quad TABLE_BASE + i * TABLE_STEP
    .set i, i + 1
    .endr
    .balign 4096
image_end:
