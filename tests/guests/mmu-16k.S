// mmu-16k: the mmu-identity story with the 16 KiB granule (recorded with QEMU -cpu max: Cortex-A57 has no 16K
// granule; the values printed are the architecture's).
//   TTBR0 (TG0 16K, T0SZ = 28, 36-bit VA, walk from level 2): RAM [0x4000_0000, 0x4200_0000) with 16 KiB level-3
//     pages, [0x4200_0000, 0x4800_0000) with 32 MiB level-2 blocks, the PL011's 16 KiB page as Device-nGnRE;
//   TTBR1 (TG1 16K, T1SZ = 16, 48-bit VA, walk from level 0 with a 2-entry level-0 table): RAM at HIGH + PA through
//     32 MiB blocks, and the last 16 KiB page (0xffff_ffff_ffff_c000) through levels 0/1/2/3 onto DATA + 0x4000.
    .include "common.inc"
    .include "mmu-common.inc"

    .equ TBL,   0x40600000                  // nine 16 KiB tables, zeroed at run time
    .equ L2,    TBL + 0x00000               // TTBR0 level 2: 2048 entries of 32 MiB
    .equ L3D,   TBL + 0x04000               // [0x0800_0000, 0x0a00_0000): the UART page
    .equ L3R,   TBL + 0x08000               // [0x4000_0000, 0x4200_0000): RAM pages
    .equ L0H,   TBL + 0x0c000               // TTBR1 level 0: 2 entries of 128 TiB
    .equ L1H,   TBL + 0x10000               // HIGH + [0, 64 GiB)
    .equ L2H,   TBL + 0x14000
    .equ L1T,   TBL + 0x18000               // the top of the address space
    .equ L2T,   TBL + 0x1c000
    .equ L3T,   TBL + 0x20000
    .equ DATA,  0x40700000
    .equ HIGH,  0xffff000000000000
    .equ TOPPAGE, 0xffffffffffffc000
    // TCR_EL1: T0SZ 28, TG0 16K, T1SZ 16, TG1 16K, IRGN/ORGN WB-WA and SH inner for both, IPS 40 bits
    .equ TCR_VALUE, 0x27510b51c

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    zero_region TBL, 0x24000
    print   banner

    ldr     x20, =L2
    ldr     x21, =L3D
    ldr     x22, =L3R
    orr     x2, x21, #D_TABLE
    set_entry x20, 4, x2                    // L2[4] -> L3D
    ldr     x2, =(UART_BASE | DEVICE | D_PAGE)
    movk    x2, #(D_PXN_HI | D_UXN_HI), lsl #48
    set_entry x21, ((UART_BASE - 0x08000000) >> 14), x2
    orr     x2, x22, #D_TABLE
    set_entry x20, 32, x2                   // L2[32] -> L3R
    // L2[33..35]: 32 MiB blocks
    mov     x5, #0x2000000
    mov     x3, #33
    ldr     x2, =(0x42000000 | NORMAL | D_BLOCK)
    fill_entries x20, x3, 36, x5
    // L3R[0..2047]: 16 KiB pages
    mov     x3, #0
    ldr     x2, =(0x40000000 | NORMAL | D_PAGE)
    fill_entries x22, x3, 2048, #0x4000

    ldr     x25, =L0H
    ldr     x2, =(L1H | D_TABLE)
    set_entry x25, 0, x2
    ldr     x2, =(L1T | D_TABLE)
    set_entry x25, 1, x2
    ldr     x3, =L1H
    ldr     x2, =(L2H | D_TABLE)
    set_entry x3, 0, x2
    ldr     x3, =L2H
    ldr     x2, =(0x40000000 | NORMAL | D_BLOCK)
    mov     x4, #32
    fill_entries x3, x4, 36, x5             // L2H[32..35]: HIGH + RAM, 32 MiB blocks
    ldr     x3, =L1T
    ldr     x2, =(L2T | D_TABLE)
    set_entry x3, 2047, x2
    ldr     x3, =L2T
    ldr     x2, =(L3T | D_TABLE)
    set_entry x3, 2047, x2
    ldr     x3, =L3T
    ldr     x2, =((DATA + 0x4000) | NORMAL | D_PAGE)
    set_entry x3, 2047, x2                  // the last 16 KiB page -> DATA + 0x4000

    granule_data 14, 0x1616161616161616

    mmu_on_report x20, x25

    granule_alias_reads 14, msg_low_read

    ldr     x3, =0x40080000
    at_report s1e1r, x3, msg_at_code
    ldr     x3, =(UART_BASE + 0x18)
    at_report s1e1r, x3, msg_at_uart
    ldr     x3, =0x4567abc8
    at_report s1e1w, x3, msg_at_block
    ldr     x3, =(HIGH + 0x47654320)
    at_report s1e1r, x3, msg_at_high
    ldr     x3, =(TOPPAGE + 0x3ff8)
    at_report s1e1r, x3, msg_at_top
    ldr     x3, =0x09004000
    at_report s1e1r, x3, msg_at_l3fault     // next to the UART page: level-3 translation fault
    ldr     x3, =0x48000000
    at_report s1e1r, x3, msg_at_l2fault     // L2[36] invalid: level-2 translation fault
    ldr     x3, =(HIGH + 0x1000000000)
    at_report s1e1r, x3, msg_at_l1fault     // L1H[1] invalid: level-1 translation fault
    ldr     x3, =0x0000001000000000
    at_report s1e1r, x3, msg_at_range       // above the 36-bit TTBR0 range: level-0 translation fault

    remap_report x22, 14

    high_half_and_off 0x1600160016001600
    .ltorg

    .section .rodata
banner:         .asciz "mmu-16k: 16K tables built (TTBR0 36-bit from level 2, TTBR1 48-bit from level 0)\n"
msg_sctlr:      .asciz "SCTLR_EL1 & (M|C|I): 0x"
msg_top:        .asciz "read 0xffff_ffff_ffff_c008 (TTBR1 L0/L1/L2/L3): 0x"
msg_high_read:  .asciz "read HIGH+DATA+0x8000 (TTBR1 32 MiB block): 0x"
msg_low_read:   .asciz "written through HIGH, read through a 16K page: 0x"
msg_at_code:    .asciz "AT S1E1R 0x40080000 (16K page): PAR 0x"
msg_at_uart:    .asciz "AT S1E1R UART+0x18 (Device page): PAR 0x"
msg_at_block:   .asciz "AT S1E1W 0x4567abc8 (32 MiB block): PAR 0x"
msg_at_high:    .asciz "AT S1E1R HIGH+0x47654320: PAR 0x"
msg_at_top:     .asciz "AT S1E1R 0xffff_ffff_ffff_fff8: PAR 0x"
msg_at_l3fault: .asciz "AT S1E1R 0x09004000 (L3 invalid): PAR 0x"
msg_at_l2fault: .asciz "AT S1E1R 0x48000000 (L2 invalid): PAR 0x"
msg_at_l1fault: .asciz "AT S1E1R HIGH+0x10_0000_0000 (L1H invalid): PAR 0x"
msg_at_range:   .asciz "AT S1E1R 0x0000_0010_0000_0000 (outside T0SZ): PAR 0x"
msg_before:     .asciz "DATA+0x8000 before remap: 0x"
msg_after:      .asciz "DATA+0x8000 after remap + TLBI VAE1: 0x"
msg_high_pc:    .asciz "high half: running at 0x"
msg_high_lit:   .asciz "high half: literal 0x"
done:           .asciz "mmu-16k: done\n"
