// lazy-exec: new code loaded by the VMM where old code was executed must run, even though the page is first read as
// data. The guest runs with the MMU off and the instruction cache on (SCTLR_EL1.I = 1, as boot loaders do: fetches are
// then Normal write-through cacheable, Arm ARM D8.2.11), so what it fetched stays in its instruction cache.
// Boot 1 calls the code on page P (returns 1) and requests SYSTEM_RESET. The VMM restores the image, then writes new
// code to P (MOVZ W0, #2; RET = 40 00 80 52 c0 03 5f d6 at 0x4008_1000) and re-inits the vCPU (the order of
// the two does not matter under KVM). Boot 2 reads P's first word as data (a stage-2 read fault maps P without
// execute permission), then calls P (a permission fault adds X: KVM invalidates the instruction cache for P first).
// "boot 2 ok: new code ran" (2) or "boot 2 stale: old code ran" (1: the instruction cache still held boot 1's P);
// if P still holds the old code as data (nothing was loaded, e.g. under QEMU's plain reset) it says so and stops.
// Addresses: P = 0x4008_1000 (a page of its own), BOOT_INFO = 0x4050_0000.
    .include "scen.inc"

    scen_start
    mrs     x0, sctlr_el1
    orr     x0, x0, #(1 << 12)          // I: instruction cache on, MMU still off
    msr     sctlr_el1, x0
    isb
    boot_count
    print_boot s_banner
    ldr     x21, =page_p
    cmp     x19, #1
    b.ne    later_boot

    // ---- boot 1 ----
    blr     x21
    print_and_reset s_boot1

    // ---- boot 2 and later ----
later_boot:
    ldr     w22, [x21]                  // P as data first
    print_hex s_data, x22
    ldr     w1, =0x52800020             // MOVZ W0, #1: the old code is still there
    cmp     w22, w1
    b.ne    0f
    print   s_unchanged
    b       .Lboot_off
0:  blr     x21
    mov     x20, x0
    print_dec s_boot, x19
    boot_verdict 2, 1
    .ltorg

// Page P: the code the VMM replaces. A page of its own, so stage 2 maps and permits it on its own.
// .org fails the build if the code above outgrows the first page.
    .org 0x1000
page_p:
    movz    w0, #1
    ret
    .balign 4096

    .section .rodata
s_banner: .asciz "lazy-exec: boot "
s_boot1:  .asciz "boot 1 code on P returned "
s_reset:  .asciz "boot 1 SYSTEM_RESET\n"
s_data:   .asciz "boot 2 P as data: 0x"
s_boot:   .asciz "boot "
s_ok:     .asciz " ok: new code ran\n"
s_stale:  .asciz " stale: old code ran\n"
s_other:  .asciz " P returned "
s_unchanged: .asciz "boot 2: P still holds the old code (nothing new was loaded)\n"
