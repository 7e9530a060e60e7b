// gic-active: the GICv3 active state, EOImode, priority mask and SPIs on one vCPU (QEMU virt, gic-version=3).
//   1. EOImode = 1: EOIR1 only drops the running priority (RPR back to idle, AP1R0 clear); the SGI stays active, so a
//      second SGI 1 is pending but not signalled (HPPIR1 1023, ISR_EL1 0) until ICC_DIR_EL1 deactivates it.
//   2. EOImode = 0: EOIR1 drops priority and deactivates (GICR_ISACTIVER0 clear).
//   3. PMR: an SGI of priority 0x80 is masked by PMR 0x80 and signalled with PMR 0x88.
//   4. An SPI (INTID 64, edge, routed to this vCPU by GICD_IROUTER): set active by GICD_ISACTIVER it is not signalled
//      when made pending; GICD_ICACTIVER lets it in.
//   5. Register values: IPRIORITYR byte lanes (values with five significant bits: KVM keeps five, QEMU's TCG eight),
//      GICD_TYPER.ITLinesNumber, GICR_TYPER.Last, Processor_Number and affinity, GICR_WAKER after the handshake.
    .include "common.inc"
    .include "gic.inc"

    .equ SPI, 64

.macro show str, reg
    print_dec \str, \reg
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    gic3_guest_start
    mov     x19, x0
    mov     x1, #1
    mov     x2, #0x80
    bl      gic3_ppi_setup
    ldr     x20, =irq_count
    ldr     x21, =log

    // ---- 1. EOImode = 1 ----
    mov     x0, #2
    msr     icc_ctlr_el1, x0
    isb
    mov     x0, #1
    mov     x1, #1
    bl      sgi_to
    msr     daifclr, #2
    isb
    msr     daifset, #2
    bl      print_log
    // The handler sent SGI 1 again after EOIR and looked at it (logged); it deactivated with DIR last, so the second
    // SGI 1 was taken after the handler returned and also logged.
    mrs     x22, icc_rpr_el1
    show    s_rpr_end, x22
    print   newline

    // ---- 2. EOImode = 0 ----
    msr     icc_ctlr_el1, xzr
    isb
    mov     x0, #1
    mov     x1, #1
    bl      sgi_to
    msr     daifclr, #2
    isb
    msr     daifset, #2
    bl      print_log

    // ---- 3. PMR ----
    mov     x0, #0x80
    msr     icc_pmr_el1, x0
    isb
    mov     x0, #1
    mov     x1, #1
    bl      sgi_to
    mrs     x22, isr_el1
    show    s_pmr80, x22
    mrs     x22, icc_hppir1_el1
    show    s_hppir, x22
    mov     x0, #0x88
    msr     icc_pmr_el1, x0
    isb
    mov     x23, #1000
1:  mrs     x22, isr_el1
    cbnz    x22, 2f
    subs    x23, x23, #1
    b.ne    1b
2:  show    s_pmr88, x22
    print   newline
    msr     daifclr, #2
    isb
    msr     daifset, #2
    bl      print_log
    mov     x0, #0xf0
    msr     icc_pmr_el1, x0
    isb

    // ---- 4. SPI 64, active before pending ----
    ldr     x24, =GICD_BASE
    mov     w0, #1                      // Group 1 (GICD_IGROUPR2 bit 0)
    str     w0, [x24, #GICX_IGROUPR + 8]
    mov     w0, #0x90
    add     x1, x24, #GICX_IPRIORITYR
    strb    w0, [x1, #SPI]
    mov     w0, #2                      // edge-triggered (GICD_ICFGR4, Int_config[1] of INTID 64)
    str     w0, [x24, #GICX_ICFGR + 16]
    add     x1, x24, #GICD_IROUTER
    str     xzr, [x1, #SPI * 8]         // Aff 0.0.0.0
    mov     w0, #1
    str     w0, [x24, #GICX_ISENABLER + 8]
    str     w0, [x24, #GICX_ISACTIVER + 8]
    str     w0, [x24, #GICX_ISPENDR + 8]
    dsb     sy
    isb
    ldr     w22, [x24, #GICX_ISPENDR + 8]
    show    s_spi_pend, x22
    ldr     w22, [x24, #GICX_ISACTIVER + 8]
    show    s_spi_act, x22
    mrs     x22, isr_el1
    show    s_isr, x22
    mrs     x22, icc_hppir1_el1
    show    s_hppir, x22
    print   newline
    mov     w0, #1
    str     w0, [x24, #GICX_ICACTIVER + 8]
    dsb     sy
    mov     x23, #1000
1:  mrs     x22, isr_el1
    cbnz    x22, 2f
    subs    x23, x23, #1
    b.ne    1b
2:  msr     daifclr, #2
    isb
    msr     daifset, #2
    bl      print_log
    ldr     w22, [x24, #GICX_ISACTIVER + 8]
    show    s_spi_act, x22
    print   newline

    // ---- 5. register values ----
    mov     w0, #0xa8
    add     x1, x19, #GICX_IPRIORITYR
    strb    w0, [x1, #9]
    mov     w0, #0x58
    strb    w0, [x1, #11]
    ldrb    w22, [x1, #9]
    show    s_prio, x22
    ldr     w22, [x1, #8]
    show    s_prio_word, x22
    ldr     w22, [x24, #GICD_TYPER]
    and     w22, w22, #0x1f
    show    s_itlines, x22
    print   newline
    ldr     x1, =GICR_BASE
    ldr     x22, [x1, #GICR_TYPER]
    ubfx    x23, x22, #4, #1
    show    s_last, x23
    ubfx    x23, x22, #8, #16
    show    s_procnum, x23
    lsr     x23, x22, #32
    show    s_aff, x23
    ldr     w22, [x1, #GICR_WAKER]
    show    s_waker, x22
    print   newline
    print   s_done
    psci_off
1:  wfi
    b       1b

// Prints the log entries the handler wrote since the last call: "irq N rpr R ap A active V pend P" and so on.
print_log:
    mov     x25, x30
    ldr     x26, =log_printed
    ldr     w27, [x26]
1:  ldr     w0, [x20]
    cmp     w27, w0
    b.hs    2f
    add     x28, x21, x27, lsl #5
    print_word s_irq, x28, 0
    print_word s_rpr, x28, 4
    print_word s_ap, x28, 8, uart_puthex
    print_word s_after_eoi, x28, 12
    print_word s_active, x28, 16
    print_word s_pend, x28, 20
    print_word s_hppir, x28, 24
    print_word s_isr, x28, 28
    print   newline
    add     w27, w27, #1
    b       1b
2:  str     w27, [x26]
    mov     x30, x25
    ret

// IRQ handler: acknowledges, logs RPR and AP1R0, EOIR1, then logs RPR, the active and pending bits of the INTID, HPPIR1
// and ISR_EL1. With EOImode = 1 on the first SGI 1: sends SGI 1 again before logging, then deactivates with DIR.
irq_handler:
    stp     x19, x30, [sp, #-48]!
    stp     x20, x21, [sp, #16]
    stp     x22, x23, [sp, #32]
    mrs     x19, icc_iar1_el1
    ldr     x20, =irq_count
    ldr     w21, [x20]
    ldr     x22, =log
    add     x22, x22, x21, lsl #5
    str     w19, [x22]
    mrs     x0, icc_rpr_el1
    str     w0, [x22, #4]
    mrs     x0, icc_ap1r0_el1
    str     w0, [x22, #8]
    msr     icc_eoir1_el1, x19
    isb
    mrs     x23, icc_ctlr_el1
    tbz     x23, #1, 1f
    cbnz    w21, 1f                     // only the first interrupt of the guest re-sends
    mov     x0, #1
    mov     x1, #1
    bl      sgi_to
1:  mrs     x0, icc_rpr_el1
    str     w0, [x22, #12]
    // active / pending bit of this INTID: redistributor bank for INTIDs < 32, distributor bank 2 for INTID 64
    cmp     x19, #32
    b.hs    2f
    mov     x0, #0
    gicr_sgi_base
    mov     x1, x19
    b       3f
2:  ldr     x0, =GICD_BASE + 8
    sub     x1, x19, #64
3:  ldr     w2, [x0, #GICX_ISACTIVER]
    lsr     w2, w2, w1
    and     w2, w2, #1
    str     w2, [x22, #16]
    ldr     w2, [x0, #GICX_ISPENDR]
    lsr     w2, w2, w1
    and     w2, w2, #1
    str     w2, [x22, #20]
    mrs     x0, icc_hppir1_el1
    str     w0, [x22, #24]
    mrs     x0, isr_el1
    str     w0, [x22, #28]
    add     w21, w21, #1
    str     w21, [x20]
    tbz     x23, #1, 4f
    msr     icc_dir_el1, x19            // EOImode = 1: deactivate now
    isb
4:  ldp     x22, x23, [sp, #32]
    ldp     x20, x21, [sp, #16]
    ldp     x19, x30, [sp], #48
    ret
    .ltorg

    .section .rodata
banner:       .asciz "gic-active: active state, EOImode, PMR, SPI routing, register values\n"
s_irq:        .asciz "irq "
s_rpr:        .asciz " rpr "
s_ap:         .asciz " ap1r0 "
s_after_eoi:  .asciz " | after eoi: rpr "
s_active:     .asciz " active "
s_pend:       .asciz " pend "
s_hppir:      .asciz " hppir1 "
s_isr:        .asciz " isr "
s_rpr_end:    .asciz "rpr at end "
s_pmr80:      .asciz "pmr 0x80: isr "
s_pmr88:      .asciz " pmr 0x88: isr "
s_spi_pend:   .asciz "spi ispendr2 "
s_spi_act:    .asciz " isactiver2 "
s_prio:       .asciz "ipriorityr byte 9 <- 0xa8, 11 <- 0x58: byte 9 "
s_prio_word:  .asciz " word "
s_itlines:    .asciz " itlines "
s_last:       .asciz "gicr_typer last "
s_procnum:    .asciz " processor "
s_aff:        .asciz " affinity "
s_waker:      .asciz " waker "
s_done:       .asciz "done\n"
newline:      .asciz "\n"

    .section .bss
    .balign 8
irq_count:    .space 4
log_printed:  .space 4
log:          .space 32 * 16
