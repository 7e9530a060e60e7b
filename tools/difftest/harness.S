// Difftest harness: runs the random instruction sequences appended to this image by tools/difftest and prints,
// for each one, every register that changed, the flags, a checksum of the scratch memory and any exception.
// The same image runs under QEMU (the reference) and arm64vm; their UART outputs must be identical.
//
// Image layout (loaded at 0x4008_0000, entered at its first byte, EL1, MMU off):
//   +0x000  vector table (2 KiB aligned). Entry +0x000 (current EL, SP0, sync) doubles as the entry point: the
//           harness always runs in EL1h, so that vector is never taken.
//   ...     harness code and literals
//   info    16 bytes: .quad address of seq_done, .quad magic "DIFFTEST"
//   seqtab  appended by the generator: u32 count, u32 reserved, u64 seed base, u32 offset[count] (from seqtab),
//           then the sequences' code. Each sequence ends with `B seq_done`.
// Per sequence i (seed = seed base + i): X0-X30, NZCV and a 4 KiB scratch area are filled from a splitmix64
// stream, SP = SCRATCH + 0x800, the exclusive monitor is cleared, and the sequence is entered by ERET (so no
// register is needed for the jump). Output line: "S<i hex4>" then " xN=<hex16>" for each register that
// changed, " sp=..." and " f=<nzcv hex>" if changed, " m=<hex16>" if the scratch checksum changed, and
// " E=<esr> P=<elr - seq start> V=<vector offset>" if an exception ended the sequence.
    .include "../../tests/guests/common.inc"

    .equ CTX_IN,   0x40100000      // x0..x30, sp, nzcv (33 quads)
    .equ CTX_OUT,  0x40100200      // x0..x30, sp, nzcv, vector marker, esr, elr
    .equ STATE,    0x40100400      // index, count, seqtab, cur seq address, scratch checksum before, in_seq
    .equ HSTACK,   0x40180000
    .equ SCRATCH,  0x40200000
    .equ SCRATCH_SIZE, 0x1000
    .equ SCTLR_RES1, 0x30d00800   // SCTLR_EL1 RES1 bits; M, A, C, SA, SA0, I all 0

    .section .text.boot, "ax"
    .global _start
_start:
vectors:
    .irp off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
    .balign 0x80
    .if \off == 0
    b       harness_start
    .else
    msr     tpidr_el1, x0
    mrs     x0, nzcv
    msr     tpidrro_el0, x0
    mov     x0, #(\off + 1)
    msr     tpidr_el0, x0
    b       save_common
    .endif
    .endr

    .balign 0x80
harness_start:
    ldr     x0, =HSTACK
    mov     sp, x0
    adr     x0, vectors
    msr     vbar_el1, x0
    ldr     x0, =SCTLR_RES1
    msr     sctlr_el1, x0
    isb
    ldr     x20, =STATE
    adr     x1, seqtab
    ldr     w2, [x1]
    stp     xzr, x2, [x20]          // index = 0, count
    str     x1, [x20, #16]
    str     xzr, [x20, #40]         // in_seq = 0

next_seq:
    ldr     x20, =STATE
    ldp     x21, x22, [x20]         // index, count
    cmp     x21, x22
    b.hs    all_done
    ldr     x19, [x20, #16]         // seqtab
    ldr     x0, [x19, #8]           // seed base
    add     x0, x0, x21
    bl      init_context
    bl      scratch_checksum
    ldr     x20, =STATE
    str     x0, [x20, #32]
    add     x1, x19, #16
    ldr     w1, [x1, x21, lsl #2]
    add     x1, x19, x1
    str     x1, [x20, #24]          // current sequence address
    mov     x2, #1
    str     x2, [x20, #40]          // in_seq = 1
    msr     elr_el1, x1
    ldr     x0, =CTX_IN
    ldr     x1, [x0, #256]          // NZCV
    mov     x2, #0x3c5              // EL1h, DAIF masked
    orr     x1, x1, x2
    msr     spsr_el1, x1
    ldr     x1, [x0, #248]
    mov     sp, x1
    clrex
    ldp     x2, x3, [x0, #16]
    ldp     x4, x5, [x0, #32]
    ldp     x6, x7, [x0, #48]
    ldp     x8, x9, [x0, #64]
    ldp     x10, x11, [x0, #80]
    ldp     x12, x13, [x0, #96]
    ldp     x14, x15, [x0, #112]
    ldp     x16, x17, [x0, #128]
    ldp     x18, x19, [x0, #144]
    ldp     x20, x21, [x0, #160]
    ldp     x22, x23, [x0, #176]
    ldp     x24, x25, [x0, #192]
    ldp     x26, x27, [x0, #208]
    ldp     x28, x29, [x0, #224]
    ldr     x30, [x0, #240]
    ldp     x0, x1, [x0]
    eret

// Every sequence ends with a branch here.
seq_done:
    msr     tpidr_el1, x0
    mrs     x0, nzcv
    msr     tpidrro_el0, x0
    msr     tpidr_el0, xzr          // no exception
save_common:
    ldr     x0, =CTX_OUT
    stp     x1, x2, [x0, #8]
    stp     x3, x4, [x0, #24]
    stp     x5, x6, [x0, #40]
    stp     x7, x8, [x0, #56]
    stp     x9, x10, [x0, #72]
    stp     x11, x12, [x0, #88]
    stp     x13, x14, [x0, #104]
    stp     x15, x16, [x0, #120]
    stp     x17, x18, [x0, #136]
    stp     x19, x20, [x0, #152]
    stp     x21, x22, [x0, #168]
    stp     x23, x24, [x0, #184]
    stp     x25, x26, [x0, #200]
    stp     x27, x28, [x0, #216]
    stp     x29, x30, [x0, #232]
    mrs     x1, tpidr_el1
    str     x1, [x0]
    mov     x1, sp
    str     x1, [x0, #248]
    mrs     x1, tpidrro_el0
    str     x1, [x0, #256]
    mrs     x1, tpidr_el0
    str     x1, [x0, #264]
    mrs     x2, esr_el1
    mrs     x3, elr_el1
    stp     x2, x3, [x0, #272]
    ldr     x0, =HSTACK
    mov     sp, x0
    ldr     x20, =STATE
    ldr     x2, [x20, #40]
    cbz     x2, harness_fault       // an exception outside a sequence: the harness itself is broken
    str     xzr, [x20, #40]
    bl      report
    ldr     x20, =STATE
    ldr     x21, [x20]
    add     x21, x21, #1
    str     x21, [x20]
    b       next_seq

all_done:
    print   done_msg
    psci_off
1:  b       1b

harness_fault:
    print   fault_msg
    ldr     x0, =CTX_OUT
    ldr     x0, [x0, #272]
    bl      uart_puthex
    print   newline
    psci_off
1:  b       1b

// splitmix64: x0 = state address; returns x0 = next value. Clobbers x1-x3.
next_random:
    ldr     x1, [x0]
    ldr     x2, =0x9e3779b97f4a7c15
    add     x1, x1, x2
    str     x1, [x0]
    eor     x1, x1, x1, lsr #30
    ldr     x2, =0xbf58476d1ce4e5b9
    mul     x1, x1, x2
    eor     x1, x1, x1, lsr #27
    ldr     x2, =0x94d049bb133111eb
    mul     x1, x1, x2
    eor     x0, x1, x1, lsr #31
    ret

// init_context: x0 = seed. Fills CTX_IN (x0-x30 with values biased towards edge cases, sp, nzcv) and the
// scratch area. Clobbers x0-x7, x23-x26.
init_context:
    mov     x26, x30
    ldr     x23, =STATE + 48        // PRNG state
    str     x0, [x23]
    ldr     x24, =CTX_IN
    mov     x25, #0
1:  mov     x0, x23
    bl      next_random
    lsr     x4, x0, #60             // selector
    mov     x0, x23
    bl      next_random
    mov     x5, x0                  // value
    cmp     x4, #7
    b.lo    8f                      // 0-6: full 64-bit random
    b.ne    2f
    and     x5, x5, #0xff           // 7: small positive
    b       8f
2:  cmp     x4, #8
    b.ne    2f
    and     x5, x5, #0xff
    neg     x5, x5                  // 8: small negative
    b       8f
2:  cmp     x4, #9
    b.ne    2f
    mov     x5, #0                  // 9: zero
    b       8f
2:  cmp     x4, #10
    b.ne    2f
    mov     x5, #1                  // 10: one
    b       8f
2:  cmp     x4, #11
    b.ne    2f
    mov     x5, #-1                 // 11: all ones
    b       8f
2:  cmp     x4, #12
    b.ne    2f
    and     x5, x5, #1              // 12: INT64_MAX or INT64_MIN
    ldr     x6, =0x7fffffffffffffff
    add     x5, x6, x5
    b       8f
2:  cmp     x4, #13
    b.ne    2f
    and     x5, x5, #1              // 13: INT32_MAX or 0x80000000
    mov     x6, #0x7fffffff
    add     x5, x6, x5
    b       8f
2:  cmp     x4, #14
    b.ne    2f
    and     x5, x5, #1              // 14: 0xffffffff or 0xfffffffe
    mov     x6, #0xffffffff
    sub     x5, x6, x5
    b       8f
2:  mov     w5, w5                  // 15: 32-bit random, upper half zero
8:  str     x5, [x24, x25, lsl #3]
    add     x25, x25, #1
    cmp     x25, #31
    b.lo    1b
    ldr     x5, =SCRATCH + 0x800
    str     x5, [x24, #248]
    mov     x0, x23
    bl      next_random
    and     x0, x0, #0xf0000000
    str     x0, [x24, #256]
    ldr     x24, =SCRATCH
    mov     x25, #(SCRATCH_SIZE / 8)
3:  mov     x0, x23
    bl      next_random
    str     x0, [x24], #8
    subs    x25, x25, #1
    b.ne    3b
    mov     x30, x26
    ret

// scratch_checksum: returns x0 = FNV-1a-style hash of the scratch area. Clobbers x1-x4.
scratch_checksum:
    ldr     x1, =SCRATCH
    mov     x2, #(SCRATCH_SIZE / 8)
    ldr     x0, =0xcbf29ce484222325
    ldr     x4, =0x100000001b3
1:  ldr     x3, [x1], #8
    eor     x0, x0, x3
    mul     x0, x0, x4
    ror     x0, x0, #29
    subs    x2, x2, #1
    b.ne    1b
    ret

// report: prints the line for the sequence that just ended.
report:
    mov     x26, x30
    mov     w0, #'S'
    bl      uart_putc
    ldr     x20, =STATE
    ldr     x0, [x20]
    bl      puthex4
    ldr     x23, =CTX_IN
    ldr     x24, =CTX_OUT
    mov     x25, #0
1:  ldr     x1, [x23, x25, lsl #3]
    ldr     x2, [x24, x25, lsl #3]
    cmp     x1, x2
    b.eq    2f
    mov     w0, #' '
    bl      uart_putc
    mov     w0, #'x'
    bl      uart_putc
    mov     x0, x25
    bl      uart_putdec
    mov     w0, #'='
    bl      uart_putc
    ldr     x0, [x24, x25, lsl #3]
    bl      uart_puthex
2:  add     x25, x25, #1
    cmp     x25, #31
    b.lo    1b
    ldr     x1, [x23, #248]
    ldr     x2, [x24, #248]
    cmp     x1, x2
    b.eq    3f
    print   sp_msg
    ldr     x0, [x24, #248]
    bl      uart_puthex
3:  ldr     x1, [x23, #256]
    ldr     x2, [x24, #256]
    cmp     x1, x2
    b.eq    4f
    print   f_msg
    ldr     x0, [x24, #256]
    lsr     x0, x0, #28
    bl      puthex1
4:  bl      scratch_checksum
    ldr     x20, =STATE
    ldr     x1, [x20, #32]
    cmp     x0, x1
    b.eq    5f
    mov     x21, x0
    print   m_msg
    mov     x0, x21
    bl      uart_puthex
5:  ldr     x1, [x24, #264]
    cbz     x1, 6f
    print   e_msg
    ldr     x0, [x24, #272]
    bl      puthex8
    print   p_msg
    ldr     x20, =STATE
    ldr     x1, [x20, #24]
    ldr     x0, [x24, #280]
    sub     x0, x0, x1
    bl      puthex4
    print   v_msg
    ldr     x0, [x24, #264]
    sub     x0, x0, #1
    bl      puthex4
6:  print   newline
    mov     x30, x26
    ret

// puthex4 / puthex8 / puthex1: x0 printed as 4 / 8 / 1 hex digits. Clobbers x0, x9-x15.
puthex1:
    mov     x15, #0
    b       puthexn
puthex4:
    mov     x15, #12
    b       puthexn
puthex8:
    mov     x15, #28
puthexn:
    mov     x12, x30
    mov     x13, x0
1:  lsr     x0, x13, x15
    and     x0, x0, #0xf
    cmp     x0, #10
    add     x10, x0, #'0'
    add     x0, x0, #('a' - 10)
    csel    x0, x10, x0, lo
    bl      uart_putc
    subs    x15, x15, #4
    b.ge    1b
    mov     x30, x12
    ret
    .ltorg

done_msg:  .asciz "DONE\n"
fault_msg: .asciz "HARNESS FAULT esr=0x"
sp_msg:    .asciz " sp="
f_msg:     .asciz " f="
m_msg:     .asciz " m="
e_msg:     .asciz " E="
p_msg:     .asciz " P="
v_msg:     .asciz " V="
newline:   .asciz "\n"

    .section .rodata.seqtab, "a"     // last in the image: the generator appends the sequences after it
    .balign 16
info:
    .quad   seq_done
    .ascii  "DIFFTEST"
seqtab:
