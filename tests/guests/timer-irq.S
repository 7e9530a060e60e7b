// timer-irq: the EL1 virtual and physical timers and their PPIs through the GICv3 (QEMU virt, gic-version=3).
//   1. CNTFRQ_EL0 = 62.5 MHz.
//   2. Virtual timer by TVAL (100 ms): not fired at once; WFI (IRQs masked) wakes when it fires; CTL reads ENABLE|ISTATUS,
//      TVAL has counted below zero; PPI 27 is taken: while the timer still asserts it, it is active and pending (level);
//      IMASK drops the output and the pending state goes.
//   3. Physical timer by CVAL (200 ms): WFI wake-up, CNTPCT >= CVAL, PPI 30; disabling the timer clears the pending state.
//   4. IMASK: an enabled timer with CVAL in the past and IMASK set has ISTATUS but signals nothing; clearing IMASK
//      signals PPI 30.
//   5. TVAL written negative: ISTATUS at once; CTL with ENABLE clear reads 0 whatever CVAL.
    .include "common.inc"
    .include "gic.inc"

    .equ PPI_VIRT, 27
    .equ PPI_PHYS, 30

.macro wait_irq
1:  wfi
    mrs     x0, isr_el1
    cbz     x0, 1b
.endm

.macro take_irq
    msr     daifclr, #2
    isb
    msr     daifset, #2
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    gic3_guest_start
    mov     x19, x0
    mov     x1, #PPI_VIRT
    mov     x2, #0xa0
    bl      gic3_ppi_setup
    mov     x0, x19
    mov     x1, #PPI_PHYS
    mov     x2, #0xa0
    bl      gic3_ppi_setup
    msr     daifset, #2

    // ---- 1 ----
    mrs     x20, cntfrq_el0
    print_dec s_frq, x20
    print   newline

    // ---- 2. virtual timer, TVAL ----
    ldr     x0, =6250000                // 100 ms: far beyond the few instructions to the read, even on a loaded host
    msr     cntv_tval_el0, x0
    mov     x0, #1
    msr     cntv_ctl_el0, x0
    isb
    mrs     x20, cntv_ctl_el0
    print_dec s_vctl, x20
    print   newline
    wait_irq
    mrs     x20, cntv_ctl_el0
    print_dec s_vctl_fired, x20
    mrs     x20, cntv_tval_el0
    ubfx    x20, x20, #31, #1           // TVAL is (CVAL - CNTVCT)[31:0]: negative now
    print_dec s_tval_neg, x20
    ldr     w20, [x19, #GICX_ISPENDR]
    ubfx    x20, x20, #PPI_VIRT, #1
    print_dec s_pend, x20
    print   newline
    take_irq
    bl      print_log

    // ---- 3. physical timer, CVAL ----
    mrs     x21, cntpct_el0
    ldr     x0, =12500000               // 200 ms
    add     x21, x21, x0
    msr     cntp_cval_el0, x21
    mov     x0, #1
    msr     cntp_ctl_el0, x0
    isb
    mrs     x20, cntp_ctl_el0
    print_dec s_pctl, x20
    print   newline
    wait_irq
    mrs     x20, cntpct_el0
    cmp     x20, x21
    cset    x20, hs
    print_dec s_pct_ge, x20
    mrs     x20, cntp_ctl_el0
    print_dec s_pctl_fired, x20
    print   newline
    take_irq
    bl      print_log

    // ---- 4. IMASK ----
    msr     cntp_cval_el0, xzr
    mov     x0, #3
    msr     cntp_ctl_el0, x0
    isb
    mrs     x20, cntp_ctl_el0
    print_dec s_masked_ctl, x20
    mrs     x20, isr_el1
    print_dec s_isr, x20
    ldr     w20, [x19, #GICX_ISPENDR]
    ubfx    x20, x20, #PPI_PHYS, #1
    print_dec s_pend, x20
    print   newline
    mov     x0, #1
    msr     cntp_ctl_el0, x0
    isb
    mov     x22, #1000
1:  mrs     x20, isr_el1
    cbnz    x20, 2f
    subs    x22, x22, #1
    b.ne    1b
2:  print_dec s_unmasked_isr, x20
    ldr     w20, [x19, #GICX_ISPENDR]
    ubfx    x20, x20, #PPI_PHYS, #1
    print_dec s_pend, x20
    print   newline
    take_irq
    bl      print_log

    // ---- 5. TVAL negative, ENABLE clear ----
    mov     x0, #3                      // enabled, masked: no interrupt
    msr     cntv_ctl_el0, x0
    mov     x0, #-100
    msr     cntv_tval_el0, x0
    isb
    mrs     x20, cntv_ctl_el0
    print_dec s_neg_ctl, x20
    mrs     x20, cntv_tval_el0
    ubfx    x20, x20, #31, #1
    print_dec s_tval_neg, x20
    msr     cntv_ctl_el0, xzr
    isb
    mrs     x20, cntv_ctl_el0
    print_dec s_off_ctl, x20
    mrs     x20, cntvct_el0
    mrs     x21, cntpct_el0
    cmp     x21, x20
    cset    x20, hs
    print_dec s_pct_vct, x20
    print   newline
    print   s_done
    psci_off
1:  wfi
    b       1b

// Prints what the handler logged: "irq N active A pend P | masked: pend Q".
print_log:
    mov     x25, x30
    ldr     x26, =log
    print_word s_irq, x26, 0
    print_word s_active, x26, 4
    print_word s_pend, x26, 8
    print_word s_after, x26, 12
    print   newline
    mov     x30, x25
    ret

// IRQ handler: acknowledge, log the active and pending bits of the PPI, stop the timer's output (virtual: IMASK;
// physical: disable), log the pending bit again, EOI.
irq_handler:
    stp     x19, x30, [sp, #-32]!
    stp     x20, x21, [sp, #16]
    mrs     x19, icc_iar1_el1
    ldr     x20, =log
    str     w19, [x20]
    mov     x0, #0
    gicr_sgi_base
    mov     x21, x0
    ldr     w0, [x21, #GICX_ISACTIVER]
    lsr     w0, w0, w19
    and     w0, w0, #1
    str     w0, [x20, #4]
    ldr     w0, [x21, #GICX_ISPENDR]
    lsr     w0, w0, w19
    and     w0, w0, #1
    str     w0, [x20, #8]
    cmp     x19, #PPI_VIRT
    b.ne    1f
    mov     x0, #3
    msr     cntv_ctl_el0, x0
    b       2f
1:  msr     cntp_ctl_el0, xzr
2:  isb
    ldr     w0, [x21, #GICX_ISPENDR]
    lsr     w0, w0, w19
    and     w0, w0, #1
    str     w0, [x20, #12]
    msr     icc_eoir1_el1, x19
    isb
    ldp     x20, x21, [sp, #16]
    ldp     x19, x30, [sp], #32
    ret
    .ltorg

    .section .rodata
banner:         .asciz "timer-irq: virtual and physical timers, TVAL/CVAL/IMASK, PPIs 27/30, WFI wake-up\n"
s_frq:          .asciz "cntfrq "
s_vctl:         .asciz "cntv_ctl after arming "
s_vctl_fired:   .asciz "woken: cntv_ctl "
s_tval_neg:     .asciz " tval negative "
s_pend:         .asciz " pending "
s_irq:          .asciz "irq "
s_active:       .asciz " active "
s_after:        .asciz " | output off: pending "
s_pctl:         .asciz "cntp_ctl after arming "
s_pct_ge:       .asciz "woken: cntpct >= cval "
s_pctl_fired:   .asciz " cntp_ctl "
s_masked_ctl:   .asciz "imask: cntp_ctl "
s_isr:          .asciz " isr "
s_unmasked_isr: .asciz "imask cleared: isr "
s_neg_ctl:      .asciz "tval -100: cntv_ctl "
s_off_ctl:      .asciz " disabled cntv_ctl "
s_pct_vct:      .asciz " cntpct >= cntvct "
s_done:         .asciz "done\n"
newline:        .asciz "\n"

    .section .bss
    .balign 8
log:            .space 16
