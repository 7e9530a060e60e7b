// mmu-identity: builds 4 KiB-granule translation tables, turns the MMU and caches on and runs through them.
//   TTBR0 (T0SZ = 16, 48-bit VA, walk from level 0): identity map of RAM [0x4000_0000, 0x4800_0000) as Normal WB
//     (the first 2 MiB with level-3 pages, the rest with 2 MiB level-2 blocks) and of the PL011's 2 MiB as
//     Device-nGnRE, execute-never;
//   TTBR1 (T1SZ = 25, 39-bit VA, walk from level 1): the same RAM at HIGH + PA through a 1 GiB level-1 block, and
//     the last page of the address space (0xffff_ffff_ffff_f000) through a level-1/2/3 chain onto DATA + 0x1000.
// It prints SCTLR_EL1.M/C/I, what AT S1E1R/S1E0R report (PAR_EL1 restricted to F, FST and PA, the fields the
// architecture fixes), data written through one alias and read through another, then runs code, stack and an SVC
// through the high-half alias. Only architecturally determined values are printed, so QEMU's output is the oracle.
    .include "common.inc"
    .include "mmu-common.inc"

    .equ TBL,   0x40600000                  // table area (zeroed at run time)
    .equ L0,    TBL + 0x0000
    .equ L1,    TBL + 0x1000
    .equ L2D,   TBL + 0x2000                // [0, 1 GiB): the UART's 2 MiB
    .equ L2R,   TBL + 0x3000                // [1 GiB, 2 GiB): RAM
    .equ L3R,   TBL + 0x4000                // [0x4000_0000, 0x4020_0000): the image, as pages
    .equ L1H,   TBL + 0x5000                // TTBR1 level 1
    .equ L2H,   TBL + 0x6000
    .equ L3H,   TBL + 0x7000
    .equ DATA,  0x40700000
    .equ HIGH,  0xffffff8000000000          // TTBR1 VA = HIGH + PA for RAM
    .equ TOPPAGE, 0xfffffffffffff000
    // TCR_EL1: T0SZ 16, IRGN0/ORGN0 WB-WA, SH0 inner, TG0 4K; T1SZ 25, IRGN1/ORGN1 WB-WA, SH1 inner, TG1 4K; IPS 40 bits
    .equ TCR_VALUE, 0x2b5193510

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    zero_region TBL, 0x8000
    print   banner

    // ---- TTBR0: identity ----
    ldr     x20, =L0
    ldr     x21, =L1
    ldr     x22, =L2D
    ldr     x23, =L2R
    ldr     x24, =L3R
    orr     x2, x21, #D_TABLE
    set_entry x20, 0, x2                    // L0[0] -> L1
    orr     x2, x22, #D_TABLE
    set_entry x21, 0, x2                    // L1[0] -> L2D
    orr     x2, x23, #D_TABLE
    set_entry x21, 1, x2                    // L1[1] -> L2R
    ldr     x2, =(UART_BASE | DEVICE | D_BLOCK)
    movk    x2, #(D_PXN_HI | D_UXN_HI), lsl #48
    set_entry x22, (UART_BASE >> 21), x2    // L2D[0x48]: PL011, Device-nGnRE, XN
    orr     x2, x24, #D_TABLE
    set_entry x23, 0, x2                    // L2R[0] -> L3R
    // L2R[1..63]: 2 MiB blocks
    mov     x3, #1
    ldr     x2, =(0x40200000 | NORMAL | D_BLOCK)
    fill_entries x23, x3, 64, #0x200000
    // L3R[0..511]: 4 KiB pages
    mov     x3, #0
    ldr     x2, =(0x40000000 | NORMAL | D_PAGE)
    fill_entries x24, x3, 512, #0x1000

    // ---- TTBR1: high half ----
    ldr     x25, =L1H
    ldr     x26, =L2H
    ldr     x27, =L3H
    ldr     x2, =(0x40000000 | NORMAL | D_BLOCK)
    set_entry x25, 1, x2                    // L1H[1]: HIGH + 1 GiB -> RAM, 1 GiB block
    orr     x2, x26, #D_TABLE
    set_entry x25, 511, x2
    orr     x2, x27, #D_TABLE
    set_entry x26, 511, x2
    ldr     x2, =((DATA + 0x1000) | NORMAL | D_PAGE)
    set_entry x27, 511, x2                  // the last page of the address space -> DATA + 0x1000

    // Values to find through the MMU, written with the MMU off.
    ldr     x3, =DATA
    ldr     x4, =0x1122334455667788
    str     x4, [x3, #0x1000]
    ldr     x4, =0x0123456789abcdef
    str     x4, [x3, #0x2008]

    mmu_on_report x20, x25

    // ---- reads and writes through the tables ----
    ldr     x3, =TOPPAGE
    ldr     x1, [x3]
    report  msg_top, x1                     // DATA + 0x1000 through TTBR1 levels 1-3
    ldr     x3, =(HIGH + DATA + 0x2008)
    ldr     x1, [x3]
    report  msg_high_read, x1               // DATA + 0x2008 through the 1 GiB block
    ldr     x4, =0xfeedfacecafebeef
    str     x4, [x3, #8]                    // write through the high alias ...
    ldr     x3, =(DATA + 0x2010)
    ldr     x1, [x3]
    report  msg_low_read, x1                // ... read through the identity map
    ldr     x3, =TOPPAGE
    mov     x4, #0x5a5a
    strh    w4, [x3, #0xffe]                // the last two bytes of the address space
    ldr     x3, =(DATA + 0x1ff8)
    ldr     x1, [x3]
    report  msg_last_bytes, x1

    // ---- AT: stage-1 translations as PAR_EL1 reports them ----
    ldr     x3, =0x40080000
    at_report s1e1r, x3, msg_at_code        // level-3 page
    ldr     x3, =0x40a12345
    at_report s1e1r, x3, msg_at_block       // level-2 block
    ldr     x3, =(UART_BASE + 0x18)
    at_report s1e1r, x3, msg_at_uart
    ldr     x3, =(HIGH + 0x47654321)
    at_report s1e1r, x3, msg_at_high
    ldr     x3, =(TOPPAGE + 0xabc)
    at_report s1e1w, x3, msg_at_top
    ldr     x3, =0x80000000
    at_report s1e1r, x3, msg_at_l1fault     // L1[2] invalid: level-1 translation fault
    ldr     x3, =0x0000800000000000
    at_report s1e1r, x3, msg_at_l0fault     // L0[256] invalid: level-0 translation fault
    ldr     x3, =0x0001000000000000
    at_report s1e1r, x3, msg_at_range       // above the 48-bit TTBR0 range: level-0 translation fault
    ldr     x3, =0x40080000
    at_report s1e0r, x3, msg_at_el0         // EL1-only page read as EL0: level-3 permission fault
    ldr     x3, =0xffffff0000000000
    at_report s1e1r, x3, msg_at_hole        // between the TTBR0 and TTBR1 ranges: level-0 translation fault
    ldr     x3, =(HIGH + 0x80000000)
    at_report s1e1r, x3, msg_at_hl1         // L1H[2] invalid: level-1 translation fault

    // ---- run through the high-half alias: code, stack, literal data and an exception ----
    ldr     x0, =HIGH
    add     sp, sp, x0                      // the same stack, through TTBR1
    adr     x1, high_main
    add     x1, x1, x0
    blr     x1
    ldr     x0, =HIGH
    sub     sp, sp, x0
    adr     x1, back_low
    report  msg_back, x1

    print   done
    psci_off
3:  wfi
    b       3b

// Runs at HIGH + PA. PC-relative addresses (ADR, BL, literal loads) are high-half addresses here.
high_main:
    stp     x29, x30, [sp, #-16]!
    adr     x1, high_main
    report  msg_high_pc, x1
    mov     x1, sp
    report  msg_high_sp, x1
    ldr     x1, high_literal
    report  msg_high_lit, x1
    bl      high_leaf                       // a BL stays in the high half
    report  msg_high_leaf, x0
    // Vectors through the high alias; an SVC lands there and returns.
    adr     x1, vectors
    msr     vbar_el1, x1
    isb
    mov     x19, #0
high_svc:
    svc     #0x42
    report  msg_high_esr, x19
    report  msg_high_elr, x20
    adr     x1, high_svc + 4
    sub     x1, x20, x1
    report  msg_high_elr_ok, x1
    ldp     x29, x30, [sp], #16
    ret

high_leaf:
    adr     x0, high_leaf
    ret

high_literal:
    .quad   0x0f1e2d3c4b5a6978

back_low:
    ret

sync_el1h:
    mrs     x19, esr_el1
    mrs     x20, elr_el1
    eret

unexpected:
    mrs     x1, esr_el1
    report  msg_unexpected, x1
    mrs     x1, far_el1
    report  msg_far, x1
    mov     x0, #1
    b       semihost_exit
    .ltorg

    el1_vectors

    .section .rodata
banner:         .asciz "mmu-identity: 4K tables built (TTBR0 48-bit from level 0, TTBR1 39-bit from level 1)\n"
msg_sctlr:      .asciz "SCTLR_EL1 & (M|C|I): 0x"
msg_top:        .asciz "read 0xffff_ffff_ffff_f000 (TTBR1 L1/L2/L3): 0x"
msg_high_read:  .asciz "read HIGH+DATA+0x2008 (TTBR1 1 GiB block): 0x"
msg_low_read:   .asciz "written through HIGH, read through identity: 0x"
msg_last_bytes: .asciz "STRH to the last 2 bytes of the VA space, seen at DATA+0x1ff8: 0x"
msg_at_code:    .asciz "AT S1E1R 0x40080000 (L3 page): PAR 0x"
msg_at_block:   .asciz "AT S1E1R 0x40a12345 (L2 block): PAR 0x"
msg_at_uart:    .asciz "AT S1E1R UART+0x18 (Device block): PAR 0x"
msg_at_high:    .asciz "AT S1E1R HIGH+0x47654321 (L1 block): PAR 0x"
msg_at_top:     .asciz "AT S1E1W 0xffff_ffff_ffff_fabc: PAR 0x"
msg_at_l1fault: .asciz "AT S1E1R 0x80000000 (L1 invalid): PAR 0x"
msg_at_l0fault: .asciz "AT S1E1R 0x0000_8000_0000_0000 (L0 invalid): PAR 0x"
msg_at_range:   .asciz "AT S1E1R 0x0001_0000_0000_0000 (outside T0SZ): PAR 0x"
msg_at_el0:     .asciz "AT S1E0R 0x40080000 (EL1-only): PAR 0x"
msg_at_hole:    .asciz "AT S1E1R 0xffff_ff00_0000_0000 (outside T1SZ): PAR 0x"
msg_at_hl1:     .asciz "AT S1E1R HIGH+0x80000000 (L1H invalid): PAR 0x"
msg_high_pc:    .asciz "high half: running at 0x"
msg_high_sp:    .asciz "high half: SP 0x"
msg_high_lit:   .asciz "high half: literal 0x"
msg_high_leaf:  .asciz "high half: BL target 0x"
msg_high_esr:   .asciz "high half: SVC ESR_EL1 0x"
msg_high_elr:   .asciz "high half: SVC ELR_EL1 0x"
msg_high_elr_ok: .asciz "high half: ELR - (svc + 4) = 0x"
msg_back:       .asciz "back in the identity map at 0x"
msg_unexpected: .asciz "unexpected exception, ESR_EL1 0x"
msg_far:        .asciz "FAR_EL1 0x"
done:           .asciz "mmu-identity: done\n"
