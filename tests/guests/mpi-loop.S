// mpi-loop: benchmark guest shaped like the hottest code of the Debian arm64 kernel's boot (6.1.0-57-arm64, the one
// tools/fetch-debian-kernel.sh fetches). Counting block starts in that boot with the cache model: five loops that
// build 64 x 64 -> 128-bit products from four 32-bit multiplies (the generic C multiply-accumulate of the kernel's
// multi-precision library: lib/mpi's mpihelp_addmul_1, submul_1, mul_1, add_n and sub_n by their instructions; the
// package ships no symbols) run about 484 million of its 942 million instructions. The inner loop below is the
// hottest addmul loop instruction for instruction: res[i] += s1[i] * limb with the carry, over LIMBS 64-bit limbs,
// 24 instructions per limb (two loads, one store, 21 register ops). PASSES passes each multiply-accumulate by a limb
// taken from the previous result, with the MMU and caches on over the identity map of flat-mmu.inc, so every access
// is an L1D hit after the first pass. Prints a checksum of res and powers off.
// Instructions retired ~= PASSES * (LIMBS * 24 + 10).
    .include "common.inc"
    .include "flat-mmu.inc"
    .equ LIMBS, 64                          // 4096-bit numbers
    .equ PASSES, 65536
    .equ BUF_S1, 0x40800000                 // above the image and the stack (STACK_TOP)
    .equ BUF_RES, BUF_S1 + 8 * LIMBS

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    flat_mmu_on l1_table
    // s1[i] = (i + 1) * golden ratio constant, res[i] = ~s1[i]
    ldr     x1, =BUF_S1
    ldr     x11, =BUF_RES
    ldr     x2, =0x9e3779b97f4a7c15
    mov     x3, x2
    mov     x4, #LIMBS
0:  str     x3, [x1], #8
    mvn     x5, x3
    str     x5, [x11], #8
    add     x3, x3, x2
    subs    x4, x4, #1
    b.ne    0b

    ldr     x1, =BUF_S1
    ldr     x11, =BUF_RES
    mov     x13, #0x100000000               // __ll_B: the carry into the high half
    mov     x14, #-LIMBS                    // i = w2 - x14 runs from 0 to LIMBS - 1
    ldr     x15, =PASSES
1:  ldr     x16, [x11, #8]                  // this pass's limb: res[1], a different one every pass
    and     x10, x16, #0xffffffff           // its low half
    lsr     x12, x16, #32                   // its high half
    mov     x0, #0                          // carry
    mov     w2, #-LIMBS
    .balign 64
2:  sxtw    x5, w2
    sub     x5, x5, x14
    ldr     x4, [x1, x5, lsl #3]
    ldr     x6, [x11, x5, lsl #3]
    and     x7, x4, #0xffffffff
    lsr     x4, x4, #32
    mul     x3, x7, x10
    mul     x9, x4, x10
    madd    x8, x12, x7, x9
    mul     x4, x12, x4
    add     x7, x0, w3, uxtw
    add     x3, x8, x3, lsr #32
    add     x8, x4, x13
    cmp     x3, x9
    add     x7, x7, x3, lsl #32
    csel    x4, x8, x4, cc
    lsr     x3, x3, #32
    cmp     x7, x0
    cinc    x3, x3, cc
    adds    x6, x6, x7
    str     x6, [x11, x5, lsl #3]
    adc     x0, x4, x3
    adds    w2, w2, #1
    b.ne    2b
    str     x0, [x11]                       // the carry out replaces res[0]
    subs    x15, x15, #1
    b.ne    1b

    // checksum of res: x3 = res[i] ^ ror(x3, 7)
    ldr     x10, =BUF_RES
    mov     x11, #LIMBS
    mov     x3, #0
3:  ldr     x4, [x10], #8
    eor     x3, x4, x3, ror #7
    subs    x11, x11, #1
    b.ne    3b
    print_x3_and_off msg

    .section .rodata
msg:     .asciz "mpi-loop: checksum 0x"

    .section .data
    .balign 4096
l1_table:
    .fill 512, 8, 0
