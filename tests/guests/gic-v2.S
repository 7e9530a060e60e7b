// gic-v2: the GICv2 distributor and memory-mapped CPU interface on two vCPUs (QEMU virt, gic-version=2, -smp 2).
//   1. GICD_TYPER (ITLinesNumber, CPUNumber), GICD_ISENABLER0 at reset (SGIs permanently enabled), ITARGETSR: INTID 0
//      reads the accessing CPU's bit, an SPI's byte written 0xff targets both CPUs (the bits of CPUs that do not exist
//      are RAZ/WI by the architecture and KVM, kept by QEMU's TCG GICv2: specs/deviations.md; a unit test checks them).
//   2. GICD_SGIR: CPU 0 -> CPU 1 by target list (SGI 3, source 0 in GICC_IAR [12:10]); CPU 1 answers SGI 4 to "all
//      but self" (CPU 0 reads 4 | 1 << 10); SGI 5 to "self only".
//   3. SPENDSGIR/CPENDSGIR: an SGI pending from source 0 shows in its byte and is withdrawn without being taken.
//   4. SPI 40 targeted at CPU 1 by ITARGETSR is taken there.
//   5. EOImode (GICC_CTLR bit 9): EOIR drops the running priority, the SGI stays active until GICC_DIR.
// CPU 1 records what it takes and CPU 0 prints it.
    .include "common.inc"
    .include "gic.inc"

    .equ GICC_BASE,   0x08010000
    .equ GICC_CTLR,   0x00
    .equ GICC_PMR,    0x04
    .equ GICC_BPR,    0x08
    .equ GICC_IAR,    0x0c
    .equ GICC_EOIR,   0x10
    .equ GICC_RPR,    0x14
    .equ GICC_DIR,    0x1000
    .equ GICD_ITARGETSR, 0x800
    .equ GICD_SGIR,   0xf00
    .equ GICD_CPENDSGIR, 0xf10
    .equ GICD_SPENDSGIR, 0xf20
    .equ SPI, 40

.macro wait_count n
1:  ldar    w0, [x20]
    cmp     w0, #\n
    b.lo    1b
.endm

.macro wait_irq_masked
1:  wfi
    mrs     x0, isr_el1
    cbz     x0, 1b
    msr     daifclr, #2
    isb
    msr     daifset, #2
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    irq_guest_start
    ldr     x24, =GICD_BASE
    ldr     x25, =GICC_BASE
    ldr     x20, =cpu1_count
    msr     daifset, #2
    mov     w0, #1
    str     w0, [x24, #GICD_CTLR]
    bl      gicc_init

    // ---- 1 ----
    ldr     w23, [x24, #GICD_TYPER]
    and     w22, w23, #0x1f
    print_dec s_itlines, x22
    ubfx    w22, w23, #5, #3
    print_dec s_cpunum, x22
    ldr     w22, [x24, #GICX_ISENABLER]
    print_dec s_isenabler0, x22
    ldrb    w22, [x24, #GICD_ITARGETSR]
    print_dec s_itargets0, x22
    mov     w0, #0xff
    add     x1, x24, #GICD_ITARGETSR
    strb    w0, [x1, #SPI]
    ldrb    w22, [x1, #SPI]
    and     w22, w22, #3                // the bits of the two CPUs that exist (the others: RAZ/WI here, kept by QEMU)
    print_dec s_itargets_spi, x22
    print   newline

    // ---- 2 ----
    mov     w0, #0x80
    add     x1, x24, #GICX_IPRIORITYR
    strb    w0, [x1, #4]
    strb    w0, [x1, #5]
    strb    w0, [x1, #6]
    cpu_on_1 secondary
    ldr     x21, =cpu1_ready
1:  ldar    w0, [x21]
    cbz     w0, 1b
    ldr     w0, =(2 << 16) | 3          // filter 0, target list CPU 1, SGI 3
    str     w0, [x24, #GICD_SGIR]
    wait_irq_masked                     // SGI 4 from CPU 1
    wait_count 1
    bl      print_cpu1
    ldr     w0, =(2 << 24) | 5          // filter 2: self only, SGI 5
    str     w0, [x24, #GICD_SGIR]
    wait_irq_masked

    // ---- 3 ----
    ldr     w0, =(2 << 24) | 6
    str     w0, [x24, #GICD_SGIR]
    ldrb    w22, [x24, #GICD_SPENDSGIR + 6]
    print_dec s_spendsgi, x22
    mov     w0, #1
    strb    w0, [x24, #GICD_CPENDSGIR + 6]
    ldrb    w22, [x24, #GICD_SPENDSGIR + 6]
    print_dec s_cpendsgi, x22
    mrs     x22, isr_el1
    print_dec s_isr, x22
    print   newline

    // ---- 4 ----
    mov     w0, #2
    add     x1, x24, #GICD_ITARGETSR
    strb    w0, [x1, #SPI]
    mov     w0, #0x80
    add     x1, x24, #GICX_IPRIORITYR
    strb    w0, [x1, #SPI]
    mov     w0, #(1 << (SPI - 32))
    str     w0, [x24, #GICX_ISENABLER + 4]
    str     w0, [x24, #GICX_ISPENDR + 4]
    wait_count 2
    bl      print_cpu1

    // ---- 5. EOImode ----
    ldr     w0, =(1 << 9) | 1
    str     w0, [x25, #GICC_CTLR]
    ldr     x0, =eoimode
    mov     w1, #1
    str     w1, [x0]
    ldr     w0, =(2 << 24) | 5
    str     w0, [x24, #GICD_SGIR]
    wait_irq_masked
    ldr     w22, [x24, #GICX_ISACTIVER]
    print_dec s_active_after_dir, x22
    print   newline
    print   s_done
    psci_off
1:  wfi
    b       1b

// GICC_CTLR = EnableGrp0, PMR 0xf0, BPR 0. Clobbers x0, x1.
gicc_init:
    ldr     x1, =GICC_BASE
    mov     w0, #0xf0
    str     w0, [x1, #GICC_PMR]
    str     wzr, [x1, #GICC_BPR]
    mov     w0, #1
    str     w0, [x1, #GICC_CTLR]
    ret

print_cpu1:
    mov     x26, x30
    ldr     x27, =cpu1_printed
    ldr     w28, [x27]
1:  ldr     w0, [x20]
    cmp     w28, w0
    b.hs    2f
    ldr     x1, =cpu1_log
    ldr     w22, [x1, x28, lsl #2]
    print_dec s_cpu1_iar, x22
    print   newline
    add     w28, w28, #1
    b       1b
2:  str     w28, [x27]
    mov     x30, x26
    ret

secondary:
    secondary_start
    bl      gicc_init
    ldr     x0, =GICD_BASE + GICX_IPRIORITYR
    mov     w1, #0x80
    strb    w1, [x0, #3]
    ldr     x0, =cpu1_ready
    mov     w1, #1
    stlr    w1, [x0]
    msr     daifclr, #2
1:  wfi
    b       1b

irq_handler:
    stp     x19, x30, [sp, #-32]!
    stp     x20, x21, [sp, #16]
    ldr     x21, =GICC_BASE
    ldr     w19, [x21, #GICC_IAR]
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cbnz    x0, 1f
    print_dec s_cpu0_iar, x19
    ldr     w20, [x21, #GICC_RPR]
    print_dec s_rpr, x20
    str     w19, [x21, #GICC_EOIR]
    ldr     w20, [x21, #GICC_RPR]
    print_dec s_rpr_eoi, x20
    ldr     x0, =eoimode
    ldr     w0, [x0]
    cbz     w0, 3f
    ldr     x0, =GICD_BASE
    ldr     w20, [x0, #GICX_ISACTIVER]
    print_dec s_active, x20
    and     w0, w19, #0x3ff
    str     w0, [x21, #GICC_DIR]
3:  print   newline
    b       2f
1:  ldr     x0, =cpu1_count
    ldr     w1, [x0]
    ldr     x2, =cpu1_log
    str     w19, [x2, x1, lsl #2]
    and     w3, w19, #0x3ff
    cmp     w3, #3
    b.ne    4f
    ldr     x4, =GICD_BASE
    ldr     w5, =(1 << 24) | 4          // filter 1: all but self, SGI 4
    str     w5, [x4, #GICD_SGIR]
4:  str     w19, [x21, #GICC_EOIR]
    add     w1, w1, #1
    stlr    w1, [x0]
2:  ldp     x20, x21, [sp, #16]
    ldp     x19, x30, [sp], #32
    ret
    .ltorg

    .section .rodata
banner:             .asciz "gic-v2: GICv2 distributor and CPU interface, SGIR target lists, ITARGETSR, EOImode\n"
s_itlines:          .asciz "typer itlines "
s_cpunum:           .asciz " cpunumber "
s_isenabler0:       .asciz " isenabler0 "
s_itargets0:        .asciz " itargetsr0 byte "
s_itargets_spi:     .asciz " spi itargetsr 0xff: cpu bits "
s_cpu0_iar:         .asciz "cpu0: iar "
s_cpu1_iar:         .asciz "cpu1: iar "
s_rpr:              .asciz " rpr "
s_rpr_eoi:          .asciz " after eoir rpr "
s_active:           .asciz " isactiver0 "
s_spendsgi:         .asciz "spendsgir sgi 6 "
s_cpendsgi:         .asciz " after cpendsgir "
s_isr:              .asciz " isr "
s_active_after_dir: .asciz "isactiver0 after dir "
s_done:             .asciz "done\n"
newline:            .asciz "\n"

    .section .bss
    .balign 8
cpu1_ready:     .space 4
cpu1_count:     .space 4
cpu1_printed:   .space 4
eoimode:        .space 4
    .balign 8
cpu1_log:       .space 64
