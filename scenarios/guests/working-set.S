// working-set: touches a working set the VMM chooses, reboots and touches it again, for the cost comparison of the
// two re-init strategies (scenarios/sweep-working-set.yaml): unmap at re-init and fault lazily (KVM, H1/H2/H3) or
// clean the whole VM at re-init (eager-flush-on-init). The VMM passes the number of pages in x0 (set-registers
// before each boot). With its MMU and caches on, each boot stores the boot number into the first quad of each page
// from PAGES (0x4080_0000) on, one page after another, so the pages are dirty in the guest's caches at the reset.
// Boot 1 requests SYSTEM_RESET, boot 2 SYSTEM_OFF.
// Prints "working-set: boot N touched M pages".
    .include "scen.inc"
    .include "mmu.inc"

    .section .text.boot, "ax"
    .global _start
_start:
    mov     x22, x0                             // pages to touch (guest_init clobbers x0)
    guest_init
    boot_count
    mmu_build_tables
    mmu_enable
    ldr     x21, =PAGES
    mov     x20, #0
1:  cmp     x20, x22
    b.hs    2f
    add     x1, x21, x20, lsl #12
    str     x19, [x1]
    add     x20, x20, #1
    b       1b
2:  print_dec s_boot, x19
    print_dec s_touched, x20
    print   s_pages
    cmp     x19, #1
    b.ne    3f
    psci_reset
    park
3:  psci_off
    park
    .ltorg

    .section .rodata
s_boot:    .asciz "working-set: boot "
s_touched: .asciz " touched "
s_pages:   .asciz " pages\n"
