#!/usr/bin/env bash
# Derives initramfs-reboot.cpio.gz from the initramfs.cpio.gz that tools/fetch-debian-kernel.sh built, for the
# reboot scenario (scenarios/linux-reboot.yaml): the same /init (mounts, virtio modules, the marker line
# "ARM64VM-USERSPACE-OK", uname, CPU count, disks), then, when the kernel command line has arm64vm.reboot=1,
#   prints "ARM64VM-REBOOT" and runs `reboot -f` (the kernel's PSCI SYSTEM_RESET),
# otherwise `poweroff -f` as before. Every boot with arm64vm.reboot=1 reboots: QEMU's reset reloads the same kernel,
# initrd and device tree, so the second boot has the same command line and reboots again; the scenario stops at each
# SYSTEM_RESET (run: { until: system-reset }) and checks the console for one marker per boot.
# Writes into the same cache folder (tools/fetch-debian-kernel.sh --print-dir) and prints the file's path.
# Idempotent: rebuilds only when initramfs.cpio.gz is newer than the result (or with --force).
#
# Usage: tools/make-reboot-initramfs.sh [--force]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
force=0
for a in "$@"; do
    case "$a" in
        --force) force=1 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "make-reboot-initramfs: unknown option '$a' (see --help)" >&2; exit 2 ;;
    esac
done
dir="$("$root/tools/fetch-debian-kernel.sh" --print-dir)"
src="$dir/initramfs.cpio.gz" out="$dir/initramfs-reboot.cpio.gz"
[[ -f "$src" ]] || { echo "make-reboot-initramfs: $src missing: run tools/fetch-debian-kernel.sh first" >&2; exit 2; }
command -v cpio >/dev/null || { echo "make-reboot-initramfs: needs cpio (apt-get install cpio)" >&2; exit 2; }
if [[ $force -eq 0 && -f "$out" && "$out" -nt "$src" ]]; then echo "$out"; exit 0; fi

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
(cd "$work" && gzip -dc "$src" | cpio -id --quiet)
grep -qx 'poweroff -f' "$work/init" || { echo "make-reboot-initramfs: $src's /init does not end in 'poweroff -f'" >&2; exit 1; }
# The last line of the fetched /init powers off; replace it by the choice.
sed -i '/^poweroff -f$/d' "$work/init"
cat >> "$work/init" <<'INIT'
if grep -q 'arm64vm.reboot=1' /proc/cmdline; then
    echo ARM64VM-REBOOT
    reboot -f
fi
poweroff -f
INIT
chmod +x "$work/init"
(cd "$work" && find . | sort | cpio -o -H newc --quiet | gzip -9 -n) > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
