// alu-loop: benchmark guest. ITERATIONS rounds of a 16-instruction integer ALU body (add/sub/logic/shift/
// mul/conditional select/bitfield), then prints a checksum on the PL011 and powers off (PSCI SYSTEM_OFF).
// Instructions retired ~= 16 * ITERATIONS.
    .include "common.inc"
    .equ ITERATIONS, 10000000

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    ldr     x0, =ITERATIONS
    mov     x1, #1
    ldr     x2, =0x9e3779b97f4a7c15
    mov     x3, #0
    mov     x4, #7
    .balign 64
1:  add     x1, x1, x2
    eor     x3, x3, x1, ror #13
    lsl     x5, x1, #3
    sub     x3, x3, x5
    and     x6, x3, #0xff00ff00ff00ff00
    orr     x4, x4, x6, lsr #8
    mul     x7, x1, x4
    adds    x3, x3, x7
    csel    x4, x4, x3, cc
    ubfx    x8, x3, #17, #23
    add     x4, x4, x8
    bic     x4, x4, x1
    eor     x3, x3, x4
    madd    x3, x3, x2, x1
    subs    x0, x0, #1
    b.ne    1b
    print   msg
    mov     x0, x3
    bl      uart_puthex
    print   newline
    psci_off
2:  wfi
    b       2b

    .section .rodata
msg:     .asciz "alu-loop: checksum 0x"
newline: .asciz "\n"
