// mmu-ldst-alias: benchmark guest for TLB set conflicts. With the MMU and caches on (identity 1 GiB blocks, as
// ldst-loop-mmu), PASSES passes combine two 64 KiB buffers exactly 4 MiB apart, A[i] = A[i] + B[i] ^ i, so every
// access alternates between two pages whose page numbers differ by 1024: the same set of a 1024-set TLB. Prints a
// checksum and powers off. Instructions retired ~= PASSES * 8192 * 8.
    .include "common.inc"
    .include "flat-mmu.inc"
    .equ PASSES, 100
    .equ BUF_A, 0x40200000
    .equ BUF_B, 0x40600000                  // BUF_A + 4 MiB
    .equ WORDS, 8192                        // 64 KiB of doublewords

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    flat_mmu_on l1_table                    // identity 1 GiB blocks: [1 GiB, 2 GiB) Normal WB

    // A[i] = i, B[i] = 3 * i
    ldr     x10, =BUF_A
    ldr     x11, =BUF_B
    mov     x12, #0
0:  str     x12, [x10, x12, lsl #3]
    add     x13, x12, x12, lsl #1
    str     x13, [x11, x12, lsl #3]
    add     x12, x12, #1
    cmp     x12, #WORDS
    b.ne    0b

    ldr     x0, =PASSES
1:  mov     x12, #0
2:  ldr     x4, [x10, x12, lsl #3]
    ldr     x5, [x11, x12, lsl #3]
    add     x4, x4, x5
    eor     x4, x4, x12
    str     x4, [x10, x12, lsl #3]
    add     x12, x12, #1
    cmp     x12, #WORDS
    b.ne    2b
    subs    x0, x0, #1
    b.ne    1b

    // checksum: xor of A
    mov     x3, #0
    mov     x12, #0
3:  ldr     x4, [x10, x12, lsl #3]
    eor     x3, x3, x4
    add     x3, x3, x12
    add     x12, x12, #1
    cmp     x12, #WORDS
    b.ne    3b
    print   msg
    mov     x0, x3
    bl      uart_puthex
    print   newline
    psci_off
4:  wfi
    b       4b
    .ltorg

    .section .rodata
msg:     .asciz "mmu-ldst-alias: checksum 0x"
newline: .asciz "\n"

    .section .data
    .balign 4096
l1_table:
    .fill 512, 8, 0
