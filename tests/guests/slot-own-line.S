// slot-own-line: an instruction whose cacheable store writes the last 16 bytes of its own 64-byte line (the
// instructions that follow it, with the bytes already there) completes as fetched. With CTR_EL0.DIC = 1
// (`--features dic`) the instruction side follows every data change of a code line, so the store resets the
// pre-decoded copy of the whole line, the storing instruction's own slot included. MMU and caches on
// (cache-mmu.inc). See code-slot.inc for the cases and the output.
    .include "common.inc"
    .include "cache-mmu.inc"
    .include "code-slot.inc"

// Target: the last 16 bytes of the store instruction's line.
.macro own_line_target
    add     x7, x7, #48
    ldp     x3, x4, [x7]
.endm

    slot_guest banner, "slot_cases own_line_target", 1

    .section .rodata
banner: .asciz "slot-own-line: cacheable stores into the storing instruction's own line (MMU on)\n"
