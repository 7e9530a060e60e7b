// gic-sgi: GICv3 SGIs on two vCPUs (QEMU virt, gic-version=3, -smp 2).
//   1. CPU 0, IRQs masked: SGI 1 to itself is pending (HPPIR1, ISR_EL1.I) but not taken; unmasking takes it.
//   2. Preemption by priority: in SGI 1's handler (priority 0x80) SGI 3 (0xa0, lower) and SGI 2 (0x40, higher) are
//      sent and IRQs unmasked: only SGI 2 preempts (running priority 0x80 -> 0x40); SGI 3 waits until SGI 1 ends.
//   3. CPU 1 (PSCI CPU_ON) initialises its redistributor and waits in WFI; CPU 0 sends it SGI 5 by TargetList, and
//      CPU 1's handler answers with SGI 6 to CPU 0 (CPU 0 waits in WFI). Then SGI 7 with IRM = 1 (all but self)
//      reaches CPU 1 and not CPU 0.
// CPU 1 prints nothing: it records what it received and CPU 0 prints it, so the output is deterministic.
    .include "common.inc"
    .include "gic.inc"

    .section .text.boot, "ax"
    .global _start
_start:
    gic3_guest_start
    mov     x19, x0                     // CPU 0's SGI_base
    mov     x1, #1
    mov     x2, #0x80
    bl      gic3_ppi_setup
    mov     x0, x19
    mov     x1, #2
    mov     x2, #0x40
    bl      gic3_ppi_setup
    mov     x0, x19
    mov     x1, #3
    mov     x2, #0xa0
    bl      gic3_ppi_setup
    mov     x0, x19
    mov     x1, #6
    mov     x2, #0x80
    bl      gic3_ppi_setup
    mov     x0, x19
    mov     x1, #7
    mov     x2, #0x80
    bl      gic3_ppi_setup

    // ---- 1. pending while masked ----
    msr     daifset, #2
    mov     x0, #1
    mov     x1, #1                      // TargetList: Aff0 = 0
    bl      sgi_to
    mov     x20, #1000
1:  mrs     x21, icc_hppir1_el1
    cmp     x21, #1023
    b.ne    2f
    subs    x20, x20, #1
    b.ne    1b
2:  print_dec s_hppir, x21
    mrs     x21, isr_el1
    print_dec s_isr, x21
    ldr     w21, [x19, #GICX_ISPENDR]
    print_dec s_ispendr, x21
    print   newline
    msr     daifclr, #2
    isb
    msr     daifset, #2
    mrs     x21, icc_rpr_el1
    print_dec s_after, x21
    print   newline

    // ---- 3. CPU 1 ----
    cpu_on_1 secondary
    mov     x21, x0
    print_dec s_cpuon, x21
    print   newline
    ldr     x20, =cpu1_ready
1:  ldar    w0, [x20]
    cbz     w0, 1b
    print   s_ready
    ldr     x20, =cpu0_got6
    mov     x0, #5
    mov     x1, #2                      // TargetList: Aff0 = 1
    bl      sgi_to
    // Wait for SGI 6 in WFI with IRQs masked (WFI wakes on a pending IRQ even so), then unmask to take it.
1:  ldar    w0, [x20]
    cbnz    w0, 2f
    wfi
    msr     daifclr, #2
    isb
    msr     daifset, #2
    b       1b
2:  ldr     x20, =cpu1_count
1:  ldar    w0, [x20]
    cmp     w0, #1
    b.lo    1b
    bl      print_cpu1_log
    // SGI 7 to all but self (IRM = 1).
    mov     x0, #7
    lsl     x0, x0, #24
    orr     x0, x0, #(1 << 40)
    msr     icc_sgi1r_el1, x0
    isb
1:  ldar    w0, [x20]
    cmp     w0, #2
    b.lo    1b
    bl      print_cpu1_log
    ldr     w21, [x19, #GICX_ISPENDR]
    print_dec s_cpu0_pend, x21
    print   newline
    print   s_done
    psci_off
1:  wfi
    b       1b

// Prints CPU 1's log: "cpu1: sgi N rpr R" for every entry so far.
print_cpu1_log:
    mov     x24, x30
    ldr     x22, =cpu1_log
    ldr     w23, [x20]
    ldr     x25, =cpu1_printed
    ldr     w26, [x25]
1:  cmp     w26, w23
    b.hs    2f
    add     x21, x22, x26, lsl #3
    ldr     w21, [x21]
    print_dec s_cpu1_sgi, x21
    add     x21, x22, x26, lsl #3
    ldr     w21, [x21, #4]
    print_dec s_rpr, x21
    print   newline
    add     w26, w26, #1
    b       1b
2:  str     w26, [x25]
    mov     x30, x24
    ret

// ---- CPU 1 ----
secondary:
    secondary_start
    mov     x0, #1
    bl      gic3_cpu_init
    mov     x0, #1
    gicr_sgi_base
    mov     x19, x0
    mov     x1, #5
    mov     x2, #0x60
    bl      gic3_ppi_setup
    mov     x0, x19
    mov     x1, #7
    mov     x2, #0x60
    bl      gic3_ppi_setup
    ldr     x0, =cpu1_ready
    mov     w1, #1
    stlr    w1, [x0]
    msr     daifclr, #2
1:  wfi
    b       1b

// ---- IRQ handler (both CPUs) ----
irq_handler:
    stp     x19, x30, [sp, #-32]!
    stp     x20, x21, [sp, #16]
    mrs     x19, icc_iar1_el1
    mrs     x20, icc_rpr_el1
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cbnz    x0, cpu1_irq
    print_dec s_irq, x19
    print_dec s_rpr, x20
    print   newline
    cmp     x19, #1
    b.ne    1f
    mov     x0, #3                      // lower priority than the running one: must wait
    mov     x1, #1
    bl      sgi_to
    mov     x0, #2                      // higher: preempts
    mov     x1, #1
    bl      sgi_to
    msr     daifclr, #2
    isb
    msr     daifset, #2
1:  cmp     x19, #6
    b.ne    2f
    ldr     x0, =cpu0_got6
    mov     w1, #1
    stlr    w1, [x0]
2:  print_dec s_eoi, x19
    print   newline
    msr     icc_eoir1_el1, x19
    isb
    b       3f
cpu1_irq:
    ldr     x0, =cpu1_count
    ldr     w1, [x0]
    ldr     x2, =cpu1_log
    add     x2, x2, x1, lsl #3
    stp     w19, w20, [x2]
    cmp     x19, #5
    b.ne    4f
    mov     x0, #6                      // answer CPU 0
    mov     x1, #1
    bl      sgi_to
4:  msr     icc_eoir1_el1, x19
    isb
    ldr     x0, =cpu1_count
    ldr     w1, [x0]
    add     w1, w1, #1
    stlr    w1, [x0]
3:  ldp     x20, x21, [sp, #16]
    ldp     x19, x30, [sp], #32
    ret
    .ltorg

    .section .rodata
banner:       .asciz "gic-sgi: GICv3 SGIs, priorities, preemption, two vCPUs\n"
s_hppir:      .asciz "masked: hppir1 "
s_isr:        .asciz " isr "
s_ispendr:    .asciz " ispendr0 "
s_after:      .asciz "after unmask: rpr "
s_irq:        .asciz "cpu0: irq "
s_rpr:        .asciz " rpr "
s_eoi:        .asciz "cpu0: eoi "
s_cpuon:      .asciz "cpu_on "
s_ready:      .asciz "cpu1 ready\n"
s_cpu1_sgi:   .asciz "cpu1: sgi "
s_cpu0_pend:  .asciz "cpu0 ispendr0 after broadcast "
s_done:       .asciz "done\n"
newline:      .asciz "\n"

    .section .bss
    .balign 8
cpu1_ready:   .space 4
cpu0_got6:    .space 4
cpu1_count:   .space 4
cpu1_printed: .space 4
cpu1_log:     .space 64
