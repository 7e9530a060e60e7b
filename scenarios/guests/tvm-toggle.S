// tvm-toggle: a clean line left in the cache across a caches-off period must not hide what was written to memory
// meanwhile. With the caches on the guest cleans by set/way (trapped: KVM flushes the VM and starts trapping the VM
// controls with TVM), reads A (a clean line is allocated), turns the MMU and caches off (trapped: KVM flushes the VM
// again, which also invalidates A's line), writes A with the MMU off (Device: straight to memory), turns the caches
// back on (trapped: flush, TVM cleared) and reads A. Without the toggle flushes (no-toggle-flush) the clean line from
// before still answers: the old value.
// Prints "A ok: new value" or "A stale: old value". Address: A = 0x4070_0000 (OLD = 0x01d0..., NEW = 0x0e3e...).
    .include "scen.inc"
    .include "mmu.inc"

    .equ A,       SCRATCH
    .equ OLD,     0x01d0000000000a01
    .equ NEW,     0x0e3e000000000a02

    scen_start
    print   s_banner
    ldr     x20, =A
    ldr     x1, =OLD
    str     x1, [x20]                   // MMU off: memory
    mmu_build_tables
    mmu_enable
    print   s_on
    bl      dcache_cisw_all
    print   s_cisw
    ldr     x21, [x20]
    print_hex s_read1, x21
    bl      caches_off
    ldr     x1, =NEW
    str     x1, [x20]                   // MMU off: memory
    dsb     sy
    print   s_wrote
    bl      caches_on
    ldr     x21, [x20]
    ldr     x1, =NEW
    cmp     x21, x1
    b.ne    1f
    print   s_ok
    b       3f
1:  ldr     x1, =OLD
    cmp     x21, x1
    b.ne    2f
    print   s_stale
    b       3f
2:  print_hex s_other, x21
3:  psci_off
    park
    .ltorg

    .section .rodata
s_banner: .asciz "tvm-toggle: A = OLD written with the MMU off\n"
s_on:     .asciz "MMU and caches on\n"
s_cisw:   .asciz "cleaned the caches by set/way\n"
s_read1:  .asciz "caches on, A = 0x"
s_wrote:  .asciz "caches off, wrote NEW to A, caches on\n"
s_ok:     .asciz "A ok: new value\n"
s_stale:  .asciz "A stale: old value\n"
s_other:  .asciz "A unexpected: 0x"
