// dtb-walker: reads the flattened device tree whose address the boot protocol passes in x0 (Linux's
// Documentation/arch/arm64/booting.rst; Devicetree Specification v0.4 chapter 5), walks its structure block and
// prints what it found on the PL011: the tree's address, the model, the memory node's reg, the number of cpu@ nodes
// under /cpus, PSCI's method and CPU_ON id, the interrupt controller's compatible, the timer's interrupts, and
// /chosen's bootargs, initrd range and stdout-path. Then it powers off through PSCI SYSTEM_OFF.
// Run as a raw image (bin/dtb-walker.bin): QEMU passes x0 to raw and Linux images only. Its flags (tests/guests/
// dtb-walker.args) give it 2 CPUs, a command line and an initrd.
    .include "common.inc"

    .equ FDT_MAGIC,      0xd00dfeed
    .equ FDT_BEGIN_NODE, 1
    .equ FDT_END_NODE,   2
    .equ FDT_PROP,       3
    .equ FDT_NOP,        4
    .equ FDT_END,        9
    .equ KIND_STRING,    0
    .equ KIND_CELLS,     1

    .section .text.boot, "ax"
    .global _start
_start:
    mov     x20, x0                     // x20 = the tree
    guest_init
    print   s_banner
    print   s_at
    mov     x0, x20
    bl      uart_puthex
    print   s_nl
    ldr     w0, [x20]
    rev     w0, w0
    ldr     w1, =FDT_MAGIC
    cmp     w0, w1
    b.eq    1f
    print   s_nomagic
    b       done
1:  ldr     w0, [x20, #8]               // off_dt_struct
    rev     w0, w0
    add     x21, x20, x0                // x21 = cursor in the structure block
    ldr     w0, [x20, #12]              // off_dt_strings
    rev     w0, w0
    add     x22, x20, x0                // x22 = strings block
    mov     x23, #0                     // depth (root = 1)
    mov     x24, #0                     // name of the current child of the root
    mov     x26, #0                     // cpu@ nodes under /cpus

walk:
    ldr     w0, [x21], #4
    rev     w0, w0
    cmp     w0, #FDT_BEGIN_NODE
    b.eq    begin_node
    cmp     w0, #FDT_END_NODE
    b.eq    end_node
    cmp     w0, #FDT_PROP
    b.eq    prop
    cmp     w0, #FDT_NOP
    b.eq    walk
    cmp     w0, #FDT_END
    b.eq    report
    print   s_badtoken
    b       done

begin_node:
    add     x23, x23, #1
    cmp     x23, #2
    b.ne    2f
    mov     x24, x21                    // a child of the root
2:  cmp     x23, #3
    b.ne    3f
    mov     x0, x24                     // a grandchild: count cpu@N under /cpus
    adr     x1, n_cpus
    bl      streq
    cbz     x0, 3f
    mov     x0, x21
    adr     x1, n_cpu_at
    bl      strprefix
    add     x26, x26, x0
3:  mov     x0, x21                     // skip the name and its padding
    bl      strlen
    add     x0, x0, #4                  // NUL + round up to 4
    and     x0, x0, #~3
    add     x21, x21, x0
    b       walk

end_node:
    sub     x23, x23, #1
    b       walk

prop:
    ldr     w25, [x21]                  // x25 = value length
    rev     w25, w25
    ldr     w0, [x21, #4]
    rev     w0, w0
    add     x27, x22, x0                // x27 = property name
    add     x21, x21, #8                // x21 = value
    adr     x28, table
4:  ldr     x1, [x28]                   // node: "/" = the root, else a prefix of a child of the root's name
    cbz     x1, 6f
    ldrb    w0, [x1]
    cmp     w0, #'/'
    b.ne    5f
    cmp     x23, #1
    b.ne    7f
    b       8f
5:  cmp     x23, #2
    b.ne    7f
    mov     x0, x24
    bl      strprefix
    cbz     x0, 7f
8:  mov     x0, x27
    ldr     x1, [x28, #8]
    bl      streq
    cbz     x0, 7f
    ldr     x0, [x28, #16]              // found: remember value and length in the slot
    stp     x21, x25, [x0]
7:  add     x28, x28, #40
    b       4b
6:  add     x0, x25, #3
    and     x0, x0, #~3
    add     x21, x21, x0
    b       walk

report:
    adr     x28, table
9:  ldr     x1, [x28]
    cbz     x1, 12f
    ldr     x0, [x28, #32]              // label
    bl      uart_puts
    ldr     x0, [x28, #16]
    ldp     x19, x25, [x0]              // value, length
    cbnz    x19, 10f
    print   s_none
    b       11f
10: ldr     x0, [x28, #24]
    cmp     x0, #KIND_STRING
    b.ne    13f
    mov     x0, x19
    bl      uart_puts
    b       11f
13: mov     x0, x19
    mov     x1, x25
    bl      print_cells
11: print   s_nl
    add     x28, x28, #40
    b       9b
12: print   s_cpus
    mov     x0, x26
    bl      uart_putdec
    print   s_nl
done:
    print   s_done
    psci_off
1:  wfi
    b       1b

// strlen: x0 = string -> x0 = its length. Clobbers x1, x2.
strlen:
    mov     x1, x0
1:  ldrb    w2, [x1], #1
    cbnz    w2, 1b
    sub     x0, x1, x0
    sub     x0, x0, #1
    ret

// strprefix: x0 = string, x1 = prefix -> x0 = 1 when the string starts with the prefix. Clobbers x1-x3.
strprefix:
1:  ldrb    w3, [x1], #1
    cbz     w3, 2f
    ldrb    w2, [x0], #1
    cmp     w2, w3
    b.eq    1b
    mov     x0, #0
    ret
2:  mov     x0, #1
    ret

// streq: x0, x1 = strings -> x0 = 1 when equal. Clobbers x1-x3.
streq:
1:  ldrb    w2, [x0], #1
    ldrb    w3, [x1], #1
    cmp     w2, w3
    b.ne    2f
    cbnz    w2, 1b
    mov     x0, #1
    ret
2:  mov     x0, #0
    ret

// print_cells: x0 = value, x1 = length: each big-endian 32-bit cell as " 0x%08x". Clobbers x0, x9-x17.
print_cells:
    mov     x16, x30
    mov     x15, x0
    add     x17, x0, x1
1:  cmp     x15, x17
    b.hs    3f
    mov     w0, #' '
    bl      uart_putc
    mov     w0, #'0'
    bl      uart_putc
    mov     w0, #'x'
    bl      uart_putc
    ldr     w13, [x15], #4
    rev     w13, w13
    mov     x14, #28
2:  lsr     w0, w13, w14
    and     w0, w0, #0xf
    cmp     w0, #10
    add     w10, w0, #'0'
    add     w0, w0, #('a' - 10)
    csel    w0, w10, w0, lo
    bl      uart_putc
    subs    x14, x14, #4
    b.ge    2b
    b       1b
3:  mov     x30, x16
    ret

    .section .rodata
    .balign 8
// What to look for: node, property, slot (value, length), kind, label; a zero node ends the table.
table:
    .quad n_root,   p_model,    slot_model,    KIND_STRING, l_model
    .quad n_memory, p_reg,      slot_memory,   KIND_CELLS,  l_memory
    .quad n_psci,   p_method,   slot_method,   KIND_STRING, l_method
    .quad n_psci,   p_cpu_on,   slot_cpu_on,   KIND_CELLS,  l_cpu_on
    .quad n_intc,   p_compat,   slot_intc,     KIND_STRING, l_intc
    .quad n_timer,  p_irqs,     slot_timer,    KIND_CELLS,  l_timer
    .quad n_chosen, p_bootargs, slot_bootargs, KIND_STRING, l_bootargs
    .quad n_chosen, p_istart,   slot_istart,   KIND_CELLS,  l_istart
    .quad n_chosen, p_iend,     slot_iend,     KIND_CELLS,  l_iend
    .quad n_chosen, p_stdout,   slot_stdout,   KIND_STRING, l_stdout
    .quad 0

n_root:     .asciz "/"
n_memory:   .asciz "memory@"
n_psci:     .asciz "psci"
n_intc:     .asciz "intc@"
n_timer:    .asciz "timer"
n_chosen:   .asciz "chosen"
n_cpus:     .asciz "cpus"
n_cpu_at:   .asciz "cpu@"
p_model:    .asciz "model"
p_reg:      .asciz "reg"
p_method:   .asciz "method"
p_cpu_on:   .asciz "cpu_on"
p_compat:   .asciz "compatible"
p_irqs:     .asciz "interrupts"
p_bootargs: .asciz "bootargs"
p_istart:   .asciz "linux,initrd-start"
p_iend:     .asciz "linux,initrd-end"
p_stdout:   .asciz "stdout-path"
l_model:    .asciz "model: "
l_memory:   .asciz "memory reg:"
l_method:   .asciz "psci method: "
l_cpu_on:   .asciz "psci cpu_on:"
l_intc:     .asciz "interrupt controller: "
l_timer:    .asciz "timer interrupts:"
l_bootargs: .asciz "bootargs: "
l_istart:   .asciz "initrd start:"
l_iend:     .asciz "initrd end:"
l_stdout:   .asciz "stdout-path: "
s_banner:   .asciz "dtb-walker\n"
s_at:       .asciz "device tree at 0x"
s_nomagic:  .asciz "no device tree (bad magic)\n"
s_badtoken: .asciz "bad structure token\n"
s_none:     .asciz "<none>"
s_cpus:     .asciz "cpus: "
s_done:     .asciz "done\n"
s_nl:       .asciz "\n"

    .bss
    .balign 16
slot_model:    .space 16
slot_memory:   .space 16
slot_method:   .space 16
slot_cpu_on:   .space 16
slot_intc:     .space 16
slot_timer:    .space 16
slot_bootargs: .space 16
slot_istart:   .space 16
slot_iend:     .space 16
slot_stdout:   .space 16
