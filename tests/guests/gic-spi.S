// gic-spi: GICv3 SPI routing by GICD_IROUTER between two vCPUs (QEMU virt, gic-version=3, -smp 2).
//   1. SPI 40 routed to CPU 1 (Aff0 = 1) and made pending by GICD_ISPENDR: CPU 1 takes it, CPU 0 sees nothing.
//   2. Rerouted to CPU 0: CPU 0 takes it, CPU 1 does not.
//   3. Routed to an affinity no vCPU has: it stays pending, delivered nowhere; rerouted to CPU 1 it is taken there.
//   4. GICD_CTLR.EnableGrp1 = 0: a pending Group 1 SPI is not forwarded until the group is enabled again.
// CPU 1 records what it takes and CPU 0 prints it, so the output is deterministic.
    .include "common.inc"
    .include "gic.inc"

    .equ SPI, 40

.macro wait_count n
1:  ldar    w0, [x20]
    cmp     w0, #\n
    b.lo    1b
.endm

// Routes SPI 40 to the affinity in x0 (GICD_IROUTER40, 64-bit write).
.macro route
    add     x1, x24, #GICD_IROUTER
    str     x0, [x1, #SPI * 8]
    dsb     sy
.endm

.macro pend_spi
    mov     w0, #(1 << (SPI - 32))
    str     w0, [x24, #GICX_ISPENDR + 4]
    dsb     sy
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    irq_guest_start
    bl      gic3_dist_init
    mov     x0, #0
    bl      gic3_cpu_init
    ldr     x24, =GICD_BASE
    ldr     x20, =cpu1_count
    gic3_spi_enable SPI, 0x80
    msr     daifset, #2
    cpu_on_1 secondary
    ldr     x21, =cpu1_ready
1:  ldar    w0, [x21]
    cbz     w0, 1b

    // ---- 1. to CPU 1 ----
    mov     x0, #1
    route
    pend_spi
    wait_count 1
    bl      print_cpu1
    mrs     x22, isr_el1
    print_dec s_cpu0_isr, x22
    print   newline

    // ---- 2. to CPU 0 ----
    mov     x0, #0
    route
    pend_spi
1:  wfi
    mrs     x0, isr_el1
    cbz     x0, 1b
    msr     daifclr, #2
    isb
    msr     daifset, #2
    ldr     w22, [x20]
    print_dec s_cpu1_count, x22
    print   newline

    // ---- 3. nowhere, then CPU 1 ----
    mov     x0, #5
    route
    pend_spi
    ldr     w22, [x24, #GICX_ISPENDR + 4]
    ubfx    x22, x22, #(SPI - 32), #1
    print_dec s_nowhere_pend, x22
    mrs     x22, isr_el1
    print_dec s_isr2, x22
    ldr     x1, =GICD_BASE + GICD_IROUTER
    ldr     x22, [x1, #SPI * 8]
    print_dec s_irouter, x22
    print   newline
    mov     x0, #1
    route
    wait_count 2
    bl      print_cpu1

    // ---- 4. group disabled ----
    mov     w0, #0x10                   // ARE only: Group 1 disabled
    str     w0, [x24, #GICD_CTLR]
    dsb     sy
    pend_spi
    ldr     w22, [x24, #GICX_ISPENDR + 4]
    ubfx    x22, x22, #(SPI - 32), #1
    print_dec s_grp_off_pend, x22
    ldr     w22, [x20]
    print_dec s_count2, x22
    print   newline
    mov     w0, #0x12
    str     w0, [x24, #GICD_CTLR]
    dsb     sy
    wait_count 3
    bl      print_cpu1
    print   s_done
    psci_off
1:  wfi
    b       1b

// Prints CPU 1's entries not printed yet: "cpu1: irq N".
print_cpu1:
    mov     x25, x30
    ldr     x26, =cpu1_printed
    ldr     w27, [x26]
1:  ldr     w0, [x20]
    cmp     w27, w0
    b.hs    2f
    ldr     x1, =cpu1_log
    ldr     w22, [x1, x27, lsl #2]
    print_dec s_cpu1_irq, x22
    print   newline
    add     w27, w27, #1
    b       1b
2:  str     w27, [x26]
    mov     x30, x25
    ret

secondary:
    secondary_start
    mov     x0, #1
    bl      gic3_cpu_init
    ldr     x0, =cpu1_ready
    mov     w1, #1
    stlr    w1, [x0]
    msr     daifclr, #2
1:  wfi
    b       1b

irq_handler:
    stp     x19, x30, [sp, #-16]!
    mrs     x19, icc_iar1_el1
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cbnz    x0, 1f
    print_dec s_cpu0_irq, x19
    print   newline
    b       2f
1:  ldr     x0, =cpu1_count
    ldr     w1, [x0]
    ldr     x2, =cpu1_log
    str     w19, [x2, x1, lsl #2]
    add     w1, w1, #1
    stlr    w1, [x0]
2:  msr     icc_eoir1_el1, x19
    isb
    ldp     x19, x30, [sp], #16
    ret
    .ltorg

    .section .rodata
banner:         .asciz "gic-spi: SPI routing by GICD_IROUTER between two vCPUs\n"
s_cpu1_irq:     .asciz "cpu1: irq "
s_cpu0_irq:     .asciz "cpu0: irq "
s_cpu0_isr:     .asciz "cpu0 isr "
s_cpu1_count:   .asciz "cpu1 count "
s_nowhere_pend: .asciz "routed to aff 5: pending "
s_irouter:      .asciz " irouter "
s_isr2:         .asciz " cpu0 isr "
s_count2:       .asciz " cpu1 count "
s_grp_off_pend: .asciz "group 1 disabled: pending "
s_done:         .asciz "done\n"
newline:        .asciz "\n"

    .section .bss
    .balign 8
cpu1_ready:     .space 4
cpu1_count:     .space 4
cpu1_printed:   .space 4
    .balign 8
cpu1_log:       .space 64
