// copy-loop: benchmark guest for the memory system. Fills a 1 MiB buffer A with a pattern, then PASSES passes copy
// 1 MiB with LDP/STP (64 bytes per iteration), A to B, then B to A, and so on; prints a checksum of the last copy
// and powers off. With the MMU off every data access is Device-nGnRnE (Arm ARM D8.2); copy-loop-mmu.S runs the
// same loop with the MMU and caches on. Instructions retired ~= PASSES * 16384 * 12.
    .include "common.inc"
    .ifndef PASSES                          // a guest that includes this one may set PASSES and BUFSIZE first
    .equ PASSES, 256
    .endif
    .ifndef BUFSIZE
    .equ BUFSIZE, 0x100000
    .endif
    .equ BUF_A, 0x40800000                  // above the image and the stack (STACK_TOP)
    .equ BUF_B, BUF_A + BUFSIZE             // 0x40900000 for 1 MiB

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    .ifdef COPY_LOOP_MMU
    mmu_on                                  // copy-loop-mmu.S: MMU and caches on, identity map
    .endif
    // A[i] = i * golden ratio constant
    ldr     x10, =BUF_A
    mov     x11, #(BUFSIZE / 8)
    ldr     x2, =0x9e3779b97f4a7c15
    mov     x12, #0
0:  str     x12, [x10], #8
    add     x12, x12, x2
    subs    x11, x11, #1
    b.ne    0b

    ldr     x20, =BUF_A                     // source of the next pass
    ldr     x21, =BUF_B                     // destination of the next pass
    ldr     x0, =PASSES
1:  mov     x10, x20
    mov     x11, x21
    mov     x12, #(BUFSIZE / 64)
    .balign 64
2:  ldp     x4, x5, [x10]
    ldp     x6, x7, [x10, #16]
    ldp     x8, x9, [x10, #32]
    ldp     x13, x14, [x10, #48]
    add     x10, x10, #64
    stp     x4, x5, [x11]
    stp     x6, x7, [x11, #16]
    stp     x8, x9, [x11, #32]
    stp     x13, x14, [x11, #48]
    add     x11, x11, #64
    subs    x12, x12, #1
    b.ne    2b
    mov     x22, x20                        // swap: the next pass copies back
    mov     x20, x21
    mov     x21, x22
    subs    x0, x0, #1
    b.ne    1b

    // checksum of the last destination (now x20): x3 = (A[i] ^ i) ^ ror(x3, 7)
    mov     x10, x20
    mov     x11, #(BUFSIZE / 8)
    mov     x3, #0
    mov     x12, #0
3:  ldr     x4, [x10], #8
    eor     x4, x4, x12
    eor     x3, x4, x3, ror #7
    add     x12, x12, #1
    subs    x11, x11, #1
    b.ne    3b
    print_x3_and_off msg

    .section .rodata
msg:     .asciz "copy-loop: checksum 0x"
