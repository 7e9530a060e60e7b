// slot-self-overwrite: an instruction whose store overwrites the instruction itself (and the three after it) with
// the bytes already there completes as fetched: its base register is written back and its data are stored. The
// MMU is off, so the stores are Device accesses that go straight to memory, where a store to code resets the
// pre-decoded copy of what it overwrote (with the cache model or without: `--cache-model off` too). See
// code-slot.inc for the cases and the output.
    .include "common.inc"
    .include "code-slot.inc"

// Target: the store instruction itself.
.macro self_target
    ldp     x3, x4, [x7]
.endm

    slot_guest banner, "slot_cases self_target", 0

    .section .rodata
banner: .asciz "slot-self-overwrite: stores over the storing instruction itself (MMU off)\n"
