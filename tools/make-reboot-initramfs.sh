#!/usr/bin/env bash
# Derives initramfs-reboot.cpio.gz from the initramfs.cpio.gz that tools/fetch-debian-kernel.sh built, for the
# reboot scenario (scenarios/linux-reboot.yaml): the same /init (mounts, virtio modules, the marker line
# "ARM64VM-USERSPACE-OK", uname, CPU count, disks), then, when the kernel command line has arm64vm.reboot=1,
#   prints "ARM64VM-REBOOT" and runs `reboot -f` (the kernel's PSCI SYSTEM_RESET),
# otherwise `poweroff -f` as before. Every boot with arm64vm.reboot=1 reboots: QEMU's reset reloads the same kernel,
# initrd and device tree, so the second boot has the same command line and reboots again; the scenario stops at each
# SYSTEM_RESET (run: { until: system-reset }) and checks the console for one marker per boot.
# Writes into the same cache folder (tools/fetch-debian-kernel.sh --print-dir) and prints the file's path.
# Idempotent: rebuilds only when initramfs.cpio.gz or this script is newer than the result (or with --force).
#
# Usage: tools/make-reboot-initramfs.sh [--force]
set -euo pipefail
variant=make-reboot-initramfs out_name=initramfs-reboot.cpio.gz
source "$(dirname "${BASH_SOURCE[0]}")/initramfs-variant.sh"
variant_begin "$@"
cat >> "$work/init" <<'INIT'
if grep -q 'arm64vm.reboot=1' /proc/cmdline; then
    echo ARM64VM-REBOOT
    reboot -f
fi
poweroff -f
INIT
variant_end
