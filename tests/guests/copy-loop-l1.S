// copy-loop-l1: copy-loop-mmu.S over 16 KiB buffers instead of 1 MiB, 64 times as many passes (about the same
// instruction count). Both buffers together fill the L1D of the modelled Cortex-A57 (32 KiB, 2-way), so after the
// first pass every access is an L1D hit: state / off then measures the hit paths alone. Each source line shares its
// L1D set with its destination line and the copy cycles through 512 lines, so each line's first access of a pass is
// one the line TLB (LTLB-5) cannot serve and the model must see (its set's LRU order changes).
    .equ PASSES, 16384
    .equ BUFSIZE, 0x4000

    .include "copy-loop-mmu.S"
