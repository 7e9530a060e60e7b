// cpu-on-stale: a guest bug the emulator must not hide. The primary, caches on, writes a boot block for a secondary
// and forgets to clean it to the point of coherency before PSCI CPU_ON; the secondary starts with its MMU off and
// reads the block from memory. KVM does nothing to stage 2 or the caches at CPU_ON (H8), so the secondary sees the old
// block, as on hardware; with --cache-model off (or FWB, where the MMU-off read is cacheable) it sees the new one.
// The primary waits until the secondary has written DONE (0x4070_0000, with its MMU off) and PSCI AFFINITY_INFO says it
// is off, then powers the system off.
// Prints "secondary: boot block ok" or "secondary: boot block stale". Address: the boot block is the image's data
// page, 0x4008_1000 (OLD_MAGIC in the image, NEW_MAGIC written by the primary); its address is the context id.
    .include "scen.inc"
    .include "mmu.inc"

    .equ OLD_MAGIC, 0x0b100c0000000001
    .equ NEW_MAGIC, 0x0b100c0000000002
    .equ DONE,      SCRATCH

    mmu_start
    ldr     x20, =boot_block
    ldr     x1, =NEW_MAGIC
    ldr     x2, =secondary_main
    stp     x1, x2, [x20]               // cacheable store; no DC CVAC: the bug
    print   s_written
    cpu_on_vcpu1 secondary, x20         // context id: the boot block
    // Wait for DONE, which the secondary writes with its MMU off (to memory): invalidate the line before each read
    // so a stale copy in the primary's cache cannot answer.
    ldr     x21, =DONE
1:  dc      civac, x21
    dsb     sy
    ldr     x0, [x21]
    cbz     x0, 1b
    // Then until PSCI reports the secondary off.
2:  ldr     x0, =PSCI_AFFINITY_INFO
    mov     x1, #1
    mov     x2, #0
    hvc     #0
    cmp     x0, #1                      // 1 = OFF
    b.ne    2b
    print   s_done
    psci_off
    park

    cpu_on_failed_exit

// The secondary: EL1, MMU off, x0 = the boot block.
secondary:
    ldr     x1, =STACK1_TOP
    mov     sp, x1
    mov     x20, x0
    ldp     x21, x22, [x20]
    print_hex s_read, x21
    ldr     x1, =NEW_MAGIC
    cmp     x21, x1
    b.ne    1f
    print   s_ok
    b       3f
1:  ldr     x1, =OLD_MAGIC
    cmp     x21, x1
    b.ne    2f
    print   s_stale
    b       3f
2:  print   s_other
3:  ldr     x0, =DONE
    mov     x1, #1
    str     x1, [x0]
    dsb     sy
    ldr     x0, =PSCI_CPU_OFF
    hvc     #0
    park
secondary_main:
    ret
    .ltorg

    .section .rodata
s_banner:        .asciz "cpu-on-stale: primary up, caches on\n"
s_written:       .asciz "primary wrote the boot block (not cleaned), CPU_ON secondary\n"
s_cpu_on_failed: .asciz "CPU_ON failed: 0x"
s_read:          .asciz "secondary (MMU off) read magic 0x"
s_ok:            .asciz "secondary: boot block ok\n"
s_stale:         .asciz "secondary: boot block stale\n"
s_other:         .asciz "secondary: boot block unexpected\n"
s_done:          .asciz "primary: secondary is off\n"

    .section .data
    .balign 4096
boot_block:
    .quad OLD_MAGIC
    .quad 0
    .balign 4096
