// pmu-cache: the PMU's cache events (specs/deviations.md, PMU) as a guest measures them. Six counters count
// L1D_CACHE_REFILL, L1D_CACHE, L2D_CACHE, L2D_CACHE_REFILL, MEM_ACCESS and L1D_CACHE_WB while one load per line
// strides over the 64 lines of a page: first cold (nothing of the page in any cache), then again (every line in the
// L1D). The guest prints which cache events PMCEID0_EL0 advertises and the six counts of each pass.
// Kind "model" in manifest.txt: QEMU has no caches; the expected outputs per --cache-model, derived from the cache
// geometry, are in tests/Arm64Vm.Host.Tests/CacheGuestTests.cs.
    .include "common.inc"
    .include "flat-mmu.inc"

    .equ BUF,      0x40700000           // the measured page (4 KiB aligned, RAM, away from code, data and stack)
    .equ WARM,     0x40710000           // a page the warm-up pass strides over
    .equ LINES,    64                   // one load per 64-byte line of a 4 KiB page
    .equ EVT_L1D_CACHE_REFILL, 0x03
    .equ EVT_L1D_CACHE,        0x04
    .equ EVT_MEM_ACCESS,       0x13
    .equ EVT_L1D_CACHE_WB,     0x15
    .equ EVT_L2D_CACHE,        0x16
    .equ EVT_L2D_CACHE_REFILL, 0x17
    // PMCEID0_EL0 bits of the cache events (L1I_CACHE_REFILL, L1D_CACHE_REFILL, L1D_CACHE, L1I_CACHE, L1D_CACHE_WB,
    // L2D_CACHE, L2D_CACHE_REFILL, L2D_CACHE_WB).
    .equ CACHE_EVENTS, 0x1F0001A

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    flat_mmu_on mmu_l1_table

    // Counter n counts event n of the list above at EL0 and EL1 (PMEVTYPER<n>_EL0.P = U = 0).
    mov     x0, #EVT_L1D_CACHE_REFILL
    msr     pmevtyper0_el0, x0
    mov     x0, #EVT_L1D_CACHE
    msr     pmevtyper1_el0, x0
    mov     x0, #EVT_L2D_CACHE
    msr     pmevtyper2_el0, x0
    mov     x0, #EVT_L2D_CACHE_REFILL
    msr     pmevtyper3_el0, x0
    mov     x0, #EVT_MEM_ACCESS
    msr     pmevtyper4_el0, x0
    mov     x0, #EVT_L1D_CACHE_WB
    msr     pmevtyper5_el0, x0
    mov     x0, #1                      // PMCR_EL0.E: the counters enabled by PMCNTENSET count
    msr     pmcr_el0, x0
    isb

    print   advertised
    mrs     x0, pmceid0_el0
    ldr     x1, =CACHE_EVENTS
    and     x0, x0, x1
    bl      uart_puthex
    mov     w0, #'\n'
    bl      uart_putc

    // The warm-up pass brings the measuring code into the L1I, so that the passes below count data accesses only.
    ldr     x0, =WARM
    bl      measure
    // The measured page: a load fills its translation into the TLB, DC IVAC then takes its line out of every cache
    // again (the line is clean), so the cold pass starts with the page's translation cached and none of its lines.
    ldr     x19, =BUF
    ldr     x0, [x19]
    dc      ivac, x19
    dsb     sy
    isb

    print   cold
    mov     x0, x19
    bl      measure
    bl      print_counts
    print   warm
    mov     x0, x19
    bl      measure
    bl      print_counts

    psci_off
1:  wfi
    b       1b

// measure: x0 = a 4 KiB-aligned page. Resets the six event counters, counts one load of each of its lines, and stops
// the counters. The stack line the printing dirtied is cleaned first, so that an L1D too small for the page evicts
// only clean lines while the counters count (L1D_CACHE_WB stays 0). Clobbers x0-x3.
measure:
    sub     x1, sp, #64
    dc      cvac, x1
    dsb     sy
    mov     x1, #LINES
    mov     x2, #0x3F
    mov     x3, #0x3                    // PMCR_EL0.E | P: reset the event counters
    msr     pmcr_el0, x3
    msr     pmcntenset_el0, x2
    isb
1:  ldr     x3, [x0], #64
    subs    x1, x1, #1
    b.ne    1b
    msr     pmcntenclr_el0, x2
    isb
    ret

// print_counts: the six counters, in decimal, one line. Clobbers x0-x15, x20, x21.
print_counts:
    mov     x21, x30
    print   n_l1d_refill
    mrs     x0, pmevcntr0_el0
    bl      uart_putdec
    print   n_l1d
    mrs     x0, pmevcntr1_el0
    bl      uart_putdec
    print   n_l2d
    mrs     x0, pmevcntr2_el0
    bl      uart_putdec
    print   n_l2d_refill
    mrs     x0, pmevcntr3_el0
    bl      uart_putdec
    print   n_mem
    mrs     x0, pmevcntr4_el0
    bl      uart_putdec
    print   n_l1d_wb
    mrs     x0, pmevcntr5_el0
    bl      uart_putdec
    mov     w0, #'\n'
    bl      uart_putc
    mov     x30, x21
    ret

    .section .rodata
advertised:   .asciz "pmu-cache: PMCEID0_EL0 cache events "
cold:         .asciz "cold pass:"
warm:         .asciz "warm pass:"
n_l1d_refill: .asciz " L1D_CACHE_REFILL "
n_l1d:        .asciz " L1D_CACHE "
n_l2d:        .asciz " L2D_CACHE "
n_l2d_refill: .asciz " L2D_CACHE_REFILL "
n_mem:        .asciz " MEM_ACCESS "
n_l1d_wb:     .asciz " L1D_CACHE_WB "

    .section .data
    .balign 4096
mmu_l1_table:
    .fill 512, 8, 0
