// debug-breakpoint: hardware breakpoints (specs/debug.md DBG-2..DBG-5, DBG-8). Breakpoint 0 on an instruction at
// EL1 with KDE set and PSTATE.D clear: EC 0x31, ELR = the instruction, which then runs once the handler disabled
// the breakpoint. Then the same breakpoint with BAS = 0b1100, with KDE clear and with PSTATE.D set: no exception.
// (Not the OS lock: QEMU takes breakpoints with OSLK set, which the architecture forbids; specs/deviations.md.) Then a linked address/context-ID pair (breakpoints 0 and 5) and breakpoint 3 with BAS = 0b0011.
// Prints each exception's ESR and ELR offset, then how many exceptions each case took.
    .include "common.inc"
    .include "debug.inc"

    .equ MDE_KDE, (1 << 15) | (1 << 13)
    .equ BCR_EL1_EL0, 0x1e7               // E, PMC = 0b11, BAS = 0b1111
    .equ BCR_BAS_HIGH, 0x187              // E, PMC = 0b11, BAS = 0b1100

// Arms breakpoint 0 with \bcr at label \at, runs the instruction there, prints \msg and the exception count.
.macro try_bp0 bcr, at, msg
    mov     x19, #0
    adr     x0, \at
    msr     dbgbvr0_el1, x0
    ldr     x0, =\bcr
    msr     dbgbcr0_el1, x0
    isb
\at:
    add     x26, x26, #1
    msr     dbgbcr0_el1, xzr
    isb
    adr     x0, \msg
    bl      print_count
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    debug_start MDE_KDE
    try_bp0 BCR_EL1_EL0, at1, m_match
    try_bp0 BCR_BAS_HIGH, at2, m_bas
    ldr     x0, =(1 << 15)
    msr     mdscr_el1, x0
    try_bp0 BCR_EL1_EL0, at3, m_kde
    ldr     x0, =MDE_KDE
    msr     mdscr_el1, x0
    msr     daifset, #8
    try_bp0 BCR_EL1_EL0, at4, m_dmask
    msr     daifclr, #8
    // Linked: breakpoint 0 (type linked address, LBN 5) with breakpoint 5 (linked context ID 0x77).
    mov     x0, #0x77
    msr     contextidr_el1, x0
    msr     dbgbvr5_el1, x0
    ldr     x0, =0x3001e7         // E, PMC = 0b11, BAS = 0b1111, BT = 0b0011 (linked context ID)
    msr     dbgbcr5_el1, x0
    try_bp0 0x1501e7, at6, m_linked   // BT = 0b0001, LBN = 5
    mov     x0, #0x78
    msr     contextidr_el1, x0
    try_bp0 0x1501e7, at7, m_unlinked
    mov     x19, #0
    adr     x0, at8
    msr     dbgbvr3_el1, x0
    ldr     x0, =0x67             // E, PMC = 0b11, BAS = 0b0011
    msr     dbgbcr3_el1, x0
    isb
at8:
    nop
    msr     dbgbcr3_el1, xzr
    isb
    adr     x0, m_bp3
    bl      print_count
    print   m_done
    psci_off
1:  b       1b

// print_count: x0 = a message; prints it, the exception count x19 and a newline. Clobbers x0, x9-x15, x25.
print_count:
    mov     x25, x30
    bl      uart_puts
    mov     x0, x19
    bl      uart_putdec
    mov     w0, #'\n'
    bl      uart_putc
    mov     x30, x25
    ret

// The handler's hook: count, disable breakpoints 0 and 3, return to the instruction.
debug_event:
    add     x19, x19, #1
    msr     dbgbcr0_el1, xzr
    msr     dbgbcr3_el1, xzr
    isb
    ret

    .section .rodata
banner:     .asciz "debug-breakpoint: breakpoints 0, 3 and 5\n"
m_match:    .asciz "EL1 breakpoint, KDE set, D clear: exceptions "
m_bas:      .asciz "BAS 0b1100: exceptions "
m_kde:      .asciz "KDE clear: exceptions "
m_dmask:    .asciz "PSTATE.D set: exceptions "
m_linked:   .asciz "linked to a matching context ID: exceptions "
m_unlinked: .asciz "linked to another context ID: exceptions "
m_bp3:      .asciz "breakpoint 3, BAS 0b0011: exceptions "
m_done:     .asciz "done\n"
