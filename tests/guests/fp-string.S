// fp-string: a small floating-point and string workload of the kind a C library runs, with its own checks.
// The MMU is on (identity map, RAM Normal write-back) so the SIMD string routines may use unaligned accesses the
// way optimised libc routines do. Parts:
//   strlen   16 bytes per step (LDR Q, CMEQ, UMAXV, SHRN nibble mask, RBIT/CLZ) against a byte loop, 96 strings
//   memcpy   LDP/STP Q loop with overlapping head/tail (D/S/byte for short sizes), 128 size/alignment pairs,
//            checked byte by byte with SIMD-memset guard bytes around the destination
//   toupper  16 bytes per step (SUB/CMHI/AND) against a byte loop
//   sum      1024 floats from SCVTF (vector), FADD 4S accumulators + FADDP: exactly 523776
//   dot      FMLA 2D against a scalar FMADD loop with the same two accumulators: bit-identical
//   recip    FRECPE + 2 FRECPS steps against FDIV (within 2 ulp), rsqrt FRSQRTE + 3 FRSQRTS against FSQRT
//   atof     decimal strings parsed as digits/10^k (one correctly rounded FDIV): equal to the assembler's .double
// Prints the checksums and values, then "fp-string: N failed" and powers off.
    .include "common.inc"
    .include "flat-mmu.inc"

    .equ STR_BUF,  0x40200000           // 8 KiB of pseudo-random non-zero bytes
    .equ SRC_BUF,  0x40210000
    .equ DST_BUF,  0x40220000
    .equ UP_BUF,   0x40230000
    .equ FLT_BUF,  0x40240000           // 1024 floats
    .equ DBL_A,    0x40250000           // 256 doubles
    .equ DBL_B,    0x40252000

.macro fail_if cond
    cinc    x28, x28, \cond
.endm

.macro nl
    mov     w0, #'\n'
    bl      uart_putc
.endm

// prhex LABEL, REG: prints the string at LABEL and REG in hex, then a newline.
.macro prhex label, reg
    print   \label
    mov     x0, \reg
    bl      uart_puthex
    nl
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    mov     x0, #(3 << 20)              // CPACR_EL1.FPEN = 0b11
    msr     cpacr_el1, x0
    isb
    bl      mmu_on
    mov     x28, #0                     // failed checks
    print   banner
    bl      fill
    bl      test_strlen
    bl      test_memcpy
    bl      test_toupper
    bl      test_sum
    bl      test_dot
    bl      test_recip
    bl      test_atof
    print   summary
    mov     x0, x28
    bl      uart_putdec
    print   failed
    psci_off
1:  wfi
    b       1b

// ---- MMU: 4 KiB granule, 39-bit VA, identity 1 GiB blocks: [0, 1 GiB) Device-nGnRE, [1 GiB, 2 GiB) Normal WB.
mmu_on:
    flat_mmu_on l1_table
    ret

// ---- fill: STR_BUF and SRC_BUF with 8 KiB of LCG bytes (never zero), UP_BUF with mixed-case text.
fill:
    ldr     x0, =STR_BUF
    ldr     x1, =SRC_BUF
    ldr     x2, =UP_BUF
    mov     x3, #8192
    ldr     x4, =0x9E3779B97F4A7C15
    ldr     x5, =6364136223846793005
    ldr     x6, =1442695040888963407
1:  madd    x4, x4, x5, x6
    lsr     x7, x4, #56
    orr     w7, w7, #1
    strb    w7, [x0], #1
    eor     w8, w7, w7, lsl #3
    strb    w8, [x1], #1
    and     w8, w7, #0x3f               // 0x40-0x7f: letters of both cases and punctuation
    orr     w8, w8, #0x40
    strb    w8, [x2], #1
    subs    x3, x3, #1
    b.ne    1b
    ret

// ---- strlen
// simd_strlen: x0 = string, returns its length in x0. Reads up to 15 bytes past the NUL. Clobbers x1, x2, v0, v1.
simd_strlen:
    mov     x1, x0
1:  ldr     q0, [x1], #16
    cmeq    v0.16b, v0.16b, #0
    umaxv   b1, v0.16b
    fmov    w2, s1
    cbz     w2, 1b
    shrn    v0.8b, v0.8h, #4            // one nibble per byte: 0xf where the byte was NUL
    fmov    x2, d0
    rbit    x2, x2
    clz     x2, x2
    sub     x1, x1, #16
    add     x1, x1, x2, lsr #2
    sub     x0, x1, x0
    ret

byte_strlen:
    mov     x1, x0
1:  ldrb    w2, [x1], #1
    cbnz    w2, 1b
    sub     x0, x1, x0
    sub     x0, x0, #1
    ret

test_strlen:
    stp     x30, x19, [sp, #-48]!
    stp     x20, x21, [sp, #16]
    stp     x22, x23, [sp, #32]
    mov     x19, #0                     // k
    mov     x20, #0                     // sum of lengths
1:  mov     x0, #37
    mul     x0, x19, x0
    and     x0, x0, #63                 // start offset 0-63
    ldr     x21, =STR_BUF
    add     x21, x21, x0
    mov     x0, #53
    mul     x0, x19, x0
    mov     x1, #301
    udiv    x2, x0, x1
    msub    x22, x2, x1, x0             // target length 0-300
    ldrb    w23, [x21, x22]
    strb    wzr, [x21, x22]
    mov     x0, x21
    bl      simd_strlen
    add     x20, x20, x0
    cmp     x0, x22
    fail_if ne
    mov     x0, x21
    bl      byte_strlen
    cmp     x0, x22
    fail_if ne
    strb    w23, [x21, x22]
    add     x19, x19, #1
    cmp     x19, #96
    b.lo    1b
    prhex   m_strlen, x20
    ldp     x22, x23, [sp, #32]
    ldp     x20, x21, [sp, #16]
    ldp     x30, x19, [sp], #48
    ret

// ---- memset / memcpy
// simd_memset: x0 = dst, w1 = byte, x2 = n. Clobbers x3, x4, v0.
simd_memset:
    dup     v0.16b, w1
    mov     x3, x0
    mov     x4, x2
1:  cmp     x4, #16
    b.lo    2f
    str     q0, [x3], #16
    sub     x4, x4, #16
    b       1b
2:  cbz     x4, 3f
    strb    w1, [x3], #1
    sub     x4, x4, #1
    b       2b
3:  ret

// simd_memcpy: x0 = dst, x1 = src, x2 = n (no overlap). Clobbers x3-x7, v1-v4.
simd_memcpy:
    add     x3, x1, x2                  // src end
    add     x4, x0, x2                  // dst end
    cmp     x2, #16
    b.lo    5f
    ldr     q1, [x3, #-16]              // last 16 bytes, stored at the end (may overlap the loop's last store)
    mov     x5, x0
    mov     x6, x1
    mov     x7, x2
1:  cmp     x7, #32
    b.lo    2f
    ldp     q2, q3, [x6], #32
    stp     q2, q3, [x5], #32
    sub     x7, x7, #32
    b       1b
2:  cmp     x7, #16
    b.lo    3f
    ldr     q2, [x6]
    str     q2, [x5]
3:  str     q1, [x4, #-16]
    ret
5:  cmp     x2, #8                      // 8-15: two overlapping D accesses
    b.lo    6f
    ldr     d1, [x1]
    ldr     d2, [x3, #-8]
    str     d1, [x0]
    str     d2, [x4, #-8]
    ret
6:  cmp     x2, #4                      // 4-7: two overlapping S accesses
    b.lo    7f
    ldr     s1, [x1]
    ldr     s2, [x3, #-4]
    str     s1, [x0]
    str     s2, [x4, #-4]
    ret
7:  cbz     x2, 8f                      // 1-3 bytes
    ldrb    w5, [x1], #1
    strb    w5, [x0], #1
    subs    x2, x2, #1
    b       7b
8:  ret

test_memcpy:
    stp     x30, x19, [sp, #-64]!
    stp     x20, x21, [sp, #16]
    stp     x22, x23, [sp, #32]
    stp     x24, x25, [sp, #48]
    mov     x19, #0                     // k
    mov     x24, #0                     // checksum
1:  adr     x0, sizes
    and     x1, x19, #31
    ldrh    w22, [x0, x1, lsl #1]       // n
    lsr     x1, x19, #5                 // 0-3: alignment pattern
    add     x1, x1, x19
    and     x1, x1, #15
    ldr     x20, =SRC_BUF
    add     x20, x20, x1                // src (offset 0-15)
    mov     x0, #7
    mul     x0, x19, x0
    and     x0, x0, #15
    ldr     x21, =DST_BUF + 64
    add     x21, x21, x0                // dst (offset 0-15)
    sub     x0, x21, #64                // guard: 64 bytes before to 64 after
    mov     w1, #0xee
    add     x2, x22, #128
    bl      simd_memset
    mov     x0, x21
    mov     x1, x20
    mov     x2, x22
    bl      simd_memcpy
    // Check: n bytes equal, guards intact; checksum the copy.
    mov     x0, #0
2:  cmp     x0, x22
    b.hs    3f
    ldrb    w1, [x20, x0]
    ldrb    w2, [x21, x0]
    cmp     w1, w2
    fail_if ne
    eor     x24, x2, x24, ror #3
    add     x0, x0, #1
    b       2b
3:  sub     x0, x21, #1
    ldrb    w1, [x0]
    cmp     w1, #0xee
    fail_if ne
    ldrb    w1, [x21, x22]
    cmp     w1, #0xee
    fail_if ne
    add     x19, x19, #1
    cmp     x19, #128
    b.lo    1b
    prhex   m_memcpy, x24
    ldp     x24, x25, [sp, #48]
    ldp     x22, x23, [sp, #32]
    ldp     x20, x21, [sp, #16]
    ldp     x30, x19, [sp], #64
    ret

// ---- toupper: 'a'-'z' minus 0x20, 16 bytes per step, against a byte loop (4 KiB of UP_BUF, copied to DST_BUF).
test_toupper:
    stp     x30, xzr, [sp, #-16]!
    ldr     x0, =DST_BUF
    ldr     x1, =UP_BUF
    mov     x2, #4096
    bl      simd_memcpy
    ldr     x0, =DST_BUF
    mov     x1, #4096
    movi    v4.16b, #'a'
    movi    v5.16b, #25
    movi    v6.16b, #0x20
1:  ldr     q0, [x0]
    sub     v1.16b, v0.16b, v4.16b
    cmhi    v2.16b, v1.16b, v5.16b      // not a lowercase letter
    bic     v3.16b, v6.16b, v2.16b
    sub     v0.16b, v0.16b, v3.16b
    str     q0, [x0], #16
    subs    x1, x1, #16
    b.ne    1b
    ldr     x0, =DST_BUF
    ldr     x1, =UP_BUF
    mov     x2, #4096
    mov     x3, #0
2:  ldrb    w4, [x1], #1
    sub     w5, w4, #'a'
    cmp     w5, #25
    sub     w5, w4, #0x20
    csel    w4, w5, w4, ls
    ldrb    w6, [x0], #1
    cmp     w4, w6
    fail_if ne
    eor     x3, x6, x3, ror #5
    subs    x2, x2, #1
    b.ne    2b
    prhex   m_upper, x3
    ldp     x30, xzr, [sp], #16
    ret

// ---- sum of 0..1023 as floats (vector SCVTF from a vector counter), four 4S accumulators.
test_sum:
    stp     x30, xzr, [sp, #-16]!
    ldr     x0, =FLT_BUF
    adr     x1, iota4
    ld1     {v0.4s}, [x1]               // 0 1 2 3
    movi    v1.4s, #4
    mov     x2, #256
1:  scvtf   v2.4s, v0.4s
    str     q2, [x0], #16
    add     v0.4s, v0.4s, v1.4s
    subs    x2, x2, #1
    b.ne    1b
    ldr     x0, =FLT_BUF
    movi    v4.4s, #0
    movi    v5.4s, #0
    movi    v6.4s, #0
    movi    v7.4s, #0
    mov     x2, #64
2:  ld1     {v0.4s-v3.4s}, [x0], #64
    fadd    v4.4s, v4.4s, v0.4s
    fadd    v5.4s, v5.4s, v1.4s
    fadd    v6.4s, v6.4s, v2.4s
    fadd    v7.4s, v7.4s, v3.4s
    subs    x2, x2, #1
    b.ne    2b
    fadd    v4.4s, v4.4s, v5.4s
    fadd    v6.4s, v6.4s, v7.4s
    fadd    v4.4s, v4.4s, v6.4s
    faddp   v4.4s, v4.4s, v4.4s
    faddp   s0, v4.2s
    fmov    w19, s0
    ldr     w1, =0x48ffc000             // 523776.0f
    cmp     w19, w1
    fail_if ne
    prhex   m_sum, x19
    ldp     x30, xzr, [sp], #16
    ret

// ---- dot product of a[k] = k/3 and b[k] = 1.5 - k/7 (256 doubles): FMLA 2D against scalar FMADD.
test_dot:
    stp     x30, xzr, [sp, #-16]!
    ldr     x0, =DBL_A
    ldr     x1, =DBL_B
    fmov    d4, #3.0
    fmov    d5, #7.0
    fmov    d6, #1.5
    mov     x2, #0
1:  scvtf   d0, x2
    fdiv    d1, d0, d4
    fdiv    d2, d0, d5
    fsub    d2, d6, d2
    str     d1, [x0, x2, lsl #3]
    str     d2, [x1, x2, lsl #3]
    add     x2, x2, #1
    cmp     x2, #256
    b.lo    1b
    movi    v16.2d, #0
    mov     x2, #128
2:  ld1     {v0.2d}, [x0], #16
    ld1     {v1.2d}, [x1], #16
    fmla    v16.2d, v0.2d, v1.2d
    subs    x2, x2, #1
    b.ne    2b
    faddp   d16, v16.2d
    ldr     x0, =DBL_A
    ldr     x1, =DBL_B
    movi    d17, #0                     // even lanes
    movi    d18, #0                     // odd lanes
    mov     x2, #128
3:  ldp     d0, d1, [x0], #16
    ldp     d2, d3, [x1], #16
    fmadd   d17, d0, d2, d17
    fmadd   d18, d1, d3, d18
    subs    x2, x2, #1
    b.ne    3b
    fadd    d17, d17, d18
    fmov    x19, d16
    fmov    x20, d17
    cmp     x19, x20
    fail_if ne
    prhex   m_dot, x19
    ldp     x30, xzr, [sp], #16
    ret

// ---- reciprocal and reciprocal square root by Newton-Raphson against FDIV / FSQRT.
test_recip:
    stp     x30, x19, [sp, #-32]!
    stp     x20, x21, [sp, #16]
    adr     x19, recip_in
    mov     x20, #8                     // values
    mov     x21, #0                     // checksum of the estimates
1:  ldr     s0, [x19], #4
    frecpe  s1, s0
    frecps  s2, s0, s1
    fmul    s1, s1, s2
    frecps  s2, s0, s1
    fmul    s1, s1, s2                  // 1/x by Newton-Raphson
    fmov    s3, #1.0
    fdiv    s3, s3, s0
    fmov    w1, s1
    fmov    w2, s3
    eor     x21, x1, x21, ror #7
    subs    w3, w1, w2
    cneg    w3, w3, mi
    cmp     w3, #2                      // within 2 ulp
    fail_if hi
    frsqrte s1, s0
    fmul    s2, s1, s1
    frsqrts s2, s0, s2
    fmul    s1, s1, s2
    fmul    s2, s1, s1
    frsqrts s2, s0, s2
    fmul    s1, s1, s2
    fmul    s2, s1, s1
    frsqrts s2, s0, s2
    fmul    s1, s1, s2                  // 1/sqrt(x)
    fsqrt   s3, s0
    fmov    s4, #1.0
    fdiv    s3, s4, s3
    fmov    w1, s1
    fmov    w2, s3
    eor     x21, x1, x21, ror #7
    subs    w3, w1, w2
    cneg    w3, w3, mi
    cmp     w3, #4                      // within 4 ulp
    fail_if hi
    subs    x20, x20, #1
    b.ne    1b
    prhex   m_recip, x21
    ldp     x20, x21, [sp, #16]
    ldp     x30, x19, [sp], #32
    ret

// ---- atof: "[-]digits[.digits]" -> digits / 10^fraction_digits with one FDIV (both operands exact doubles).
// x0 = string; returns d0. Clobbers x1-x5, d1-d3.
atof:
    mov     x1, #0                      // integer of all digits
    mov     x2, #0                      // fraction digits
    mov     x3, #0                      // seen '.'
    mov     x4, #0                      // negative
    ldrb    w5, [x0]
    cmp     w5, #'-'
    b.ne    1f
    mov     x4, #1
    add     x0, x0, #1
1:  ldrb    w5, [x0], #1
    cbz     w5, 3f
    cmp     w5, #'.'
    b.ne    2f
    mov     x3, #1
    b       1b
2:  sub     w5, w5, #'0'
    mov     x6, #10
    madd    x1, x1, x6, x5
    add     x2, x2, x3
    b       1b
3:  ucvtf   d0, x1
    fmov    d1, #1.0
    fmov    d2, #10.0
4:  cbz     x2, 5f
    fmul    d1, d1, d2                  // 10^k, exact for k <= 22
    sub     x2, x2, #1
    b       4b
5:  fdiv    d0, d0, d1
    fneg    d3, d0
    cmp     x4, #0
    fcsel   d0, d3, d0, ne
    ret

test_atof:
    stp     x30, x19, [sp, #-32]!
    stp     x20, x21, [sp, #16]
    adr     x19, atof_strings
    adr     x20, atof_values
1:  ldrb    w0, [x19]
    cbz     w0, 3f
    mov     x0, x19
    bl      atof
    ldr     d1, [x20], #8
    fmov    x21, d0
    fmov    x1, d1
    cmp     x21, x1
    fail_if ne
    mov     x0, x19
    bl      uart_puts
    mov     w0, #'='
    bl      uart_putc
    mov     x0, x21
    bl      uart_puthex
    nl
2:  ldrb    w0, [x19], #1               // next string
    cbnz    w0, 2b
    b       1b
3:  ldp     x20, x21, [sp, #16]
    ldp     x30, x19, [sp], #32
    ret
    .ltorg

    .section .rodata
    .balign 16
iota4:  .word   0, 1, 2, 3
sizes:  .hword  0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48
        .hword  63, 64, 65, 95, 100, 127, 128, 129, 191, 255, 256, 257, 511, 1000, 1023, 4095
recip_in:
    .float  3.0, 0.1, 1e-30, 7.5e30, 1.5, 12345.678, 2.0e-38, 0.7071
atof_values:
    .double 1234.5, -0.25, 3.14159, 0.1, 65536.125, 2.718281828459045, -1024.0625, 123456789012345.6, 3, 1e-10
atof_strings:
    .asciz  "1234.5"
    .asciz  "-0.25"
    .asciz  "3.14159"
    .asciz  "0.1"
    .asciz  "65536.125"
    .asciz  "2.718281828459045"
    .asciz  "-1024.0625"
    .asciz  "123456789012345.6"
    .asciz  "3"
    .asciz  "0.0000000001"
    .byte   0
banner:   .asciz "fp-string: SIMD string routines and FP kernels (MMU on)\n"
m_strlen: .asciz "strlen  sum 0x"
m_memcpy: .asciz "memcpy  sum 0x"
m_upper:  .asciz "toupper sum 0x"
m_sum:    .asciz "fsum    0x"
m_dot:    .asciz "dot     0x"
m_recip:  .asciz "recip   0x"
summary:  .asciz "fp-string: "
failed:   .asciz " failed\n"

    .section .data
    .balign 4096
l1_table:
    .fill 512, 8, 0
