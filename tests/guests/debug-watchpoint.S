// debug-watchpoint: watchpoints (specs/debug.md DBG-6, DBG-8). Watchpoint 1 on bytes 4-7 of a doubleword for
// stores: an 8-byte store there takes EC 0x35 with WnR = 1 and FAR = the first watched byte, and is made once the
// handler disabled the watchpoint; a load of the same doubleword does not match. Then loads only: a byte load of
// byte 6 (WnR = 0). Then MASK = 6 (a 64-byte block) for loads and stores: a load at offset 0x28. Then PAC = EL0 only
// at EL1: nothing. Prints each exception's ESR, ELR offset and FAR offset (from the watched data), and the value
// stored.
    .include "common.inc"
    .include "debug.inc"

    .equ MDE_KDE, (1 << 15) | (1 << 13)

// Arms watchpoint 1: DBGWVR1 = wdata + \offset, DBGWCR1 = \wcr. Clobbers x0.
.macro arm_wp1 offset, wcr
    adr     x0, wdata
    add     x0, x0, #\offset
    msr     dbgwvr1_el1, x0
    ldr     x0, =\wcr
    msr     dbgwcr1_el1, x0
    isb
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    debug_start MDE_KDE
    adr     x2, wdata
    ldr     x1, =0x1122334455667788
    arm_wp1 0, 0x1e17             // E, PAC = 0b11, LSC = store, BAS = 0b11110000
    ldr     x3, [x2]              // a load: not watched
    str     x1, [x2]              // watched
    ldr     x0, [x2]
    bl      uart_puthex
    mov     w0, #'\n'
    bl      uart_putc
    arm_wp1 0, 0x1e0f             // E, PAC = 0b11, LSC = load, BAS = 0b11110000
    ldrb    w3, [x2, #6]
    arm_wp1 0x40, 0x06001fff      // E, PAC = 0b11, LSC = both, BAS = 0xff, MASK = 6
    ldr     x3, [x2, #0x68]
    ldr     x3, [x2, #0x80]       // outside the block
    arm_wp1 0, 0x1ffd             // PAC = EL0 only
    str     x1, [x2]
    msr     dbgwcr1_el1, xzr
    print   m_done
    psci_off
1:  b       1b

// The handler's hook: print FAR relative to wdata, disable the watchpoint, return to the instruction.
debug_event:
    mov     x24, x30
    print   m_far
    adr     x1, wdata
    sub     x0, x22, x1
    bl      uart_puthex
    mov     w0, #'\n'
    bl      uart_putc
    msr     dbgwcr1_el1, xzr
    isb
    mov     x30, x24
    ret

    .section .rodata
banner: .asciz "debug-watchpoint: watchpoint 1\n"
m_far:  .asciz "  FAR=+"
m_done: .asciz "done\n"

    .data
    .balign 256
wdata:  .space 256
