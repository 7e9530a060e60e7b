// mmu-faults: takes MMU faults from its vectors, prints ESR_EL1, FAR_EL1 and ELR_EL1, fixes the descriptor, invalidates
// the TLB for the address (TLBI VAAE1, DSB, ISB) and retries the access, which then succeeds:
//   data aborts: translation faults at levels 0-3, access flag faults at levels 1-3, permission faults at levels
//   1-3 (read-only page, block and 1 GiB block, LDTR on an EL1-only page, APTable), an address size fault;
//   instruction aborts: translation faults at levels 2 and 3, an access flag fault, permission faults (PXN, a page
//   writable at EL0, PXNTable).
// 4 KiB granule, T0SZ = 16 (walks start at level 0). RAM is one 1 GiB Normal WB block, the UART a Device block; the
// test addresses live at 0x8000_0000 and up. Every printed value is fixed by the architecture (QEMU is the oracle).
    .include "common.inc"
    .include "mmu-common.inc"

    .equ TBL,   0x40600000
    .equ L0,    TBL + 0x0000
    .equ L1,    TBL + 0x1000
    .equ L2D,   TBL + 0x2000                // [0, 1 GiB): UART
    .equ L2T,   TBL + 0x3000                // [0x8000_0000, 0xc000_0000): tests
    .equ L3T,   TBL + 0x4000                // [0x8000_0000, 0x8020_0000): tests, pages
    .equ L1B,   TBL + 0x5000                // L0[1]'s table (installed by the level-0 fix)
    .equ L3P,   TBL + 0x6000                // below a PXNTable descriptor
    .equ L3Q,   TBL + 0x7000                // below an APTable = read-only descriptor
    .equ DATA,  0x40700000                  // DATA + n * 0x1000 holds 0xd000 + n
    .equ BLK,   0x40800000                  // a 2 MiB block, holds 0xb10c at offset 0
    .equ TV,    0x80000000                  // test VA base
    // TCR_EL1: T0SZ 16, IRGN0/ORGN0 WB-WA, SH0 inner, TG0 4K, EPD1 (no TTBR1 walks), IPS 40 bits
    .equ TCR_VALUE, 0x200803510

// Arms the fault handler: on the next abort it stores \desc (register) to descriptor \index of table \table
// (a register), then invalidates VA \va (a register). Clobbers x16.
.macro arm_fix table, index, desc, va
    mov     x16, #\index
    add     x24, \table, x16, lsl #3
    mov     x25, \desc
    mov     x26, \va
.endm

// Starts a test: prints its title.
.macro title str
    print   \str
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    zero_region TBL, 0x8000
    mov     x27, #0                         // faults taken
    mov     x24, #0                         // no fix armed
    adr     x0, vectors
    msr     vbar_el1, x0

    // Markers in the data pages and the block.
    ldr     x0, =DATA
    mov     x1, #0xd000
    mov     x2, #16
1:  str     x1, [x0]
    add     x0, x0, #0x1000
    add     x1, x1, #1
    subs    x2, x2, #1
    b.ne    1b
    ldr     x0, =BLK
    mov     x1, #0xb10c
    str     x1, [x0]

    // ---- tables ----
    ldr     x20, =L0
    ldr     x21, =L1
    ldr     x22, =L2D
    ldr     x23, =L2T
    ldr     x26, =L3T
    orr     x2, x21, #D_TABLE
    set_entry x20, 0, x2
    orr     x2, x22, #D_TABLE
    set_entry x21, 0, x2
    ldr     x2, =(0x40000000 | NORMAL | D_BLOCK)
    set_entry x21, 1, x2                    // RAM: 1 GiB block
    orr     x2, x23, #D_TABLE
    set_entry x21, 2, x2
    ldr     x2, =(UART_BASE | DEVICE | D_BLOCK)
    movk    x2, #(D_PXN_HI | D_UXN_HI), lsl #48
    set_entry x22, (UART_BASE >> 21), x2
    orr     x2, x26, #D_TABLE
    set_entry x23, 0, x2                    // L2T[0] -> L3T
    // L1B (for the level-0 test): [0] = 1 GiB block at 0x4000_0000
    ldr     x3, =L1B
    ldr     x2, =(0x40000000 | NORMAL | D_BLOCK)
    set_entry x3, 0, x2

    ldr     x2, =MAIR_VALUE
    ldr     x3, =TCR_VALUE
    mmu_enable x2, x3, x20, xzr
    print   banner

    // Register use: x19 test VA, x20-x23 tables (L0, L1, L2T, L3T), x24-x26 armed fix, x27 fault count, x28 value.
    ldr     x20, =L0
    ldr     x21, =L1
    ldr     x22, =L2T
    ldr     x23, =L3T

    // ---- 1: LDR, level-3 translation fault ----
    title   t1
    ldr     x19, =(TV + 0x1000)
    ldr     x1, =((DATA + 0x1000) | NORMAL | D_PAGE)
    arm_fix x23, 1, x1, x19
t1_insn:
    ldr     x28, [x19]
    report  retry, x28

    // ---- 2: LDR, level-2 translation fault ----
    title   t2
    ldr     x19, =(TV + 0x400000)
    ldr     x1, =(BLK | NORMAL | D_BLOCK)
    arm_fix x22, 2, x1, x19
    ldr     x28, [x19]
    report  retry, x28

    // ---- 3: LDR, level-1 translation fault ----
    title   t3
    ldr     x19, =(0xc0000000 + DATA - 0x40000000 + 0x3000)
    ldr     x1, =(0x40000000 | NORMAL | D_BLOCK)
    arm_fix x21, 3, x1, x19
    ldr     x28, [x19]
    report  retry, x28

    // ---- 4: LDR, level-0 translation fault ----
    title   t4
    ldr     x19, =(0x8000000000 + DATA - 0x40000000 + 0x4000)
    ldr     x1, =(L1B | D_TABLE)
    arm_fix x20, 1, x1, x19
    ldr     x28, [x19]
    report  retry, x28

    // ---- 5: STR, level-3 translation fault (WnR = 1) ----
    title   t5
    ldr     x19, =(TV + 0x5000)
    ldr     x1, =((DATA + 0x5000) | NORMAL | D_PAGE)
    arm_fix x23, 5, x1, x19
    mov     x2, #0x5555
    str     x2, [x19, #8]
    ldr     x0, =(DATA + 0x5008)
    ldr     x28, [x0]
    report  retry, x28

    // ---- 6: LDR, level-3 access flag fault ----
    title   t6
    ldr     x19, =(TV + 0x6000)
    ldr     x1, =((DATA + 0x6000) | D_ISH | D_PAGE)          // AF = 0
    str     x1, [x23, #(6 * 8)]
    dsb     ishst
    orr     x1, x1, #D_AF
    arm_fix x23, 6, x1, x19
    ldr     x28, [x19]
    report  retry, x28

    // ---- 7: LDRH, level-2 access flag fault ----
    title   t7
    ldr     x19, =(TV + 0x600000)
    ldr     x1, =(BLK | D_ISH | D_BLOCK)
    str     x1, [x22, #(3 * 8)]
    dsb     ishst
    orr     x1, x1, #D_AF
    arm_fix x22, 3, x1, x19
    ldrh    w28, [x19]
    report  retry, x28

    // ---- 8: STR to a read-only page, level-3 permission fault ----
    title   t8
    ldr     x19, =(TV + 0x8000)
    ldr     x1, =((DATA + 0x8000) | NORMAL | D_AP_RO_EL1 | D_PAGE)
    str     x1, [x23, #(8 * 8)]
    dsb     ishst
    ldr     x28, [x19]                      // readable
    report  retry, x28
    ldr     x1, =((DATA + 0x8000) | NORMAL | D_PAGE)
    arm_fix x23, 8, x1, x19
    mov     x2, #0x8888
    str     w2, [x19, #16]
    ldr     x28, [x19, #16]
    report  retry, x28

    // ---- 9: STP to a read-only 2 MiB block, level-2 permission fault ----
    title   t9
    ldr     x19, =(TV + 0x800000)
    ldr     x1, =(BLK | NORMAL | D_AP_RO_EL1 | D_BLOCK)
    str     x1, [x22, #(4 * 8)]
    dsb     ishst
    ldr     x1, =(BLK | NORMAL | D_BLOCK)
    arm_fix x22, 4, x1, x19
    mov     x2, #0x9999
    add     x3, x19, #0x100
    stp     x2, x2, [x3]
    ldr     x28, [x3, #8]
    report  retry, x28

    // ---- 10: LDTR on an EL1-only page (checked as EL0), level-3 permission fault ----
    title   t10
    ldr     x19, =(TV + 0xa000)
    ldr     x1, =((DATA + 0xa000) | NORMAL | D_PAGE)
    str     x1, [x23, #(10 * 8)]
    dsb     ishst
    ldr     x1, =((DATA + 0xa000) | NORMAL | D_AP_RW_ALL | D_PAGE)
    arm_fix x23, 10, x1, x19
    ldtr    x28, [x19]
    report  retry, x28

    // ---- 11: STR to a read-only 1 GiB block, level-1 permission fault ----
    title   t11
    ldr     x19, =(0x100000000 + DATA - 0x40000000 + 0xb000)
    ldr     x1, =(0x40000000 | NORMAL | D_AP_RO_EL1 | D_BLOCK)
    str     x1, [x21, #(4 * 8)]
    dsb     ishst
    ldr     x1, =(0x40000000 | NORMAL | D_BLOCK)
    arm_fix x21, 4, x1, x19
    mov     x2, #0xbbbb
    strb    w2, [x19, #24]
    ldr     x28, [x19, #24]
    report  retry, x28

    // ---- 12: LDR, level-1 access flag fault ----
    title   t12
    ldr     x19, =(0x140000000 + DATA - 0x40000000 + 0xc000)
    ldr     x1, =(0x40000000 | D_ISH | D_BLOCK)
    str     x1, [x21, #(5 * 8)]
    dsb     ishst
    orr     x1, x1, #D_AF
    arm_fix x21, 5, x1, x19
    ldr     x28, [x19]
    report  retry, x28

    // ---- 13: STR below an APTable = read-only table descriptor, level-3 permission fault ----
    title   t13
    ldr     x19, =(TV + 0xe00000)
    ldr     x3, =L3Q
    ldr     x1, =((DATA + 0xd000) | NORMAL | D_PAGE)
    str     x1, [x3]
    orr     x1, x3, #D_TABLE
    orr     x1, x1, #(1 << 62)              // APTable = 0b10: no writes below
    str     x1, [x22, #(7 * 8)]
    dsb     ishst
    and     x1, x1, #~(1 << 62)
    arm_fix x22, 7, x1, x19
    mov     x2, #0xdddd
    str     x2, [x19, #32]
    ldr     x28, [x19, #32]
    report  retry, x28

    // ---- 14: LDR, output address above TCR_EL1.IPS (40 bits): level-3 address size fault ----
    title   t14
    ldr     x19, =(TV + 0xf000)
    ldr     x1, =((0x10000000000 + DATA + 0xf000) | NORMAL | D_PAGE)
    str     x1, [x23, #(15 * 8)]
    dsb     ishst
    ldr     x1, =((DATA + 0xf000) | NORMAL | D_PAGE)
    arm_fix x23, 15, x1, x19
    ldr     x28, [x19]
    report  retry, x28

    // ---- instruction aborts: BLR to an alias of func_page (it returns 0x77 + x0) ----
    adr     x4, func_page
    ldr     x1, =0xfff
    tst     x4, x1
    b.ne    bad_layout

    // ---- 15: level-3 translation fault on fetch ----
    title   t15
    ldr     x19, =(TV + 0x10000)
    ldr     x1, =(NORMAL | D_PAGE)
    orr     x1, x4, x1
    arm_fix x23, 0x10, x1, x19
    mov     x0, #0x100
    blr     x19
    report  retry, x0

    // ---- 16: access flag fault on fetch ----
    title   t16
    adr     x4, func_page
    ldr     x19, =(TV + 0x11000)
    ldr     x1, =(D_ISH | D_PAGE)
    orr     x1, x4, x1
    str     x1, [x23, #(0x11 * 8)]
    dsb     ishst
    orr     x1, x1, #D_AF
    arm_fix x23, 0x11, x1, x19
    mov     x0, #0x200
    blr     x19
    report  retry, x0

    // ---- 17: PXN page: level-3 permission fault on fetch ----
    title   t17
    adr     x4, func_page
    ldr     x19, =(TV + 0x12000)
    ldr     x1, =(NORMAL | D_PAGE)
    orr     x1, x4, x1
    orr     x2, x1, #(1 << 53)              // PXN
    str     x2, [x23, #(0x12 * 8)]
    dsb     ishst
    arm_fix x23, 0x12, x1, x19
    mov     x0, #0x300
    blr     x19
    report  retry, x0

    // ---- 18: a page writable at EL0 is never executable at EL1: level-3 permission fault on fetch ----
    title   t18
    adr     x4, func_page
    ldr     x19, =(TV + 0x13000)
    ldr     x1, =(NORMAL | D_PAGE)
    orr     x1, x4, x1
    orr     x2, x1, #D_AP_RW_ALL
    str     x2, [x23, #(0x13 * 8)]
    dsb     ishst
    orr     x1, x1, #D_AP_RO_ALL            // readable at EL0, not writable: executable at EL1
    arm_fix x23, 0x13, x1, x19
    mov     x0, #0x400
    blr     x19
    report  retry, x0

    // ---- 19: level-2 translation fault on fetch (fixed with a 2 MiB block over the image) ----
    title   t19
    adr     x4, func_page
    and     x4, x4, #0x1fffff
    ldr     x19, =(TV + 0xa00000)
    add     x19, x19, x4
    ldr     x1, =(0x40000000 | NORMAL | D_BLOCK)
    arm_fix x22, 5, x1, x19
    mov     x0, #0x500
    blr     x19
    report  retry, x0

    // ---- 20: PXNTable in the level-2 descriptor: level-3 permission fault on fetch ----
    title   t20
    adr     x4, func_page
    ldr     x3, =L3P
    ldr     x1, =(NORMAL | D_PAGE)
    orr     x1, x4, x1
    str     x1, [x3]
    ldr     x19, =(TV + 0xc00000)
    orr     x1, x3, #D_TABLE
    orr     x2, x1, #(1 << 59)              // PXNTable
    str     x2, [x22, #(6 * 8)]
    dsb     ishst
    arm_fix x22, 6, x1, x19
    mov     x0, #0x600
    blr     x19
    report  retry, x0

    report  summary, x27
    print   done
    psci_off
2:  wfi
    b       2b

bad_layout:
    print   layout_msg
    mov     x0, #2
    b       semihost_exit

// Synchronous exceptions at EL1: report, apply the armed fix, invalidate, retry the instruction.
sync_el1h:
    stp     x29, x30, [sp, #-32]!
    stp     x0, x1, [sp, #16]               // x0 is the argument of func_page in the instruction tests
    mrs     x1, esr_el1
    report  msg_esr, x1
    mrs     x1, far_el1
    report  msg_far, x1
    mrs     x1, elr_el1
    report  msg_elr, x1
    cbz     x24, stuck                      // no fix armed: the retry faulted again
    str     x25, [x24]
    mov     x24, #0
    dsb     ishst
    lsr     x1, x26, #12
    tlbi    vaae1, x1
    dsb     ish
    isb
    add     x27, x27, #1
    ldp     x0, x1, [sp, #16]
    ldp     x29, x30, [sp], #32
    eret

stuck:
    print   stuck_msg
    mov     x0, #3
    b       semihost_exit

unexpected:
    mrs     x1, esr_el1
    report  msg_unexpected, x1
    mov     x0, #1
    b       semihost_exit
    .ltorg

    el1_vectors

// A page of its own, reached through the aliases of the instruction-abort tests.
    .balign 4096
func_page:
    add     x0, x0, #0x77
    ret
    .balign 4096

    .section .rodata
banner:     .asciz "mmu-faults: MMU on (4K granule, walks from level 0)\n"
t1:         .asciz "1 LDR, L3 translation fault\n"
t2:         .asciz "2 LDR, L2 translation fault\n"
t3:         .asciz "3 LDR, L1 translation fault\n"
t4:         .asciz "4 LDR, L0 translation fault\n"
t5:         .asciz "5 STR, L3 translation fault\n"
t6:         .asciz "6 LDR, L3 access flag fault\n"
t7:         .asciz "7 LDRH, L2 access flag fault\n"
t8:         .asciz "8 LDR then STR, read-only L3 page\n"
t9:         .asciz "9 STP, read-only L2 block\n"
t10:        .asciz "10 LDTR, EL1-only L3 page\n"
t11:        .asciz "11 STRB, read-only L1 block\n"
t12:        .asciz "12 LDR, L1 access flag fault\n"
t13:        .asciz "13 STR, APTable read-only\n"
t14:        .asciz "14 LDR, output address above IPS\n"
t15:        .asciz "15 BLR, L3 translation fault\n"
t16:        .asciz "16 BLR, L3 access flag fault\n"
t17:        .asciz "17 BLR, PXN page\n"
t18:        .asciz "18 BLR, page writable at EL0\n"
t19:        .asciz "19 BLR, L2 translation fault\n"
t20:        .asciz "20 BLR, PXNTable\n"
msg_esr:    .asciz "  ESR_EL1 0x"
msg_far:    .asciz "  FAR_EL1 0x"
msg_elr:    .asciz "  ELR_EL1 0x"
retry:      .asciz "  retried: 0x"
summary:    .asciz "faults taken: 0x"
done:       .asciz "mmu-faults: done\n"
stuck_msg:  .asciz "fault with no fix armed\n"
layout_msg: .asciz "func_page is not page aligned\n"
msg_unexpected: .asciz "unexpected exception, ESR_EL1 0x"
