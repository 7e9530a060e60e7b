// smc-ctr: self-modifying code that honours CTR_EL0, for every IDC/DIC combination the host offers. With the MMU and
// caches on, the guest rewrites patch_fn ("MOVZ W0, #n; RET", alone in its 64-byte line) eight times and calls it
// after each rewrite, using exactly the maintenance CTR_EL0 asks for (Arm ARM B2.4.4, "Concurrent modification and
// execution of instructions", and the CTR_EL0 IDC/DIC descriptions): DC CVAU to PoU unless IDC = 1, DSB ISH, IC IVAU
// unless DIC = 1, DSB ISH, ISB. Every call must run the instruction just written. Then a control: one more rewrite
// with no maintenance at all (only DSB ISH and ISB), whose outcome depends on the caches (the old instruction unless
// IDC = DIC = 1, or the memory system is coherent) and is printed, not judged.
// Prints "smc-ctr: IDC=i DIC=d", "smc-ctr: DC CVAU used|skipped, IC IVAU used|skipped", "smc-ctr: 8 of 8 patches ran
// ok" (or "smc-ctr: patch N ran old code" for each failure) and "smc-ctr: control without maintenance ran new|old code".
// The VMM may pass in x0 maintenance to leave out (bit 0: DC CVAU, bit 1: IC IVAU; default 0): a deliberately broken
// guest, printing "smc-ctr: leaving out DC CVAU|IC IVAU", which must run old code unless IDC (DIC) makes the step
// unnecessary.
// Address: patch_fn = 0x4008_0800.
    .include "scen.inc"
    .include "mmu.inc"

    .equ MOVZ_W0, 0x52800000            // MOVZ W0, #imm16 (imm16 in [20:5])
    .equ ROUNDS,  8

    .section .text.boot, "ax"
    .global _start
_start:
    mov     x27, x0                     // maintenance to leave out (guest_init clobbers x0)
    guest_init
    mmu_build_tables
    mmu_enable
    read_idc_dic
    print_dec s_idc, x25
    print_dec s_dic, x26
    newline
    print   s_cvau
    adr     x0, s_used
    cbz     x25, 1f
    adr     x0, s_skipped
1:  bl      uart_puts
    print   s_ivau
    adr     x0, s_used
    cbz     x26, 2f
    adr     x0, s_skipped
2:  bl      uart_puts
    newline
    tbz     x27, #0, 4f
    mov     x25, #1                     // sync_code skips DC CVAU as if IDC were 1
    print   s_no_cvau
4:  tbz     x27, #1, 5f
    mov     x26, #1                     // and IC IVAU as if DIC were 1
    print   s_no_ivau
5:
    ldr     x20, =patch_fn
    bl      patch_fn                    // version 1 is now in the instruction cache
    mov     x22, #0                     // patches that ran
    mov     x21, #2                     // the version to write
3:  mov     x0, x21
    bl      write_version
    sync_code x20
    bl      patch_fn
    cmp     x0, x21
    b.ne    6f
    add     x22, x22, #1
    b       7f
6:  mov     x23, x21
    print_dec s_failed, x23
    print   s_failed2
7:  add     x21, x21, #1
    cmp     x21, #(ROUNDS + 2)
    b.lo    3b
    print_dec s_ran, x22
    print   s_ran2
    // The control: no maintenance.
    mov     x0, #100
    bl      write_version
    dsb     ish
    isb
    bl      patch_fn
    mov     x23, x0
    print   s_control
    adr     x0, s_new
    cmp     x23, #100
    b.eq    8f
    adr     x0, s_old
8:  bl      uart_puts
    psci_off
    park

// write_version: x0 = n; stores "MOVZ W0, #n" over patch_fn's first instruction (x20). Clobbers x1.
write_version:
    ldr     w1, =MOVZ_W0
    orr     w1, w1, w0, lsl #5
    str     w1, [x20]
    ret
    .ltorg

    patch_fn_line 0x800

    .section .rodata
s_idc:     .asciz "smc-ctr: IDC="
s_dic:     .asciz " DIC="
s_cvau:    .asciz "smc-ctr: DC CVAU "
s_ivau:    .asciz ", IC IVAU "
s_used:    .asciz "used"
s_no_cvau: .asciz "smc-ctr: leaving out DC CVAU\n"
s_no_ivau: .asciz "smc-ctr: leaving out IC IVAU\n"
s_skipped: .asciz "skipped"
s_failed:  .asciz "smc-ctr: patch "
s_failed2: .asciz " ran old code\n"
s_ran:     .asciz "smc-ctr: "
s_ran2:    .asciz " of 8 patches ran ok\n"
s_control: .asciz "smc-ctr: control without maintenance ran "
s_new:     .asciz "new code\n"
s_old:     .asciz "old code\n"
