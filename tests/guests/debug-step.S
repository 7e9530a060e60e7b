// debug-step: software step (specs/debug.md DBG-7, DBG-8). MDSCR_EL1.SS set, KDE clear: an ERET to EL0 with
// SPSR.SS = 1 steps one instruction, then EC 0x32 with ISV = 1 (EX = 1 after LDXR); the handler sets SPSR.SS and
// returns, stepping the EL0 code one instruction at a time. A stepped SVC saves SPSR.SS = 0, so returning from it
// takes a step exception at once with ISV = 0. The second SVC ends the run at EL1. Prints each exception's ESR,
// ELR offset and SPSR.
    .include "common.inc"
    .include "debug.inc"

    .equ SS, 1

    .section .text.boot, "ax"
    .global _start
_start:
    debug_start SS
    adr     x4, sdata
    mov     x19, #0
    adr     x0, el0_code
    msr     elr_el1, x0
    ldr     x0, =(1 << 21)        // SPSR: EL0t, SS = 1
    msr     spsr_el1, x0
    isb
    eret
back_at_el1:
    msr     mdscr_el1, xzr
    isb
    print   m_steps
    mov     x0, x19
    bl      uart_putdec
    mov     w0, #'\n'
    bl      uart_putc
    psci_off
1:  b       1b

el0_code:
    add     x5, x5, #1
    add     x5, x5, #1
    ldxr    x3, [x4]
    svc     #1
    add     x5, x5, #1
    svc     #2
2:  b       2b

// The handler's hook: print SPSR; on a step, count and set SPSR.SS; on SVC #1 return as it is (SPSR.SS = 0); on
// SVC #2 go back to EL1.
debug_event:
    mov     x24, x30
    print   m_spsr
    mov     x0, x23
    bl      uart_puthex
    mov     w0, #'\n'
    bl      uart_putc
    mov     x30, x24
    lsr     x0, x20, #26
    cmp     x0, #0x15
    b.eq    3f
    add     x19, x19, #1
    orr     x0, x23, #(1 << 21)
    msr     spsr_el1, x0
    ret
3:  and     x0, x20, #0xffff
    cmp     x0, #2
    b.ne    4f
    adr     x0, back_at_el1
    msr     elr_el1, x0
    mov     x0, #0x3c5            // EL1h, DAIF masked
    msr     spsr_el1, x0
4:  ret

    .section .rodata
banner:  .asciz "debug-step: software step at EL0\n"
m_spsr:  .asciz "  SPSR="
m_steps: .asciz "step exceptions: "

    .data
    .balign 16
sdata:   .quad 0x5a5a
