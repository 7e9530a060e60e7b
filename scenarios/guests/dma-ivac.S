// dma-ivac: a buffer the VMM fills behind the guest's back (a device model doing DMA into guest RAM through the
// host's cacheable mapping) must survive the guest's DC IVAC. The guest, caches on, zeroes BUF, hands it to the
// "device" with DC CIVAC (the streaming-DMA protocol: no dirty line of its own may be written back over the device's
// data later), then waits in WFI until FLAG is non-zero. The VMM fills BUF with FILL (every byte 0x5a) and sets FLAG:
// the fill sits dirty in the host's cache. The guest invalidates BUF with DC IVAC and reads it. A plain invalidate
// broadcast to the inner shareable domain would discard the host's dirty lines and the guest would read the zeros
// in memory; at EL1 with HCR_EL2.VM = 1, DC IVAC is performed as DC CIVAC (Arm ARM: DC IVAC), so the host's data is
// written back first and nothing is lost.
// The clean half is visible in memory: after the guest's DC IVAC, memory (PoC) holds the VMM's bytes. As a control
// the VMM may pass x0 = 1: the guest leaves the DC IVAC out ("dma-ivac: leaving out DC IVAC"); its cacheable reads
// still hit the host's lines, but memory keeps the zeros.
// Prints "dma-ivac: buffer ok" or "dma-ivac: buffer lost: N of 512 words, first 0x...". Addresses: BUF = 0x4070_0000
// (4 KiB), FLAG = 0x4070_1000 (a quad).
    .include "scen.inc"
    .include "mmu.inc"

    .equ BUF,      SCRATCH
    .equ BUF_SIZE, 4096
    .equ FLAG,     SCRATCH + 0x1000
    .equ FILL,     0x5a5a5a5a5a5a5a5a

    .section .text.boot, "ax"
    .global _start
_start:
    mov     x27, x0                     // 1: leave the DC IVAC out (guest_init clobbers x0)
    guest_init
    print   s_banner
    mmu_build_tables
    mmu_enable
    mrs     x1, ctr_el0
    ubfx    x1, x1, #16, #4             // DminLine: log2(words)
    mov     x24, #4
    lsl     x24, x24, x1                // smallest data cache line in bytes
    ldr     x20, =BUF
    ldr     x21, =FLAG
    str     xzr, [x21]
    mov     x0, x20
    add     x1, x20, #BUF_SIZE
1:  stp     xzr, xzr, [x0], #16         // dirty zeros in the guest's cache
    cmp     x0, x1
    b.lo    1b
    mov     x0, x20                     // hand BUF to the device: clean+invalidate it to PoC
2:  dc      civac, x0
    add     x0, x0, x24
    cmp     x0, x1
    b.lo    2b
    dsb     sy
    print   s_wait
3:  ldr     x0, [x21]
    cbnz    x0, 4f
    wfi
    b       3b
4:  print   s_flag
    mov     x0, x20                     // DMA done: invalidate BUF before reading it
    add     x1, x20, #BUF_SIZE
    cbz     x27, 5f
    print   s_no_ivac
    add     x1, x20, #BUF_SIZE
    b       11f
5:  dc      ivac, x0
    add     x0, x0, x24
    cmp     x0, x1
    b.lo    5b
11: dsb     sy
    ldr     x3, =FILL
    mov     x22, #0                     // words that differ
    mov     x23, #0                     // first differing word
    mov     x0, x20
6:  ldr     x2, [x0], #8
    cmp     x2, x3
    b.eq    7f
    cbnz    x22, 8f
    mov     x23, x2
8:  add     x22, x22, #1
7:  cmp     x0, x1
    b.lo    6b
    cbnz    x22, 9f
    print   s_ok
    b       10f
9:  print_dec s_lost, x22
    print_hex s_first, x23
10: psci_off
    park
    .ltorg

    .section .rodata
s_banner: .asciz "dma-ivac: caches on\n"
s_wait:   .asciz "dma-ivac: buffer zeroed and handed over, waiting for the VMM\n"
s_flag:   .asciz "dma-ivac: flag set, DC IVAC over the buffer\n"
s_ok:     .asciz "dma-ivac: buffer ok\n"
s_no_ivac: .asciz "dma-ivac: leaving out DC IVAC\n"
s_lost:   .asciz "dma-ivac: buffer lost: "
s_first:  .asciz " of 512 words, first 0x"
