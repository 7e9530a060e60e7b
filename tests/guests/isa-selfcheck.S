// isa-selfcheck: exercises the base A64 integer ISA (ARMv8.0 + CRC32 + ARMv8.1 LSE atomics), compares every
// result with an expected constant, prints each failure and a summary on the PL011, and exits through
// semihosting SYS_EXIT_EXTENDED with the number of failures as status (0 = all passed).
// Reference run: qemu-system-aarch64 -M virt -cpu max -nographic -semihosting -kernel isa-selfcheck.elf
// (-cpu max because cortex-a57 has no LSE atomics).
    .include "common.inc"

    .equ DATA, 0x40300000          // scratch data area (RAM, MMU off)

// x0 = result; compares with \expect, counts checks in x27 and failures in x28.
.macro check id, expect
    ldr     x1, =\expect
    mov     x2, #\id
    bl      check_x0
.endm
// Checks NZCV (as read by MRS, bits 31:28) against \expect.
.macro checkflags id, expect
    mrs     x0, nzcv
    check   \id, \expect
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    mov     x27, #0
    mov     x28, #0
    ldr     x20, =DATA
    print   banner

// ---------------- add/sub immediate and register, flags ----------------
    mov     x3, #-1
    adds    x0, x3, #1
    check   100, 0
    checkflags 101, 0x60000000          // Z C
    ldr     x3, =0x7fffffffffffffff
    adds    x0, x3, #1
    checkflags 103, 0x90000000          // N V
    adds    x0, x3, #1
    check   102, 0x8000000000000000
    mov     w3, #0x80000000
    subs    w0, w3, #1
    checkflags 105, 0x30000000          // C V
    subs    w0, w3, #1
    check   104, 0x7fffffff
    mov     x3, #5
    subs    x0, x3, #5
    checkflags 106, 0x60000000          // Z C
    mov     x3, #3
    cmp     x3, #4
    checkflags 107, 0x80000000          // N
    add     x0, x3, #0xabc, lsl #12
    check   108, 0xabc003
    mov     w3, #-1
    add     w0, w3, #2                  // 32-bit wraps and zero-extends
    check   109, 1
    mov     x3, sp
    add     x0, sp, #16                 // SP as operand
    sub     x0, x0, x3
    check   110, 16
    mov     x4, #0x1234
    mov     x3, #-1
    add     x0, x4, x3, lsl #4
    check   111, 0x1224
    mov     x3, #0x80
    sub     x0, x4, x3, asr #3
    check   112, 0x1224
    mov     x3, #-16
    add     x0, x4, w3, sxtw #2         // extended register
    check   113, 0x11f4
    add     x0, x4, w3, uxtb
    check   114, 0x1324
    mov     x3, #0xffff
    sub     x0, x4, x3, sxth
    check   115, 0x1235
    neg     x0, x4
    check   116, 0xffffffffffffedcc
    // ADC/SBC
    mov     x3, #-1
    adds    xzr, x3, #1                 // C = 1
    mov     x4, #10
    adc     x0, x4, x4
    check   117, 21
    cmp     x4, #11                     // C = 0 (borrow)
    sbc     x0, x4, xzr
    check   118, 9
    mov     w3, #0x7fffffff
    cmp     w3, w3                      // C = 1
    adcs    w0, w3, wzr
    check   119, 0x80000000             // (check_x0 preserves NZCV)
    checkflags 120, 0x90000000
    ngc     x0, xzr                     // C = 0 after the overflowing ADCS: 0 - 0 - 1
    check   121, 0xffffffffffffffff

// ---------------- logical ----------------
    ldr     x3, =0xff00ff00ff00ff00
    and     x0, x3, #0x0ff00ff00ff00ff0
    check   200, 0x0f000f000f000f00
    orr     x0, xzr, #0x5555555555555555
    check   201, 0x5555555555555555
    eor     w0, w3, #0xffff
    check   202, 0xff0000ff
    ands    x0, x3, #0x8000000000000000
    checkflags 203, 0x80000000
    tst     x3, #1
    checkflags 204, 0x40000000
    mov     x4, #0xf0
    bic     x0, x3, x4, lsl #8
    check   205, 0xff00ff00ff000f00
    orn     x0, xzr, x4
    check   206, 0xffffffffffffff0f
    eon     x0, x3, x3, ror #8
    check   207, 0
    ldr     x4, =0x8000000000000001
    mvn     x0, x4
    check   208, 0x7ffffffffffffffe
    mov     x0, #0x1fffe                // ORR immediate via MOV alias
    check   209, 0x1fffe
    orr     w0, wzr, #0xaaaaaaaa
    check   210, 0xaaaaaaaa

// ---------------- move wide ----------------
    movz    x0, #0xbeef, lsl #48
    movk    x0, #0xdead, lsl #16
    check   300, 0xbeef0000dead0000
    movn    x0, #0
    check   301, 0xffffffffffffffff
    movn    w0, #0x1234, lsl #16
    check   302, 0xedcbffff
    mov     x0, #-0x10000
    check   303, 0xffffffffffff0000

// ---------------- bitfield, extract, shifts ----------------
    ldr     x3, =0x123456789abcdef0
    ubfx    x0, x3, #8, #12
    check   400, 0xcde
    sbfx    x0, x3, #28, #8
    check   401, 0xffffffffffffff89
    mov     x0, #-1
    bfi     x0, x3, #4, #8
    check   402, 0xffffffffffffff0f
    bfxil   x0, x3, #60, #4
    check   403, 0xffffffffffffff01
    ubfiz   w0, w3, #31, #1
    check   404, 0
    sxtb    x0, w3
    check   405, 0xfffffffffffffff0
    sxth    w0, w3
    check   406, 0xffffdef0
    sxtw    x0, w3
    check   407, 0xffffffff9abcdef0
    uxtb    w0, w3
    check   408, 0xf0
    lsl     x0, x3, #4
    check   409, 0x23456789abcdef00
    lsr     w0, w3, #31
    check   410, 1
    asr     x0, x3, #63
    check   411, 0
    ror     x0, x3, #4
    check   412, 0x0123456789abcdef
    extr    x0, x3, x3, #32
    check   413, 0x9abcdef012345678
    extr    w0, w3, wzr, #16
    check   414, 0xdef00000
    mov     x4, #68
    lsl     x0, x3, x4                  // LSLV takes the amount mod 64
    check   415, 0x23456789abcdef00
    asr     w0, w3, w4                  // mod 32 -> 4
    check   416, 0xf9abcdef
    ror     w0, w3, w4
    check   417, 0x09abcdef
    lsr     x0, x3, x4
    check   418, 0x0123456789abcdef

// ---------------- multiply / divide ----------------
    mov     x3, #-3
    mov     x4, #7
    mul     x0, x3, x4
    check   500, 0xffffffffffffffeb
    madd    x0, x3, x4, x4
    check   501, 0xfffffffffffffff2
    msub    x0, x3, x4, x4
    check   502, 28
    smull   x0, w3, w4
    check   503, 0xffffffffffffffeb
    umull   x0, w3, w4
    check   504, 0x6ffffffeb
    ldr     x5, =0x8000000000000000
    smulh   x0, x5, x5
    check   505, 0x4000000000000000
    umulh   x0, x3, x3                  // (2^64-3)^2 >> 64 = 2^64 - 6
    check   506, 0xfffffffffffffffa
    smaddl  x0, w3, w3, x4
    check   507, 16
    umsubl  x0, w4, w4, xzr
    check   508, 0xffffffffffffffcf
    sdiv    x0, x3, x4
    check   509, 0
    mov     x6, #-22
    sdiv    x0, x6, x4                  // truncates toward zero
    check   510, 0xfffffffffffffffd
    udiv    x0, x6, x4
    check   511, 0x249249249249248f
    sdiv    x0, x5, x3                  // INT_MIN / -3
    check   512, 0x2aaaaaaaaaaaaaaa
    mov     x7, #-1
    sdiv    x0, x5, x7                  // INT_MIN / -1 = INT_MIN (no trap)
    check   513, 0x8000000000000000
    udiv    x0, x4, xzr                 // divide by zero -> 0
    check   514, 0
    sdiv    w0, w6, wzr
    check   515, 0
    mov     w8, #0x80000000
    sdiv    w0, w8, w7
    check   516, 0x80000000

// ---------------- 1-source and CRC32 ----------------
    ldr     x3, =0x0000000000f0000f
    clz     x0, x3
    check   600, 40
    clz     w0, wzr
    check   601, 32
    mov     x4, #-2
    cls     x0, x4
    check   602, 62
    cls     w0, w3
    check   603, 7
    rbit    x0, x3
    check   604, 0xf0000f0000000000
    rbit    w0, w3
    check   605, 0xf0000f00
    ldr     x3, =0x0102030405060708
    rev     x0, x3
    check   606, 0x0807060504030201
    rev     w0, w3
    check   607, 0x08070605
    rev16   x0, x3
    check   608, 0x0201040306050807
    rev32   x0, x3
    check   609, 0x0403020108070605
    // CRC32 of the bytes "123456789" = 0xcbf43926, CRC32C = 0xe3069283 (standard check values).
    adr     x10, crcinput
    mov     w0, #-1
    mov     w11, #-1
    mov     x12, #9
1:  ldrb    w13, [x10], #1
    crc32b  w0, w0, w13
    crc32cb w11, w11, w13
    subs    x12, x12, #1
    b.ne    1b
    mvn     w0, w0
    mvn     w11, w11
    mov     x21, x11
    check   610, 0xcbf43926
    mov     x0, x21
    check   611, 0xe3069283
    mov     w0, #0
    mov     x3, #-1
    crc32x  w0, w0, x3
    check   612, 0x44660075         // raw CRC-32 (init 0, no final xor) of 8 x 0xff
    mov     w0, #0
    crc32cw w0, w0, w3
    check   613, 0xb798b438         // raw CRC-32C of 4 x 0xff
    mov     w0, #0
    mov     w4, #1
    crc32h  w0, w0, w4
    check   614, 0x191b3141         // raw CRC-32 of bytes 01 00

// ---------------- conditional ops ----------------
    mov     x3, #1
    mov     x4, #2
    cmp     x3, x4
    csel    x0, x3, x4, lt
    check   700, 1
    csinc   x0, x3, x4, ge
    check   701, 3
    csinv   x0, x3, x4, ge
    check   702, 0xfffffffffffffffd
    csneg   x0, x3, x4, ge
    check   703, 0xfffffffffffffffe
    cset    w0, ne
    check   704, 1
    csetm   x0, eq
    check   705, 0
    ccmp    x3, #1, #0b0010, eq         // eq false -> flags = 0b0010
    checkflags 706, 0x20000000
    ccmp    x3, x4, #0, ne              // ne true -> compare 1 vs 2 -> N
    checkflags 707, 0x80000000
    ccmn    x3, #31, #0b1111, mi        // mi true -> 1 + 31 -> no flags
    checkflags 708, 0
    csinc   x0, x4, x4, nv          // nv behaves as always -> x4
    check   709, 2
    csel    x0, x3, x4, nv              // nv behaves as always
    check   710, 1

// ---------------- loads and stores ----------------
    ldr     x3, =0x8899aabbccddeeff
    str     x3, [x20]
    ldrb    w0, [x20]
    check   800, 0xff
    ldrsb   x0, [x20, #1]
    check   801, 0xffffffffffffffee
    ldrh    w0, [x20, #6]
    check   802, 0x8899
    ldrsh   w0, [x20, #6]
    check   803, 0xffff8899
    ldrsw   x0, [x20, #4]
    check   804, 0xffffffff8899aabb
    ldr     w0, [x20, #4]
    check   805, 0x8899aabb
    add     x10, x20, #64
    mov     x4, #0x1122
    strh    w4, [x10, #-2]!             // pre-index
    sub     x0, x10, x20
    check   806, 62
    ldrh    w0, [x10], #2               // post-index
    check   807, 0x1122
    sub     x0, x10, x20
    check   808, 64
    mov     x11, #-8
    str     x3, [x10, x11]              // register offset
    ldr     x0, [x20, #56]
    check   809, 0x8899aabbccddeeff
    mov     w11, #-1
    ldr     x0, [x10, w11, sxtw #3]
    check   810, 0x8899aabbccddeeff
    mov     x11, #7
    ldr     x0, [x20, x11, lsl #3]
    check   811, 0x8899aabbccddeeff
    mov     x4, #0x77
    strb    w4, [x20, #3]
    ldr     w0, [x20]
    check   812, 0xccddeeff & 0x00ffffff | 0x77000000
    sturh   w4, [x20, #-2]
    ldrh    w0, [x20, #-2]
    check   813, 0x77
    ldr     x0, literal64
    check   814, 0x0123456789abcdef
    ldrsw   x0, literal32
    check   815, 0xfffffffff0000000
    // pairs
    mov     x4, #1
    mov     x5, #2
    stp     x4, x5, [x20, #16]
    ldp     x6, x7, [x20, #16]
    add     x0, x6, x7, lsl #4
    check   816, 0x21
    mov     x10, x20
    stp     w5, w4, [x10, #8]!
    sub     x0, x10, x20
    check   817, 8
    ldp     w6, w7, [x10], #-8
    add     x0, x6, x7, lsl #4
    check   818, 0x12
    sub     x0, x10, x20
    check   819, 0
    mov     w4, #-4
    str     w4, [x20, #32]
    str     w4, [x20, #36]
    ldpsw   x6, x7, [x20, #32]
    add     x0, x6, x7
    check   820, 0xfffffffffffffff8
    stnp    x3, x4, [x20, #48]
    ldnp    x6, x7, [x20, #48]
    eor     x0, x6, x3
    check   821, 0
    // acquire/release
    stlr    x3, [x20]
    ldar    x0, [x20]
    check   822, 0x8899aabbccddeeff
    stlrb   w4, [x20]
    ldarb   w0, [x20]
    check   823, 0xfc
    prfm    pldl1keep, [x20, #64]
    prfm    pstl2strm, [x20, x11]

// ---------------- exclusives ----------------
    clrex
    str     xzr, [x20]
    ldxr    x0, [x20]
    add     x0, x0, #5
    stxr    w9, x0, [x20]
    mov     x0, x9
    check   900, 0                      // success
    ldr     x0, [x20]
    check   901, 5
    mov     x0, #6
    stxr    w9, x0, [x20]               // no reservation -> fails
    mov     x0, x9
    check   902, 1
    ldr     x0, [x20]
    check   903, 5
    ldaxr   w0, [x20]
    clrex
    stlxr   w9, w0, [x20]               // cleared -> fails
    mov     x0, x9
    check   904, 1
    mov     x4, #0x11
    mov     x5, #0x22
    stp     x4, x5, [x20]
    ldxp    x6, x7, [x20]
    stxp    w9, x7, x6, [x20]
    mov     x0, x9
    check   905, 0
    ldp     x6, x7, [x20]
    add     x0, x7, x6, lsl #8
    check   906, 0x2211
    ldxrb   w0, [x20]
    stxrb   w9, w4, [x20]
    mov     x0, x9
    check   907, 0
    ldxrh   w0, [x20]
    check   908, 0x11

// ---------------- LSE atomics (ARMv8.1) ----------------
    mov     x3, #10
    str     x3, [x20]
    mov     x4, #5
    ldadd   x4, x0, [x20]
    check   1000, 10
    ldr     x0, [x20]
    check   1001, 15
    mov     x4, #0x3
    ldclral x4, x0, [x20]
    check   1002, 15
    ldr     x0, [x20]
    check   1003, 12
    mov     x4, #0xff
    ldeora  x4, x0, [x20]
    ldr     x0, [x20]
    check   1004, 0xf3
    mov     x4, #0x100
    ldsetl  x4, xzr, [x20]              // STSETL alias
    ldr     x0, [x20]
    check   1005, 0x1f3
    mov     x4, #-1
    ldsmax  x4, x0, [x20]
    ldr     x0, [x20]
    check   1006, 0x1f3
    ldsmin  x4, x0, [x20]
    ldr     x0, [x20]
    check   1007, 0xffffffffffffffff
    mov     x4, #7
    ldumin  x4, x0, [x20]
    ldr     x0, [x20]
    check   1008, 7
    mov     x4, #-2
    ldumax  x4, x0, [x20]
    ldr     x0, [x20]
    check   1009, 0xfffffffffffffffe
    mov     w4, #0x80
    ldaddb  w4, w0, [x20]               // byte add wraps: 0xfe + 0x80 = 0x7e
    check   1010, 0xfe
    ldr     x0, [x20]
    check   1011, 0xffffffffffffff7e
    mov     w4, #0x7fff
    ldsmaxh w4, w0, [x20]               // 0xff7e as signed halfword is negative
    ldrh    w0, [x20]
    check   1012, 0x7fff
    mov     x4, #42
    swpal   x4, x0, [x20]
    ldr     x0, [x20]
    check   1013, 42
    mov     x5, #42
    mov     x6, #99
    cas     x5, x6, [x20]               // matches -> stores 99, x5 = old
    mov     x0, x5
    check   1014, 42
    ldr     x0, [x20]
    check   1015, 99
    mov     x5, #1
    casal   x5, x6, [x20]               // mismatch -> no store, x5 = current
    mov     x0, x5
    check   1016, 99
    mov     w5, #99
    mov     w6, #7
    casb    w5, w6, [x20]
    ldr     x0, [x20]
    check   1017, 7
    mov     x4, #1
    mov     x5, #2
    stp     x4, x5, [x20]
    mov     x6, #1                      // compare pair (x6, x7) = (1, 2)
    mov     x7, #2
    mov     x8, #3                      // new pair (x8, x9) = (3, 4)
    mov     x9, #4
    casp    x6, x7, x8, x9, [x20]
    ldp     x4, x5, [x20]
    add     x0, x4, x5, lsl #8
    check   1018, 0x0403
    add     x0, x6, x7, lsl #8
    check   1019, 0x0201

// ---------------- branches ----------------
    mov     x0, #0
    cbz     x0, 1f
    mov     x0, #1
1:  check   1100, 0
    mov     x3, #0x8000
    tbnz    x3, #15, 1f
    mov     x0, #1
1:  tbz     x3, #15, 2f
    mov     x0, #2
2:  check   1101, 2
    adr     x3, 3f
    br      x3
    mov     x0, #3
3:  check   1102, 2
    bl      4f
    b       5f
4:  mov     x0, x30
    adr     x1, 4b - 8                 // address of the BL
    sub     x0, x0, x1
    ret
5:  check   1103, 4
    adrp    x0, _start
    and     x0, x0, #0xfff
    check   1104, 0

// ---------------- summary ----------------
    report_summary_and_exit

// check_x0: x0 result, x1 expected, x2 id.
check_x0:
    mrs     x26, nzcv                   // preserved so that flags can be checked after a value
    add     x27, x27, #1
    cmp     x0, x1
    b.ne    1f
    msr     nzcv, x26
    ret
1:  check_failed
    msr     nzcv, x26
    ret
    .ltorg

    .balign 8
literal64: .quad 0x0123456789abcdef
literal32: .word 0xf0000000

    .section .rodata
banner:   .asciz "isa-selfcheck: integer ISA self-test\n"
failmsg:  .asciz "FAIL #"
gotmsg:   .asciz ": got 0x"
expmsg:   .asciz " expected 0x"
summary1: .asciz "isa-selfcheck: "
summary2: .asciz " checks, failures: "
newline:  .asciz "\n"
crcinput: .ascii "123456789"
