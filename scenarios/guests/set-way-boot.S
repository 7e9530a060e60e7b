// set-way-boot: two vCPUs dirty data with their caches on; vCPU 0 then cleans "all caches" by set/way (the loop over
// CLIDR_EL1/CCSIDR_EL1 that 32-bit kernels and firmware use before turning the caches off), turns its MMU and caches
// off and reads both vCPUs' data from memory. Set/way operations only reach the caches of the PE that executes them,
// so the data vCPU 1 left dirty in its own cache can reach memory only if the host traps set/way (HCR_EL2.TSW) and
// flushes the whole VM, then traps the caches-off write (TVM) and flushes again (H6). With FWB nothing is needed: the
// MMU-off reads are cacheable and coherent.
// The loop walks the machine's real geometry (levels 1 and 2 of the default Cortex-A57-like hierarchy: L1D 32 KiB
// 2-way, L2 2 MiB 16-way, 64-byte lines), as firmware that hard-codes its SoC's caches does, not CCSIDR_EL1, which
// KVM fabricates (one set, one way: every set/way operation traps and becomes a VM flush anyway). So without the
// trap the loop does clean vCPU 0's own caches, and what goes stale is only the data in vCPU 1's cache: the
// cross-PE evidence, nothing of the fabricated geometry.
// vCPU 0: MMU on, PSCI CPU_ON vCPU 1, waits for FLAG, writes DATA0, set/way loop, MMU+caches off, checks.
// vCPU 1: MMU on (same tables), writes DATA1, sets FLAG, CPU_OFF.
// Prints "vcpu0 data ok|stale" and "vcpu1 data ok|stale". Addresses: DATA0 = 0x4070_0100, DATA1 = 0x4070_1000,
// FLAG = 0x4070_2000 (8 quads of data each: word i = PATTERNn + i), stacks 0x4040_0000 / 0x403F_0000.
    .include "scen.inc"
    .include "mmu.inc"

    .equ DATA0,    SCRATCH + 0x100         // cache set 4: not the line a one-set-one-way loop would reach
    .equ DATA1,    SCRATCH + 0x1000
    .equ FLAG,     SCRATCH + 0x2000
    .equ PATTERN0, 0x00da7a0000000000
    .equ PATTERN1, 0x01da7a1000000000
    .equ WORDS,    8

    mmu_start
    print   s_cpu_on
    cpu_on_vcpu1 secondary, #0
    ldr     x20, =FLAG
1:  ldr     x0, [x20]
    cbz     x0, 1b
    print   s_flag
    // vCPU 1's caches-on write (trapped by TVM) flushed the VM: dirty DATA0 only now, so its way to memory is the
    // set/way clean below.
    ldr     x0, =DATA0
    ldr     x1, =PATTERN0
    bl      write_pattern
    print   s_wrote0
    bl      dcache_cisw_machine
    print   s_cisw
    bl      caches_off
    print   s_off
    ldr     x0, =DATA0
    ldr     x1, =PATTERN0
    bl      check_pattern
    adr     x21, s_vcpu0
    bl      report
    ldr     x0, =DATA1
    ldr     x1, =PATTERN1
    bl      check_pattern
    adr     x21, s_vcpu1
    bl      report
    psci_off
    park

    cpu_on_failed_exit

// vCPU 1 (entered by CPU_ON: EL1, MMU off, caches off).
secondary:
    ldr     x0, =STACK1_TOP
    mov     sp, x0
    mmu_enable
    ldr     x0, =DATA1
    ldr     x1, =PATTERN1
    bl      write_pattern
    dmb     ish
    ldr     x0, =FLAG
    mov     x1, #1
    str     x1, [x0]
    ldr     x0, =PSCI_CPU_OFF
    hvc     #0
    park

// dcache_cisw_machine: DC CISW over every set and way of level 1 (256 sets, 2 ways) and level 2 (2048 sets,
// 16 ways), 64-byte lines (SetWay: way in the top log2(ways) bits, set << 6, level - 1 in [3:1]). Clobbers x0-x8.
dcache_cisw_machine:
    dsb     sy
    adr     x0, cisw_levels
    mov     x1, #2                      // levels to walk
1:  ldp     w2, w3, [x0], #8            // sets, ways
    ldp     w4, w5, [x0], #8            // way shift, level field
    sub     x6, x3, #1                  // way
2:  sub     x7, x2, #1                  // set
3:  lsl     x8, x6, x4
    orr     x8, x8, x5
    orr     x8, x8, x7, lsl #6
    dc      cisw, x8
    subs    x7, x7, #1
    b.ge    3b
    subs    x6, x6, #1
    b.ge    2b
    subs    x1, x1, #1
    b.ne    1b
    dsb     sy
    isb
    ret
    .balign 8
cisw_levels:
    .word   256, 2, 31, 0               // L1D: 32 KiB / (2 ways x 64 B); way in bit 31; level 1
    .word   2048, 16, 28, 2             // L2: 2 MiB / (16 ways x 64 B); way in bits [31:28]; level 2

// write_pattern: x0 = address, x1 = pattern; word i = pattern + i. Clobbers x2, x3.
write_pattern:
    mov     x2, #0
1:  add     x3, x1, x2
    str     x3, [x0, x2, lsl #3]
    add     x2, x2, #1
    cmp     x2, #WORDS
    b.lo    1b
    ret

// check_pattern: x0 = address, x1 = pattern; returns x0 = words that differ, x1 = the first one read. Clobbers x2-x5.
check_pattern:
    mov     x4, x0
    mov     x0, #0
    mov     x2, #0
    ldr     x5, [x4]
1:  add     x3, x1, x2
    ldr     x6, [x4, x2, lsl #3]
    cmp     x3, x6
    cinc    x0, x0, ne
    add     x2, x2, #1
    cmp     x2, #WORDS
    b.lo    1b
    mov     x1, x5
    ret

// report: x21 = label, x0/x1 from check_pattern. Prints "<label> ok" or "<label> stale: N of 8 words, first 0x...".
report:
    mov     x28, x30
    mov     x22, x0
    mov     x23, x1
    mov     x0, x21
    bl      uart_puts
    cbnz    x22, 1f
    print   s_ok
    b       2f
1:  print_dec s_stale, x22
    print_hex s_first, x23
2:  mov     x30, x28
    ret
    .ltorg

    .section .rodata
s_banner:        .asciz "set-way-boot: vcpu0 up, caches on\n"
s_cpu_on:        .asciz "vcpu0 CPU_ON vcpu1\n"
s_wrote0:        .asciz "vcpu0 wrote its data\n"
s_cpu_on_failed: .asciz "CPU_ON failed: 0x"
s_flag:          .asciz "vcpu1 wrote its data\n"
s_cisw:          .asciz "vcpu0 cleaned the caches by set/way\n"
s_off:           .asciz "vcpu0 MMU and caches off\n"
s_vcpu0:         .asciz "vcpu0 data"
s_vcpu1:         .asciz "vcpu1 data"
s_ok:            .asciz " ok\n"
s_stale:         .asciz " stale: words differing "
s_first:         .asciz ", first 0x"
