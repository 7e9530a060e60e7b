// page-move (S19 swap-page, S20 cow-break): a page the guest wrote with the MMU off moves to a new host frame behind
// its back, and the guest must still read what it wrote. MMU off, the guest's stores are Device-nGnRnE: they go
// straight to memory and leave any line of the page in the host's cache as it was. The guest writes A0 to PAGE and
// waits in WFI (the VMM reads the page through its cacheable mapping: a clean line of A0 now sits in the host's cache,
// as a speculative fill through the kernel's linear map could leave it); it writes A1 over it in memory and waits
// again (the host swaps the page out, or breaks copy-on-write on it with a VMM write to word 1); then it reads the
// page back. Under KVM the MMU notifier's stage-2 unmap cleans+invalidates the page before the host copies it, so the
// copy is taken from memory (A1); without that the copy takes the stale line (A0).
// Prints "page-move: page ok (A1)" or "page-move: page stale: 0x<word 0>", then "page-move: word 1: 0x<word 1>".
// Addresses: PAGE = 0x4070_0000 (SCRATCH).
    .include "scen.inc"

    .equ PAGE, SCRATCH
    .equ A0,   0xa0a0a0a0a0a0a0a0
    .equ A1,   0xa1a1a1a1a1a1a1a1

    scen_start
    print   s_banner
    ldr     x20, =PAGE
    ldr     x1, =A0
    str     x1, [x20]
    dsb     sy
    print   s_wrote0
    wfi                                 // the VMM reads the page
    ldr     x1, =A1
    str     x1, [x20]
    dsb     sy
    print   s_wrote1
    wfi                                 // the host moves the page
    ldr     x21, [x20]
    ldr     x22, [x20, #8]
    ldr     x1, =A1
    cmp     x21, x1
    b.ne    1f
    print   s_ok
    b       2f
1:  print_hex s_stale, x21
2:  print_hex s_word1, x22
    psci_off
    park
    .ltorg

    .section .rodata
s_banner: .asciz "page-move: MMU off\n"
s_wrote0: .asciz "page-move: wrote A0, waiting\n"
s_wrote1: .asciz "page-move: wrote A1, waiting\n"
s_ok:     .asciz "page-move: page ok (A1)\n"
s_stale:  .asciz "page-move: page stale: 0x"
s_word1:  .asciz "page-move: word 1: 0x"
