// fwb-icache: a guest that patched its own code before a reset must run the original code after the VMM restores the
// image. Meant for a host with FEAT_S2FWB: stage 2 then forces Normal write-back, so even with the MMU off the
// guest's data accesses and instruction fetches are cacheable and its instruction cache keeps what it fetched.
// Boot 1 calls patch_fn (original: returns 1), rewrites its first instruction to return 2 with the sequence CTR_EL0
// asks for (DC CVAU unless IDC, DSB ISH, IC IVAU unless DIC, DSB ISH, ISB), calls it again (must return 2) and
// requests SYSTEM_RESET. The VMM restores the image; with FWB, KVM's re-init leaves stage 2 alone and invalidates every
// instruction cache (IC IALLUIS). Boot 2 calls patch_fn: "boot 2 ok: original code ran" (1) or "boot 2 stale: patched
// code ran" (2, the instruction cache still held boot 1's patched line).
// Addresses: patch_fn = 0x4008_0800 (its own 64-byte line), BOOT_INFO = 0x4050_0000.
    .include "scen.inc"

    .equ MOVZ_W0_2, 0x52800040          // MOVZ W0, #2

    boot_start
    read_idc_dic
    bl      patch_fn
    mov     x20, x0
    cmp     x19, #1
    b.ne    later_boot

    // ---- boot 1 ----
    print_dec s_first, x20
    newline
    ldr     x21, =patch_fn
    ldr     w1, =MOVZ_W0_2
    str     w1, [x21]
    sync_code x21
    bl      patch_fn
    print_and_reset s_patched

    // ---- boot 2 and later ----
later_boot:
    print_dec s_boot, x19
    boot_verdict 1, 2
    .ltorg

// The code boot 1 rewrites: alone in its 64-byte line, at a fixed place in the code page.
    patch_fn_line 0x800

    .section .rodata
s_banner:  .asciz "fwb-icache: boot "
s_first:   .asciz "boot 1 patch_fn returned "
s_patched: .asciz "boot 1 patched patch_fn, it returned "
s_reset:   .asciz "boot 1 SYSTEM_RESET\n"
s_boot:    .asciz "boot "
s_ok:      .asciz " ok: original code ran\n"
s_stale:   .asciz " stale: patched code ran\n"
s_other:   .asciz " patch_fn returned "
