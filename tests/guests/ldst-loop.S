// ldst-loop: benchmark guest. PASSES passes over a 64 KiB buffer, each loading, combining and storing every
// doubleword (LDR/STR with post-index, LDP/STP, register offset), then prints a checksum and powers off.
// Instructions retired ~= PASSES * 1024 * 17.
    .include "common.inc"
    .equ PASSES, 600
    .equ BUF, 0x40200000
    .equ BUFSIZE, 65536

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    .ifdef LDST_LOOP_MMU
    mmu_on                              // ldst-loop-mmu.S: the same loop with the MMU and caches on
    .endif
    // Fill the buffer with a counter pattern.
    ldr     x10, =BUF
    mov     x11, #(BUFSIZE / 8)
    mov     x12, #0
0:  str     x12, [x10], #8
    add     x12, x12, #3
    subs    x11, x11, #1
    b.ne    0b
    ldr     x0, =PASSES
    mov     x3, #0
1:  ldr     x10, =BUF
    mov     x11, #(BUFSIZE / 64)
    mov     x12, #0
    .balign 64
2:  ldp     x4, x5, [x10]
    ldp     x6, x7, [x10, #16]
    add     x4, x4, x5
    ldr     x8, [x10, #32]
    eor     x6, x6, x7
    ldr     x9, [x10, x12]              // x12 = 40
    add     x3, x3, x4
    stp     x6, x4, [x10]
    ldr     x13, [x10, #48]
    add     x3, x3, x8
    str     x9, [x10, #16]
    ldr     x14, [x10, #56]
    eor     x3, x3, x6
    stp     x14, x13, [x10, #48]
    str     x3, [x10, #32]
    add     x10, x10, #64
    subs    x11, x11, #1
    mov     x12, #40
    b.ne    2b
    subs    x0, x0, #1
    b.ne    1b
    print   msg
    mov     x0, x3
    bl      uart_puthex
    print   newline
    psci_off
3:  wfi
    b       3b

    .section .rodata
msg:     .asciz "ldst-loop: checksum 0x"
newline: .asciz "\n"
