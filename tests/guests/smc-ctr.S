// smc-ctr: self-modifying code that reads CTR_EL0 and honours IDC and DIC (Arm ARM D7.5.9 / B2.4.4: to make a data
// write visible to instruction fetches, DC CVAU to PoU unless CTR_EL0.IDC = 1, DSB ISH, IC IVAU unless
// CTR_EL0.DIC = 1, DSB ISH, ISB). The MMU and caches are on (cache-mmu.inc); patch_fn is one "MOV W0, #n; RET" in
// a line of its own, rewritten with a new n before each call. Steps:
//   1  the documented sequence, as CTR_EL0 allows                   -> must run the new code everywhere
//   2  broken: IC IVAU left out (DC CVAU unless IDC)                 -> may run the old code unless DIC = 1
//   3  broken: DC CVAU left out (IC IVAU unless DIC)                 -> may run the old code unless IDC = 1
// Each prints "new" (the instruction just written ran), "old" (the previous one ran) or "other N".
// Kind "model" in manifest.txt: QEMU has no caches (it always runs the new code); the expected outputs per
// configuration are in tests/Arm64Vm.Host.Tests/CacheGuestTests.cs.
    .include "common.inc"
    .include "cache-mmu.inc"

    .equ MOVZ_W0, 0x52800000            // MOVZ W0, #imm16 (imm16 at [20:5])

// Writes "MOV W0, #\n" over patch_fn's first instruction (a data store through the cacheable mapping). Clobbers x1.
.macro patch n
    ldr     w1, =(MOVZ_W0 | (\n << 5))
    str     w1, [x20]
.endm

// Calls patch_fn and reports: \n = the version just written, \n - 1 = the previous one.
.macro call_and_report n
    bl      patch_fn
    mov     x1, #\n
    bl      report
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    mmu_setup
    mrs     x1, ctr_el0
    ubfx    x25, x1, #28, #1            // IDC
    ubfx    x26, x1, #29, #1            // DIC
    ldr     x20, =patch_fn
    print   banner
    mov     x0, x25
    bl      uart_putdec
    print   s_dic
    mov     x0, x26
    bl      uart_putdec
    print   newline
    print   msg_first
    bl      patch_fn                    // version 1 runs: its line is now in the instruction cache
    bl      uart_putdec
    print   newline

    // 1: the documented sequence. x23/x24 = DC CVAU/IC IVAU performed.
    print   msg_step1
    patch   2
    mov     x23, #0
    mov     x24, #0
    cbnz    x25, 1f
    dc      cvau, x20
    mov     x23, #1
1:  dsb     ish
    cbnz    x26, 2f
    ic      ivau, x20
    dsb     ish
    mov     x24, #1
2:  isb
    call_and_report 2

    // 2: IC IVAU left out.
    print   msg_step2
    patch   3
    mov     x23, #0
    mov     x24, #0
    cbnz    x25, 1f
    dc      cvau, x20
    mov     x23, #1
1:  dsb     ish
    isb
    call_and_report 3

    // 3: DC CVAU left out.
    print   msg_step3
    patch   4
    mov     x23, #0
    mov     x24, #0
    dsb     ish
    cbnz    x26, 2f
    ic      ivau, x20
    dsb     ish
    mov     x24, #1
2:  isb
    call_and_report 4
    psci_off
3:  wfi
    b       3b
    .ltorg

    .section .text
    .balign 4
// report: x0 = what patch_fn returned, x1 = the version just written, x23/x24 = whether DC CVAU/IC IVAU ran.
// Prints "[DC CVAU yes|no, IC IVAU yes|no] outcome". Clobbers x0, x9-x15, x21, x22, x28.
report:
    mov     x28, x30
    mov     x21, x0
    mov     x22, x1
    print   s_cvau
    adr     x0, s_yes
    cbnz    x23, 1f
    adr     x0, s_no
1:  bl      uart_puts
    print   s_ivau
    adr     x0, s_yes
    cbnz    x24, 1f
    adr     x0, s_no
1:  bl      uart_puts
    print   s_close
    adr     x0, s_new
    cmp     x21, x22
    b.eq    2f
    adr     x0, s_old
    sub     x9, x22, #1
    cmp     x21, x9
    b.eq    2f
    adr     x0, s_other
    bl      uart_puts
    mov     x0, x21
    bl      uart_putdec
    adr     x0, newline
2:  bl      uart_puts
    mov     x30, x28
    ret
    .ltorg

// The code that is rewritten: alone in its 64-byte line (IminLine/DminLine), so maintenance of it touches nothing else.
    .section .text.smc, "ax"
    .balign 64
patch_fn:
    movz    w0, #1
    ret
    .balign 64

    .section .rodata
banner:    .asciz "smc-ctr: CTR_EL0.IDC="
s_dic:     .asciz " DIC="
msg_first: .asciz "first call: version "
msg_step1: .asciz "1 documented sequence "
msg_step2: .asciz "2 IC IVAU left out "
msg_step3: .asciz "3 DC CVAU left out "
s_cvau:    .asciz "[DC CVAU "
s_ivau:    .asciz ", IC IVAU "
s_close:   .asciz "]: "
s_yes:     .asciz "yes"
s_no:      .asciz "no"
s_new:     .asciz "new\n"
s_old:     .asciz "old\n"
s_other:   .asciz "other "
newline:   .asciz "\n"
