// int-loop: benchmark guest for the interpreter's per-instruction cost. ITERATIONS rounds of a five-instruction
// integer loop (two ALU operations with shifted operands, one more, SUBS, B.NE): 10^9 instructions in all. Prints a
// checksum on the PL011 and powers off (PSCI SYSTEM_OFF). alu-loop.S is the 16-instruction-body counterpart.
// Instructions retired ~= 5 * ITERATIONS.
    .include "common.inc"
    .equ ITERATIONS, 200000000

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    ldr     x0, =ITERATIONS
    mov     x1, #1
    ldr     x2, =0x9e3779b97f4a7c15
    mov     x3, #0
    .balign 64
1:  add     x1, x1, x2
    eor     x3, x3, x1, ror #13
    add     x3, x3, x3, lsl #3
    subs    x0, x0, #1
    b.ne    1b
    print_x3_and_off msg

    .section .rodata
msg:     .asciz "int-loop: checksum 0x"
