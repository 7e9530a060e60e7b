// fp-special: about 4,700 scalar FP and AdvSIMD FP operations over special values under four FPCR settings,
// each result printed in hex with the FPSR flags it raised, so that the output is compared bit for bit with QEMU
// (-cpu cortex-a57). For each FPCR setting (RN; RP+FZ; RM+DN+AHP; RZ+FZ+DN) and each index i of the value tables
// (signed zeros, infinities, quiet and signalling NaNs with payloads, smallest/largest subnormals and normals,
// 1 + 1 ulp, -2.5, integer boundaries) one group runs: double, single and half conversions, arithmetic, fused
// multiply-add, min/max, rounding, estimates, compares (NZCV), integer/fixed-point conversions, and 4S/2D vector
// forms (three same, by element, pairwise, across lanes, narrowing/widening, fixed point).
// Output per operation: RESULT/FP where FP = FPSR[7:0] (IDC IXC UFC OFC DZC IOC); compares print NZCV as one
// digit, vectors print high_low 64-bit halves.
    .include "common.inc"

    .equ NVAL, 12                       // entries per table (each table holds two copies, so i+7+3 stays inside)

// T REPORTER, INSTRUCTION...: clear FPSR, run the instruction, print its result and FPSR.
.macro T rep, insn:vararg
    msr     fpsr, xzr
    \insn
    bl      \rep
.endm

.macro nl
    mov     w0, #'\n'
    bl      uart_putc
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    mov     x0, #(3 << 20)              // CPACR_EL1.FPEN = 0b11
    msr     cpacr_el1, x0
    isb
    print   banner
    adr     x19, fpcr_list
    mov     x20, #4
1:  ldr     w21, [x19], #4
    msr     fpcr, x21
    mov     x22, #0
2:  bl      group
    add     x22, x22, #1
    cmp     x22, #NVAL
    b.lo    2b
    subs    x20, x20, #1
    b.ne    1b
    print   done
    psci_off
3:  wfi
    b       3b

// One group: operands from index x22 of the tables, FPCR already set (x21 holds it).
group:
    stp     x30, xzr, [sp, #-16]!
    mov     w0, #'f'
    bl      uart_putc
    mov     x0, x21
    mov     x1, #8
    bl      puthexn
    mov     w0, #' '
    bl      uart_putc
    mov     w0, #'i'
    bl      uart_putc
    mov     x0, x22
    mov     x1, #2
    bl      puthexn
    nl
    adr     x0, dval
    add     x0, x0, x22, lsl #3
    ldr     d1, [x0]
    ldr     d2, [x0, #40]               // dval[i+5]
    ldr     d3, [x0, #56]               // dval[i+7]
    ld1     {v17.2d}, [x0]              // dval[i], dval[i+1]
    add     x1, x0, #40
    ld1     {v19.2d}, [x1]              // dval[i+5], dval[i+6]
    adr     x0, sval
    add     x0, x0, x22, lsl #2
    ldr     s4, [x0]
    ldr     s5, [x0, #20]               // sval[i+5]
    ldr     s6, [x0, #12]               // sval[i+3]
    ld1     {v16.4s}, [x0]              // sval[i..i+3]
    add     x1, x0, #20
    ld1     {v18.4s}, [x1]              // sval[i+5..i+8]
    adr     x0, hval
    add     x0, x0, x22, lsl #1
    ldr     h7, [x0]
    ld1     {v20.4h}, [x0]              // hval[i..i+3]
    adr     x0, ival
    add     x0, x0, x22, lsl #3
    ldr     x5, [x0]
    ld1     {v21.2d}, [x0]              // ival[i], ival[i+1]
    ld1     {v22.4s}, [x0]              // their 32-bit halves

    // Double precision: arithmetic.
    T rep_d, fadd d0, d1, d2
    T rep_d, fsub d0, d1, d2
    T rep_d, fmul d0, d1, d2
    T rep_d, fdiv d0, d1, d2
    T rep_d, fmadd d0, d1, d2, d3
    T rep_d, fnmsub d0, d1, d2, d3
    T rep_d, fnmadd d0, d3, d1, d2
    T rep_d, fmax d0, d1, d2
    T rep_d, fminnm d0, d1, d2
    T rep_d, fabd d0, d1, d2
    T rep_d, fmulx d0, d1, d2
    nl
    // Double precision: one source, estimates and steps.
    T rep_d, fsqrt d0, d1
    T rep_d, frinti d0, d1
    T rep_d, frintx d0, d1
    T rep_d, frinta d0, d2
    T rep_d, frecpe d0, d1
    T rep_d, frsqrte d0, d1
    T rep_d, frecps d0, d1, d2
    T rep_d, frsqrts d0, d1, d2
    T rep_d, frecpx d0, d1
    nl
    // To integer and fixed point.
    T rep_x, fcvtzs x0, d1
    T rep_w, fcvtns w0, d1
    T rep_x, fcvtau x0, d1
    T rep_w, fcvtmu w0, d2
    T rep_x, fcvtps x0, d2
    T rep_x, fcvtzs x0, d1, #10
    T rep_w, fcvtzu w0, d2, #31
    T rep_d, fcvtzs d0, d1
    nl
    // Between precisions (AHP matters for the half-precision ones).
    T rep_s, fcvt s0, d1
    T rep_h, fcvt h0, d1
    T rep_s, fcvtxn s0, d1
    T rep_d, fcvt d0, h7
    T rep_s, fcvt s0, h7
    T rep_h, fcvt h0, s4
    T rep_d, fcvt d0, s4
    nl
    // Compares: NZCV, and all-ones/zero masks.
    T rep_f, fcmp d1, d2
    T rep_f, fcmpe d1, #0.0
    lsl     x0, x22, #28
    msr     nzcv, x0
    T rep_f, fccmpe d1, d2, #5, ne
    lsl     x0, x22, #28
    msr     nzcv, x0
    T rep_d, fcsel d0, d1, d2, gt
    T rep_d, facgt d0, d1, d2
    T rep_d, fcmeq d0, d1, d2
    T rep_d, fcmge d0, d1, #0.0
    T rep_f, fcmp s4, s5
    nl
    // Single precision.
    T rep_s, fadd s0, s4, s5
    T rep_s, fsub s0, s5, s6
    T rep_s, fmul s0, s4, s5
    T rep_s, fdiv s0, s4, s5
    T rep_s, fmsub s0, s4, s5, s6
    T rep_s, fsqrt s0, s4
    T rep_s, fmaxnm s0, s4, s5
    T rep_s, fmin s0, s4, s6
    T rep_s, frintn s0, s4
    T rep_s, frintm s0, s5
    T rep_w, fcvtzu w0, s4
    T rep_x, fcvtas x0, s5
    T rep_s, frecpe s0, s4
    T rep_s, frsqrte s0, s5
    nl
    // From integer and fixed point.
    T rep_d, scvtf d0, x5
    T rep_s, ucvtf s0, x5
    T rep_s, scvtf s0, w5
    T rep_d, ucvtf d0, w5, #16
    T rep_d, scvtf d0, x5, #63
    T rep_s, ucvtf s0, x5, #1
    T rep_d, scvtf d0, d21
    T rep_s, ucvtf s0, s22
    nl
    // Vectors: three same, widening/narrowing, estimates, conversions.
    T rep_q, fadd v0.4s, v16.4s, v18.4s
    T rep_q, fmul v0.2d, v17.2d, v19.2d
    mov     v0.16b, v18.16b
    T rep_q, fmla v0.4s, v16.4s, v18.4s
    T rep_q, fdiv v0.4s, v16.4s, v18.4s
    T rep_q, fcvtn v0.4h, v16.4s
    mov     v0.16b, v19.16b
    T rep_q, fcvtn2 v0.4s, v17.2d
    T rep_q, fcvtl v0.4s, v20.4h
    T rep_q, fcvtl2 v0.2d, v16.4s
    T rep_q, fcvtxn v0.2s, v17.2d
    nl
    T rep_q, frecpe v0.4s, v16.4s
    T rep_q, frsqrte v0.2d, v17.2d
    T rep_q, fcvtzs v0.4s, v16.4s
    T rep_q, fcvtnu v0.2d, v17.2d
    T rep_q, scvtf v0.4s, v22.4s
    T rep_q, ucvtf v0.2d, v21.2d, #60
    T rep_q, fcvtzu v0.4s, v16.4s, #3
    nl
    // Vectors: reductions, pairwise, compares, rounding, by element.
    T rep_s, fmaxnmv s0, v16.4s
    T rep_s, fminv s0, v18.4s
    T rep_q, faddp v0.4s, v16.4s, v18.4s
    T rep_d, fmaxnmp d0, v17.2d
    T rep_s, faddp s0, v16.2s
    T rep_q, fcmge v0.4s, v16.4s, v18.4s
    T rep_q, fcmlt v0.2d, v17.2d, #0.0
    T rep_q, frintm v0.2d, v17.2d
    nl
    T rep_q, frintx v0.4s, v16.4s
    T rep_q, fmulx v0.4s, v16.4s, v18.s[1]
    mov     v0.16b, v19.16b
    T rep_q, fmla v0.2d, v17.2d, v19.d[1]
    T rep_s, fmul s0, s4, v18.s[3]
    T rep_q, fabd v0.2s, v16.2s, v18.2s
    T rep_q, fneg v0.4s, v16.4s
    T rep_q, fsqrt v0.2d, v17.2d
    T rep_q, frecps v0.4s, v16.4s, v18.4s
    T rep_q, fminnmp v0.2d, v17.2d, v19.2d
    nl
    ldp     x30, xzr, [sp], #16
    ret

// Reporters: read FPSR first (nothing before them touches it), print the result, '/', FPSR[7:0], ' '.
rep_d:
    mrs     x15, fpsr
    fmov    x0, d0
    mov     x1, #16
    b       rep_common
rep_s:
    mrs     x15, fpsr
    fmov    w0, s0
    mov     x1, #8
    b       rep_common
rep_h:
    mrs     x15, fpsr
    umov    w0, v0.h[0]
    mov     x1, #4
    b       rep_common
rep_x:
    mrs     x15, fpsr
    mov     x1, #16
    b       rep_common
rep_w:
    mrs     x15, fpsr
    mov     w0, w0
    mov     x1, #8
    b       rep_common
rep_f:
    mrs     x15, fpsr
    mrs     x0, nzcv
    lsr     x0, x0, #28
    mov     x1, #1
    b       rep_common
rep_q:
    mrs     x15, fpsr
    stp     x30, x15, [sp, #-16]!
    mov     x0, v0.d[1]
    mov     x1, #16
    bl      puthexn
    mov     w0, #'_'
    bl      uart_putc
    mov     x0, v0.d[0]
    mov     x1, #16
    b       rep_tail
rep_common:
    stp     x30, x15, [sp, #-16]!
rep_tail:
    bl      puthexn
    mov     w0, #'/'
    bl      uart_putc
    ldr     x0, [sp, #8]
    and     x0, x0, #0xff
    mov     x1, #2
    bl      puthexn
    mov     w0, #' '
    bl      uart_putc
    ldp     x30, x15, [sp], #16
    ret

// puthexn: prints the low x1 hex digits of x0. Clobbers x0, x1, x9, x10, x13, x14, x17.
puthexn:
    mov     x17, x30
    mov     x13, x0
    sub     x14, x1, #1
    lsl     x14, x14, #2
1:  lsr     x0, x13, x14
    and     x0, x0, #0xf
    cmp     x0, #10
    add     x10, x0, #'0'
    add     x0, x0, #('a' - 10)
    csel    x0, x10, x0, lo
    bl      uart_putc
    subs    x14, x14, #4
    b.ge    1b
    mov     x30, x17
    ret
    .ltorg

    .section .rodata
    .balign 16
fpcr_list:
    .word   0x00000000                  // RN
    .word   0x01400000                  // RP, FZ
    .word   0x06800000                  // RM, DN, AHP
    .word   0x03c00000                  // RZ, FZ, DN
.macro dvals
    .quad   0x0000000000000000, 0x8000000000000000, 0x7ff0000000000000, 0xfff8000000000bad
    .quad   0x7ff4000000000123, 0x0000000000000001, 0x800fffffffffffff, 0x0010000000000000
    .quad   0x7fefffffffffffff, 0x3ff0000000000001, 0xc004000000000000, 0x43e0000000000000
.endm
.macro svals
    .word   0x00000000, 0x80000000, 0xff800000, 0x7fc00001, 0xff800005, 0x00000001
    .word   0x007fffff, 0x00800000, 0x7f7fffff, 0x3f800001, 0xc0200000, 0x4f000000
.endm
.macro hvals
    .hword  0x0000, 0x8000, 0x7c00, 0xfe01, 0x7d00, 0x0001, 0x83ff, 0x0400, 0x7bff, 0x3c01, 0xc100, 0x7fff
.endm
.macro ivals
    .quad   0, 1, -1, 0x8000000000000000, 0x7fffffffffffffff, 0x0020000000000001
    .quad   0x1000001, 0x80000000, 0xffffffff, 0x7fffffff80000001, 0xffffffff80000000, 12345
.endm
    .balign 16
dval:   dvals
        dvals
sval:   svals
        svals
hval:   hvals
        hvals
    .balign 8
ival:   ivals
        ivals
banner: .asciz "fp-special: RESULT/FPSR[7:0]; compares print NZCV\n"
done:   .asciz "fp-special: done\n"
