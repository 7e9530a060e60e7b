// mmu-64k: the mmu-identity story with the 64 KiB granule.
//   TTBR0 (TG0 64K, T0SZ = 22, 42-bit VA, walk from level 2): identity map of RAM [0x4000_0000, 0x4800_0000) with
//     64 KiB level-3 pages, the PL011's 64 KiB page as Device-nGnRE, and [0x6000_0000, 0x8000_0000) as a 512 MiB
//     level-2 block onto 0x4000_0000;
//   TTBR1 (TG1 64K, T1SZ = 16, 48-bit VA, walk from level 1): RAM at HIGH + PA through a 512 MiB level-2 block, and
//     the last 64 KiB page of the address space (0xffff_ffff_ffff_0000) through levels 1/2/3 onto DATA + 0x10000.
// It prints SCTLR_EL1.M/C/I, reads and writes through the aliases, AT results (PAR_EL1 F, FST and PA), replaces a
// level-3 entry with TLBI VAE1 + DSB + ISB, and runs code through the high half.
    .include "common.inc"
    .include "mmu-common.inc"

    .equ TBL,   0x40600000                  // six 64 KiB tables, zeroed at run time
    .equ L2,    TBL + 0x00000               // TTBR0 level 2: 8192 entries of 512 MiB
    .equ L3D,   TBL + 0x10000               // [0, 512 MiB): the UART page
    .equ L3R,   TBL + 0x20000               // [0x4000_0000, 0x6000_0000): RAM pages
    .equ L1H,   TBL + 0x30000               // TTBR1 level 1: 64 entries of 4 TiB
    .equ L2H,   TBL + 0x40000
    .equ L3H,   TBL + 0x50000
    .equ DATA,  0x40700000
    .equ HIGH,  0xffff000000000000
    .equ TOPPAGE, 0xffffffffffff0000
    // TCR_EL1: T0SZ 22, TG0 64K, T1SZ 16, TG1 64K, IRGN/ORGN WB-WA and SH inner for both, IPS 40 bits
    .equ TCR_VALUE, 0x2f5107516

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    zero_region TBL, 0x60000
    print   banner

    ldr     x20, =L2
    ldr     x21, =L3D
    ldr     x22, =L3R
    orr     x2, x21, #D_TABLE
    set_entry x20, 0, x2                    // L2[0] -> L3D
    ldr     x2, =(UART_BASE | DEVICE | D_PAGE)
    movk    x2, #(D_PXN_HI | D_UXN_HI), lsl #48
    set_entry x21, (UART_BASE >> 16), x2    // L3D[0x900]: PL011, Device-nGnRE, XN
    orr     x2, x22, #D_TABLE
    set_entry x20, 2, x2                    // L2[2] -> L3R
    ldr     x2, =(0x40000000 | NORMAL | D_BLOCK)
    set_entry x20, 3, x2                    // L2[3]: VA 0x6000_0000 -> 0x4000_0000, 512 MiB block
    // L3R[0..2047]: 64 KiB pages over 128 MiB of RAM
    mov     x3, #0
    ldr     x2, =(0x40000000 | NORMAL | D_PAGE)
    fill_entries x22, x3, 2048, #0x10000

    ldr     x25, =L1H
    ldr     x26, =L2H
    ldr     x27, =L3H
    orr     x2, x26, #D_TABLE
    set_entry x25, 0, x2                    // L1H[0] -> L2H (HIGH + [0, 4 TiB))
    set_entry x25, 63, x2                   // L1H[63] -> L2H as well (the top 4 TiB)
    ldr     x2, =(0x40000000 | NORMAL | D_BLOCK)
    set_entry x26, 2, x2                    // L2H[2]: HIGH + 0x4000_0000 -> RAM, 512 MiB block
    orr     x2, x27, #D_TABLE
    set_entry x26, 8191, x2
    ldr     x2, =((DATA + 0x10000) | NORMAL | D_PAGE)
    set_entry x27, 8191, x2                 // the last 64 KiB page -> DATA + 0x10000

    granule_data 16, 0x6464646464646464

    mmu_on_report x20, x25

    // Written through the 512 MiB block alias, read through the identity pages.
    granule_alias_reads 16, msg_block_write, (0x60000000 + DATA - 0x40000000 + 0x20000)

    ldr     x3, =0x40080000
    at_report s1e1r, x3, msg_at_code
    ldr     x3, =(UART_BASE + 0x18)
    at_report s1e1r, x3, msg_at_uart
    ldr     x3, =0x6abcdef0
    at_report s1e1w, x3, msg_at_block
    ldr     x3, =(HIGH + 0x5fedcba8)
    at_report s1e1r, x3, msg_at_high
    ldr     x3, =(TOPPAGE + 0xfff8)
    at_report s1e1r, x3, msg_at_top
    ldr     x3, =0x48000000
    at_report s1e1r, x3, msg_at_l3fault     // past the mapped pages: level-3 translation fault
    ldr     x3, =0x80000000
    at_report s1e1r, x3, msg_at_l2fault     // L2[4] invalid: level-2 translation fault
    ldr     x3, =0xffff040000000000
    at_report s1e1r, x3, msg_at_l1fault     // L1H[1] invalid: level-1 translation fault
    ldr     x3, =0x0000040000000000
    at_report s1e1r, x3, msg_at_range       // above the 42-bit TTBR0 range: level-0 translation fault

    remap_report x22, 16

    high_half_and_off 0x6400640064006400    // code through the high half
    .ltorg

    .section .rodata
banner:         .asciz "mmu-64k: 64K tables built (TTBR0 42-bit from level 2, TTBR1 48-bit from level 1)\n"
msg_sctlr:      .asciz "SCTLR_EL1 & (M|C|I): 0x"
msg_top:        .asciz "read 0xffff_ffff_ffff_0008 (TTBR1 L1/L2/L3): 0x"
msg_high_read:  .asciz "read HIGH+DATA+0x20000 (TTBR1 512 MiB block): 0x"
msg_block_write: .asciz "written through the 512 MiB block alias, read through a page: 0x"
msg_at_code:    .asciz "AT S1E1R 0x40080000 (64K page): PAR 0x"
msg_at_uart:    .asciz "AT S1E1R UART+0x18 (Device page): PAR 0x"
msg_at_block:   .asciz "AT S1E1W 0x6abcdef0 (512 MiB block): PAR 0x"
msg_at_high:    .asciz "AT S1E1R HIGH+0x5fedcba8: PAR 0x"
msg_at_top:     .asciz "AT S1E1R 0xffff_ffff_ffff_fff8: PAR 0x"
msg_at_l3fault: .asciz "AT S1E1R 0x48000000 (L3 invalid): PAR 0x"
msg_at_l2fault: .asciz "AT S1E1R 0x80000000 (L2 invalid): PAR 0x"
msg_at_l1fault: .asciz "AT S1E1R 0xffff_0400_0000_0000 (L1H invalid): PAR 0x"
msg_at_range:   .asciz "AT S1E1R 0x0000_0400_0000_0000 (outside T0SZ): PAR 0x"
msg_before:     .asciz "DATA+0x20000 before remap: 0x"
msg_after:      .asciz "DATA+0x20000 after remap + TLBI VAE1: 0x"
msg_high_pc:    .asciz "high half: running at 0x"
msg_high_lit:   .asciz "high half: literal 0x"
done:           .asciz "mmu-64k: done\n"
