// slot-evict-own: an instruction whose cacheable store allocates a line in its L2 set that evicts the
// instruction's own line completes as fetched. The L2 is inclusive, so the eviction removes the line from the L1I
// above it too, and with it the pre-decoded copy of the storing instruction. The guest cannot learn the L2
// geometry (KVM reports a fabricated CCSIDR_EL1), so it tries every associativity W from 1 to 16 with a stride of
// 2 MiB (a multiple of the way size of any L2 up to 2 MiB, so all the lines fall in one set): it reads its own line
// as data (so the L2 holds it), then the lines at +1..W-1 strides, and the store goes to +W strides. When W is the
// L2's associativity, the set is full with its own line the least recently used, and the store's allocation evicts
// it. The pages are touched once before (a line of another set), so no stage-2 fault or TLB walk comes between.
// MMU and caches on (cache-mmu.inc). Prints "<case>, W = 1..16: ok" or the failures (code-slot.inc).
    .include "common.inc"
    .include "cache-mmu.inc"
    .include "code-slot.inc"

    .equ STRIDE, 0x200000
    .equ MAX_WAYS, 16

// x19 = W. Target: the line W strides after the store's own line. Clobbers x8, x9, x11.
.macro evict_target
    mov     x8, #STRIDE
    mov     x11, #1
0:  madd    x9, x11, x8, x7             // every page of the set, at the next line (another set)
    ldr     x9, [x9, #64]
    add     x11, x11, #1
    cmp     x11, x19
    b.ls    0b
    ldr     x9, [x7]                    // the store's own line, as data: now in the L2
    mov     x11, #1
0:  cmp     x11, x19
    b.hs    0f
    madd    x9, x11, x8, x7             // +1..W-1 strides: fills the set
    ldr     x9, [x9]
    add     x11, x11, #1
    b       0b
0:  madd    x7, x19, x8, x7             // +W strides: the store's line, whose allocation evicts the own line
    ldr     x3, =0x5a5a5a5a01234567
    add     x3, x3, x19
    ldr     x4, =0xa5a5a5a589abcdef
.endm

// Runs one kind for W = 1..16 (quietly) and prints "<name>, W = 1..16: ok" or the number of failures.
.macro evict_case kind, name
    mov     x24, #0
    mov     x18, #1
    mov     x19, #1
9:  slot_case \kind, \name, evict_target
    add     x19, x19, #1
    cmp     x19, #MAX_WAYS
    b.ls    9b
    mov     x18, #0
    print   \name
    print   s_ways
    adr     x0, s_ok
    cbz     x24, 8f
    mov     x0, x24
    bl      uart_putdec
    adr     x0, s_failed
8:  bl      uart_puts
.endm

.macro evict_all
    evict_case stp, s_stp
    evict_case str, s_str
    evict_case st1, s_st1
.endm

    slot_guest banner, "evict_all", 1

    .section .rodata
banner: .asciz "slot-evict-own: cacheable stores whose allocation evicts the storing instruction's own line from the L2\n"
s_ways: .asciz ", W = 1..16: "
s_ok:   .asciz "ok\n"
s_failed: .asciz " failed\n"
