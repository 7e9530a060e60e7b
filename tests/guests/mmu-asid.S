// mmu-asid: two address spaces A and B (16-bit ASIDs 0x0101 and 0x0201, TCR_EL1.AS = 1) whose TTBR0 tables map one
// VA X = 0x8000_0000 to different pages with nG entries, and share global entries for RAM and the UART. It switches
// TTBR0 between them and prints what X reads, only where the architecture fixes the answer (Arm ARM D8.13): a
// switch to an ASID whose entries are still right needs no TLB maintenance; after a table of an inactive ASID
// changes, TLBI ASIDE1 / VAE1 / VAAE1 / VMALLE1 + DSB + ISB before switching to it. Then it takes the ASID from
// TTBR1_EL1 (TCR_EL1.A1 = 1) and switches ASIDs there while TTBR0 changes tables.
    .include "common.inc"
    .include "mmu-common.inc"

    .equ TBL,   0x40600000
    .equ L1A,   TBL + 0x0000
    .equ L1B,   TBL + 0x1000
    .equ L2D,   TBL + 0x2000                // shared: UART
    .equ L2A,   TBL + 0x3000
    .equ L3A,   TBL + 0x4000
    .equ L2B,   TBL + 0x5000
    .equ L3B,   TBL + 0x6000
    .equ L1R,   TBL + 0x7000                // reserved: the global entries only
    .equ DATA,  0x40700000                  // DATA + n * 0x1000 holds 0x11 * (n + 10) repeated: 0xaa.., 0xbb.., ...
    .equ X,     0x80000000
    .equ ASID_A, 0x0101
    .equ ASID_B, 0x0201
    // TCR_EL1: T0SZ 25 (walks from level 1), IRGN0/ORGN0 WB-WA, SH0 inner, TG0 4K, EPD1, IPS 40 bits, AS = 16-bit ASIDs
    .equ TCR_VALUE, 0x1200803519
    .equ TCR_A1,    (1 << 22)

// Points the nG level-3 entry for X in table \l3 (a register) at DATA + \page * 0x1000. Clobbers x0, x1.
.macro map_x l3, page
    ldr     x1, =((DATA + \page * 0x1000) | NORMAL | D_NG | D_PAGE)
    str     x1, [\l3]
.endm

// TTBR0_EL1 = \table (a register) with ASID \asid, then ISB. Clobbers x0.
.macro switch_to table, asid
    mov     x0, #\asid
    orr     x0, \table, x0, lsl #48
    msr     ttbr0_el1, x0
    isb
.endm

// With TCR_EL1.A1 = 1: TTBR0 = L1R, ISB, TTBR1.ASID = \asid, ISB, TTBR0 = \table with ASID field \ignored, ISB.
.macro switch_a1 table, asid, ignored
    msr     ttbr0_el1, x27
    isb
    mov     x0, #\asid
    lsl     x0, x0, #48
    msr     ttbr1_el1, x0
    isb
    switch_to \table, \ignored
.endm

// Reads X and prints it after \str. Clobbers x0, x1, x9-x15.
.macro read_x str
    mov     x1, #X
    ldr     x1, [x1]
    report  \str, x1
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    zero_region TBL, 0x8000
    ldr     x0, =DATA
    ldr     x1, =0xaaaaaaaaaaaaaaaa
    ldr     x2, =0x1111111111111111
    mov     x3, #6
1:  str     x1, [x0]
    add     x0, x0, #0x1000
    add     x1, x1, x2
    subs    x3, x3, #1
    b.ne    1b

    ldr     x20, =L1A
    ldr     x21, =L1B
    ldr     x22, =L2D
    ldr     x23, =L2A
    ldr     x24, =L3A
    ldr     x25, =L2B
    ldr     x26, =L3B
    // Shared global entries in both level-1 tables: UART (L2D) and RAM (1 GiB block).
    orr     x2, x22, #D_TABLE
    set_entry x20, 0, x2
    set_entry x21, 0, x2
    ldr     x2, =(0x40000000 | NORMAL | D_BLOCK)
    set_entry x20, 1, x2
    set_entry x21, 1, x2
    ldr     x2, =(UART_BASE | DEVICE | D_BLOCK)
    movk    x2, #(D_PXN_HI | D_UXN_HI), lsl #48
    set_entry x22, (UART_BASE >> 21), x2
    ldr     x27, =L1R
    ldr     x2, [x20]
    str     x2, [x27]
    ldr     x2, [x20, #8]
    str     x2, [x27, #8]
    // Private tables for X.
    orr     x2, x23, #D_TABLE
    set_entry x20, 2, x2
    orr     x2, x24, #D_TABLE
    set_entry x23, 0, x2
    orr     x2, x25, #D_TABLE
    set_entry x21, 2, x2
    orr     x2, x26, #D_TABLE
    set_entry x25, 0, x2
    map_x   x24, 0                          // A: X -> 0xaa..
    map_x   x26, 1                          // B: X -> 0xbb..

    ldr     x2, =MAIR_VALUE
    ldr     x3, =TCR_VALUE
    mov     x4, #ASID_A
    orr     x4, x20, x4, lsl #48
    mmu_enable x2, x3, x4, xzr
    print   banner

    read_x  msg_a                           // 0xaa..
    switch_to x21, ASID_B
    read_x  msg_b                           // 0xbb..: another ASID, no maintenance needed
    switch_to x20, ASID_A
    read_x  msg_a_again                     // 0xaa..: A's entries are still right
    switch_to x21, ASID_B
    read_x  msg_b_again

    // A's table changes while B runs: TLBI ASIDE1 for A, then switch.
    map_x   x24, 2
    dsb     ishst
    mov     x0, #ASID_A
    lsl     x0, x0, #48
    tlbi    aside1, x0
    dsb     ish
    switch_to x20, ASID_A
    read_x  msg_aside1                      // 0xcc..

    // B's table changes while A runs: TLBI VAE1 (X, ASID B), then switch.
    map_x   x26, 3
    dsb     ishst
    mov     x0, #ASID_B
    lsl     x0, x0, #48
    orr     x0, x0, #(X >> 12)
    tlbi    vae1, x0
    dsb     ish
    switch_to x21, ASID_B
    read_x  msg_vae1                        // 0xdd..

    // A's table changes while B runs: TLBI VAAE1 (X, any ASID).
    map_x   x24, 4
    dsb     ishst
    mov     x0, #(X >> 12)
    tlbi    vaae1, x0
    dsb     ish
    switch_to x20, ASID_A
    read_x  msg_vaae1                       // 0xee..

    // B's table changes while A runs: TLBI VMALLE1.
    map_x   x26, 5
    dsb     ishst
    tlbi    vmalle1
    dsb     ish
    switch_to x21, ASID_B
    read_x  msg_vmalle1                     // 0xff..
    switch_to x20, ASID_A
    read_x  msg_a_last                      // 0xee..

    // ---- ASID from TTBR1_EL1 (TCR_EL1.A1 = 1); TTBR0's ASID field is ignored ----
    // The ASID and TTBR0 cannot change in one write any more: in between, TTBR0 points at the reserved table L1R
    // (global entries only, nothing at X), so no walk can cache X's entry under the wrong ASID.
    ldr     x3, =(TCR_VALUE | TCR_A1)
    msr     tcr_el1, x3
    mov     x0, #0x0301
    lsl     x0, x0, #48
    msr     ttbr1_el1, x0
    isb
    tlbi    vmalle1                         // TCR_EL1 changed: invalidate before relying on translations
    dsb     ish
    isb
    read_x  msg_a1_a                        // A's tables under ASID 0x0301: 0xee..
    switch_a1 x21, 0x0302, ASID_A
    read_x  msg_a1_b                        // B's tables under ASID 0x0302 (TTBR0.ASID = A's, ignored): 0xff..
    switch_a1 x20, 0x0301, ASID_B
    read_x  msg_a1_a_again                  // 0xee..

    print   done
    psci_off
2:  wfi
    b       2b
    .ltorg

    .section .rodata
banner:         .asciz "mmu-asid: MMU on, TTBR0 = A (ASID 0x0101)\n"
msg_a:          .asciz "A   (ASID 0x0101): X = 0x"
msg_b:          .asciz "B   (ASID 0x0201): X = 0x"
msg_a_again:    .asciz "A   again, no TLBI: X = 0x"
msg_b_again:    .asciz "B   again, no TLBI: X = 0x"
msg_aside1:     .asciz "A   changed while inactive, TLBI ASIDE1: X = 0x"
msg_vae1:       .asciz "B   changed while inactive, TLBI VAE1: X = 0x"
msg_vaae1:      .asciz "A   changed while inactive, TLBI VAAE1: X = 0x"
msg_vmalle1:    .asciz "B   changed while inactive, TLBI VMALLE1: X = 0x"
msg_a_last:     .asciz "A   again: X = 0x"
msg_a1_a:       .asciz "A1: A's tables, ASID 0x0301 from TTBR1: X = 0x"
msg_a1_b:       .asciz "A1: B's tables, ASID 0x0302 from TTBR1: X = 0x"
msg_a1_a_again: .asciz "A1: A's tables, ASID 0x0301 again: X = 0x"
done:           .asciz "mmu-asid: done\n"
