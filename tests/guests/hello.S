// hello: prints a greeting on the PL011 and powers off through PSCI SYSTEM_OFF.
    .include "common.inc"

    .section .text.boot, "ax"
    .global _start
_start:
    guest_init
    print   msg
    psci_off
1:  wfi
    b       1b

    .section .rodata
msg: .asciz "Hello from Arm64Vm\n"
