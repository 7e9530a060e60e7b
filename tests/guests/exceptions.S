// exceptions: installs VBAR_EL1 vectors and checks synchronous exceptions end to end:
//   - SVC at EL1 (current EL, SPx vector): ESR_EL1 (EC 0x15, IL, imm16), ELR_EL1 (the next instruction),
//     SPSR_EL1 (NZCV, DAIF, EL1h) and the round trip through ERET (flags restored);
//   - UDF #0 and an unallocated word (0x1ac00400, DP 2-source opcode 000001): EC 0x00, ELR = the instruction,
//     skipped by the handler with ELR += 4;
//   - BRK #5: EC 0x3c, ELR = the BRK, skipped;
//   - an EL0 round trip: ERET to EL0, SVC #7 there (lower EL AArch64 vector), back to EL1.
// Prints what it saw and exits through semihosting SYS_EXIT_EXTENDED with the number of failed checks.
// Reference run: qemu-system-aarch64 -M virt -cpu cortex-a57 -nographic -semihosting -kernel exceptions.elf
    .include "common.inc"

.macro check id, expect
    ldr     x1, =\expect
    mov     x2, #\id
    bl      check_x0
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    mov     x27, #0
    mov     x28, #0
    adr     x0, vectors
    msr     vbar_el1, x0
    msr     daifset, #0xf
    isb
    print   banner

    // ---- SVC round trip at EL1 ----
    mov     x0, #0xa0000000             // N and C
    msr     nzcv, x0
    mov     x19, #0
svc_insn:
    svc     #0x1234
    mrs     x20, nzcv                   // flags restored by ERET from SPSR
    mov     x0, x19
    check   1, 1                        // handler ran once
    ldr     x21, =saved
    ldr     x0, [x21, #0]               // ESR
    check   2, 0x56001234               // EC 0x15 << 26 | IL | imm16
    ldr     x0, [x21, #8]               // ELR
    adr     x1, svc_insn + 4
    sub     x0, x0, x1
    check   3, 0
    ldr     x0, [x21, #16]              // SPSR
    check   4, 0xa00003c5               // NZCV | DAIF | EL1h
    mov     x0, x20
    check   5, 0xa0000000
    ldr     x0, [x21, #24]              // vector offset the handler was entered through
    check   6, 0x200
    print   svc_ok

    // ---- UDF #0 ----
    mov     x19, #0
udf_insn:
    udf     #0
    mov     x0, x19
    check   10, 1
    ldr     x0, [x21, #0]
    check   11, 0x02000000              // EC 0 (unknown reason), IL = 1
    ldr     x0, [x21, #8]
    adr     x1, udf_insn
    sub     x0, x0, x1
    check   12, 0
    print   udf_ok

    // ---- an unallocated encoding ----
    mov     x19, #0
unalloc_insn:
    .inst   0x1ac00400
    mov     x0, x19
    check   20, 1
    ldr     x0, [x21, #0]
    check   21, 0x02000000
    ldr     x0, [x21, #8]
    adr     x1, unalloc_insn
    sub     x0, x0, x1
    check   22, 0
    print   unalloc_ok

    // ---- BRK ----
    mov     x19, #0
brk_insn:
    brk     #5
    mov     x0, x19
    check   30, 1
    ldr     x0, [x21, #0]
    check   31, 0xf2000005              // EC 0x3c << 26 | IL | comment
    ldr     x0, [x21, #8]
    adr     x1, brk_insn
    sub     x0, x0, x1
    check   32, 0
    print   brk_ok

    // ---- EL0 round trip ----
    mov     x19, #0
    ldr     x0, =0x40380000
    msr     sp_el0, x0
    adr     x0, el0_code
    msr     elr_el1, x0
    msr     spsr_el1, xzr               // EL0t, flags clear, interrupts unmasked (none pending)
    isb
    eret
back_at_el1:
    mov     x0, x19
    check   40, 1
    ldr     x0, [x21, #0]
    check   41, 0x56000007
    ldr     x0, [x21, #24]
    check   42, 0x400                   // lower EL using AArch64
    ldr     x0, [x21, #16]
    and     x0, x0, #0xf
    check   43, 0                       // taken from EL0t
    mrs     x0, currentel
    check   44, 4                       // EL1
    print   el0_ok

    // ---- summary ----
    report_summary_and_exit

el0_code:
    mov     x0, #1
    svc     #7
1:  b       1b                          // not reached: the handler returns to EL1

// check_x0: x0 result, x1 expected, x2 id. Counts in x27 (checks) / x28 (failures).
check_x0:
    add     x27, x27, #1
    cmp     x0, x1
    b.ne    1f
    ret
1:  check_failed
    ret

// Common synchronous handler: x9 = vector offset. Records ESR/ELR/SPSR/offset, bumps x19,
// skips UDF/unallocated/BRK (ELR += 4), returns to EL1 for an SVC from EL0, then ERETs.
sync_common:
    ldr     x10, =saved
    mrs     x11, esr_el1
    mrs     x12, elr_el1
    mrs     x13, spsr_el1
    stp     x11, x12, [x10]
    stp     x13, x9, [x10, #16]
    add     x19, x19, #1
    lsr     x11, x11, #26
    cmp     x11, #0x15
    b.ne    1f
    cmp     x9, #0x400                  // SVC from EL0: go back to EL1
    b.ne    2f
    adr     x12, back_at_el1
    msr     elr_el1, x12
    mov     x13, #0x3c5
    msr     spsr_el1, x13
    b       2f
1:  add     x12, x12, #4                // UNDEFINED / BRK: skip the instruction
    msr     elr_el1, x12
2:  eret

unexpected:
    print   unexpected_msg
    mrs     x0, esr_el1
    bl      uart_puthex
    print   newline
    mov     x0, #255
    b       semihost_exit
    .ltorg

// Vector table: 16 entries of 0x80 bytes, 2 KiB aligned.
    .balign 2048
vectors:
    .irp off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
    .balign 0x80
    .if (\off == 0x200) || (\off == 0x400)
    mov     x9, #\off
    b       sync_common
    .else
    b       unexpected
    .endif
    .endr

    .section .rodata
banner:     .asciz "exceptions: vectors installed\n"
svc_ok:     .asciz "SVC at EL1: ESR, ELR, SPSR and ERET checked\n"
udf_ok:     .asciz "UDF #0: EC 0x00 trapped and skipped\n"
unalloc_ok: .asciz "unallocated 0x1ac00400: EC 0x00 trapped and skipped\n"
brk_ok:     .asciz "BRK #5: EC 0x3c trapped and skipped\n"
el0_ok:     .asciz "SVC from EL0: lower-EL vector, back at EL1\n"
failmsg:    .asciz "FAIL #"
gotmsg:     .asciz ": got 0x"
expmsg:     .asciz " expected 0x"
summary1:   .asciz "exceptions: "
summary2:   .asciz " checks, failures: "
unexpected_msg: .asciz "unexpected exception, ESR=0x"
newline:    .asciz "\n"

    .section .bss
    .balign 16
saved: .space 32
