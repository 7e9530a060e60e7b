// simd-memcpy: copies a 64 KiB buffer with LDP Q / STP Q (64 bytes per iteration) PASSES times back and forth
// between two buffers, verifies the result with integer loads, prints a checksum and powers off.
// Needs FP/SIMD (CPACR_EL1.FPEN enabled here).
    .include "common.inc"
    .equ PASSES, 200
    .equ SRC, 0x40200000
    .equ DST, 0x40210000
    .equ BUFSIZE, 65536

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    mov     x0, #(3 << 20)              // CPACR_EL1.FPEN = 0b11: no FP/SIMD traps
    msr     cpacr_el1, x0
    isb
    ldr     x10, =SRC
    mov     x11, #(BUFSIZE / 8)
    ldr     x12, =0x0123456789abcdef
0:  str     x12, [x10], #8
    ror     x12, x12, #7
    add     x12, x12, #1
    subs    x11, x11, #1
    b.ne    0b
    ldr     x0, =PASSES
    ldr     x1, =SRC
    ldr     x2, =DST
1:  mov     x10, x1
    mov     x11, x2
    mov     x12, #(BUFSIZE / 64)
    .balign 64
2:  ldp     q0, q1, [x10], #32
    ldp     q2, q3, [x10], #32
    stp     q0, q1, [x11], #32
    stp     q2, q3, [x11], #32
    subs    x12, x12, #1
    b.ne    2b
    mov     x3, x1                      // swap source and destination
    mov     x1, x2
    mov     x2, x3
    subs    x0, x0, #1
    b.ne    1b
    // Checksum of both buffers (they must be equal).
    ldr     x10, =SRC
    ldr     x11, =DST
    mov     x12, #(BUFSIZE / 8)
    mov     x3, #0
    mov     x4, #0
3:  ldr     x5, [x10], #8
    ldr     x6, [x11], #8
    eor     x3, x5, x3, ror #1
    add     x3, x3, x5, lsr #7
    eor     x4, x6, x4, ror #1
    add     x4, x4, x6, lsr #7
    subs    x12, x12, #1
    b.ne    3b
    print   msg
    mov     x0, x3
    bl      uart_puthex
    cmp     x3, x4
    b.eq    4f
    print   mismatch
4:  print   newline
    psci_off
5:  wfi
    b       5b

    .section .rodata
msg:      .asciz "simd-memcpy: checksum 0x"
mismatch: .asciz " MISMATCH"
newline:  .asciz "\n"
