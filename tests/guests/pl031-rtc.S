// pl031-rtc: the PL031 real-time clock (QEMU virt, gic-version=3): its PrimeCell IDs, RTCCR, RTCIMSC/RIS/MIS at
// reset; RTCMR set two seconds past RTCDR with the match unmasked, the match interrupt taken on SPI 2 (INTID 34)
// through the GIC while the virtual timer wakes the CPU every half second; RTCRIS/RTCMIS in the handler, before and
// after RTCICR; and that RTCDR advanced by at least two. Time values themselves are not printed (they differ between
// runs and machines); the number of timer wake-ups is not either.
    .include "common.inc"
    .include "gic.inc"

    .equ RTC_BASE, 0x09010000
    .equ RTCDR, 0x00
    .equ RTCMR, 0x04
    .equ RTCCR, 0x0c
    .equ RTCIMSC, 0x10
    .equ RTCRIS, 0x14
    .equ RTCMIS, 0x18
    .equ RTCICR, 0x1c
    .equ PPI_VIRT, 27
    .equ RTC_INTID, 34

// Prints the string at \str and the RTC register at offset \reg in decimal.
.macro print_rtc str, reg
    ldr     w20, [x23, #\reg]
    print_dec \str, x20
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    gic3_guest_start
    mov     x1, #PPI_VIRT
    mov     x2, #0xa0
    bl      gic3_ppi_setup
    msr     daifset, #2
    // SPI 2 (INTID 34): routed to CPU 0, Group 1, priority 0xa0, enabled.
    ldr     x24, =GICD_BASE
    add     x1, x24, #GICD_IROUTER
    str     xzr, [x1, #RTC_INTID * 8]
    gic3_spi_enable RTC_INTID, 0xa0
    dsb     sy

    ldr     x23, =RTC_BASE
    // PrimeCell IDs: the low bytes of 0xfe0..0xffc, first at the lowest.
    mov     x21, #0
    mov     x22, #0xffc
1:  ldr     w0, [x23, x22]
    and     x0, x0, #0xff
    orr     x21, x0, x21, lsl #8
    sub     x22, x22, #4
    cmp     x22, #0xfe0
    b.hs    1b
    print   s_ids
    mov     x0, x21
    bl      uart_puthex
    print   newline
    print_rtc s_cr, RTCCR
    print_rtc s_imsc, RTCIMSC
    print_rtc s_ris, RTCRIS
    print_rtc s_mis, RTCMIS
    print   newline

    ldr     w25, [x23, #RTCDR]
    add     w0, w25, #2
    str     w0, [x23, #RTCMR]
    mov     w0, #1
    str     w0, [x23, #RTCIMSC]
    ldr     w0, [x23, #RTCMR]
    sub     w20, w0, w25
    print_dec s_mr, x20
    print_rtc s_imsc, RTCIMSC
    print   newline

    mov     x26, #40                    // at most 20 s of half-second wake-ups
wait:
    ldr     x0, =31250000               // 0.5 s of the 62.5 MHz counter
    msr     cntv_tval_el0, x0
    mov     x0, #1
    msr     cntv_ctl_el0, x0
    isb
2:  wfi
    mrs     x0, isr_el1
    cbz     x0, 2b
    msr     daifclr, #2                 // take what is pending
    isb
    msr     daifset, #2
    ldr     x0, =rtc_seen
    ldr     w0, [x0]
    cbnz    w0, matched
    subs    x26, x26, #1
    b.ne    wait
    print   s_nomatch
    b       done
matched:
    msr     cntv_ctl_el0, xzr
    ldr     x27, =rtc_log
    ldr     w20, [x27, #0]
    print_dec s_intid, x20
    ldr     w20, [x27, #4]
    print_dec s_ris, x20
    ldr     w20, [x27, #8]
    print_dec s_mis, x20
    print   newline
    ldr     w20, [x27, #12]
    print_dec s_after_ris, x20
    ldr     w20, [x27, #16]
    print_dec s_mis, x20
    print   newline
    ldr     w0, [x23, #RTCDR]
    sub     w0, w0, w25
    cmp     w0, #2
    cset    x20, hs
    print_dec s_advanced, x20
    print   newline
done:
    psci_off
3:  wfi
    b       3b

// irq_handler: acknowledges; the timer is stopped (main re-arms it), the RTC match is logged and cleared.
irq_handler:
    mrs     x0, icc_iar1_el1
    cmp     x0, #PPI_VIRT
    b.ne    1f
    msr     cntv_ctl_el0, xzr
    b       2f
1:  cmp     x0, #RTC_INTID
    b.ne    2f
    ldr     x2, =rtc_log
    ldr     x3, =RTC_BASE
    str     w0, [x2, #0]
    ldr     w1, [x3, #RTCRIS]
    str     w1, [x2, #4]
    ldr     w1, [x3, #RTCMIS]
    str     w1, [x2, #8]
    mov     w1, #1
    str     w1, [x3, #RTCICR]
    ldr     w1, [x3, #RTCRIS]
    str     w1, [x2, #12]
    ldr     w1, [x3, #RTCMIS]
    str     w1, [x2, #16]
    mov     w1, #1
    ldr     x2, =rtc_seen
    str     w1, [x2]
2:  msr     icc_eoir1_el1, x0
    isb
    ret
    .ltorg

    .section .rodata
banner:      .asciz "pl031-rtc: PL031 on SPI 2\n"
s_ids:       .asciz "PrimeCell IDs (0xffc..0xfe0) "
s_cr:        .asciz "RTCCR "
s_imsc:      .asciz " RTCIMSC "
s_ris:       .asciz " RTCRIS "
s_mis:       .asciz " RTCMIS "
s_mr:        .asciz "RTCMR - RTCDR "
s_intid:     .asciz "match interrupt: INTID "
s_after_ris: .asciz "after RTCICR: RTCRIS "
s_advanced:  .asciz "RTCDR advanced by 2 or more: "
s_nomatch:   .asciz "no match interrupt in 20 s\n"
newline:     .asciz "\n"

    .bss
    .balign 8
rtc_seen:    .space 4
rtc_log:     .space 20
