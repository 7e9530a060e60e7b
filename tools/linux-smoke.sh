#!/usr/bin/env bash
# Boots the stock Debian arm64 kernel (fetched by tools/fetch-debian-kernel.sh) to userspace and poweroff under
# Arm64Vm, and checks the console: the initramfs's marker line, the CPU count it reports, and the kernel's
# "reboot: Power down". Runs each given configuration (default: 1, 2 and 4 vCPUs, cache model state and off, then the
# disk and reboot checks). The interactive shell is checked by tools/linux-shell-check.py, the kernel log against
# QEMU's by tools/linux-logdiff.py.
#
# Usage: tools/linux-smoke.sh [--fetch] [--log-dir DIR] [CONFIG...]
#   CONFIG     CPUS:MODEL, e.g. 1:state 2:off; or
#              disk    two runs on one virtio disk (--drive, 1 MiB of zeros): the first writes a note to sector 0
#                      (arm64vm.note=), the host file must then hold it, the second run must print it back
#              reboot  one run with arm64vm.action=reboot on a virtio disk: boot, `reboot -f` (PSCI SYSTEM_RESET, the
#                      VMM reloads the images and resets the vCPUs and devices), boot again, power off
#   --fetch    run tools/fetch-debian-kernel.sh first (needs root the first time: dpkg --add-architecture arm64)
#   --log-dir  keep each console log there as linux-CONFIG.log (default: a temporary folder, removed)
# Exit status: 0 when every configuration passed, 1 when one did not, 2 for bad usage or no kernel.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fetch=0 logdir="" configs=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --fetch) fetch=1; shift ;;
        --log-dir)
            [[ $# -ge 2 ]] || { echo "linux-smoke: --log-dir needs a folder" >&2; exit 2; }
            logdir="$2"; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        [1-8]:state|[1-8]:off|disk|reboot) configs+=("$1"); shift ;;
        *) echo "linux-smoke: bad argument '$1' (CPUS:MODEL with CPUS 1-8 and MODEL state|off, disk, reboot, or --fetch, --log-dir DIR)" >&2; exit 2 ;;
    esac
done
[[ ${#configs[@]} -gt 0 ]] || configs=(1:state 1:off 2:state 2:off 4:state 4:off disk reboot)
[[ $fetch -eq 1 ]] && "$root/tools/fetch-debian-kernel.sh" >/dev/null
kdir="$("$root/tools/fetch-debian-kernel.sh" --print-dir)"
for f in Image initramfs.cpio.gz; do
    [[ -f "$kdir/$f" ]] || { echo "linux-smoke: $kdir/$f missing: run tools/fetch-debian-kernel.sh (or pass --fetch)" >&2; exit 2; }
done
if [[ -z "$logdir" ]]; then logdir="$(mktemp -d)"; trap 'rm -rf "$logdir"' EXIT; else mkdir -p "$logdir"; fi

dotnet build "$root/src/Arm64Vm.Cli" -c Release -v q -nologo >/dev/null
cli="$root/src/Arm64Vm.Cli/bin/Release/net10.0/arm64vm"

# boot LOG CPUS MODEL APPEND [ARGS...]: one run to poweroff; sets rc and the log (CR LF -> LF).
boot() {
    local log="$1" cpus="$2" model="$3" append="$4"; shift 4
    set +e
    "$cli" run --kernel "$kdir/Image" --initrd "$kdir/initramfs.cpio.gz" --append "console=ttyAMA0 $append" \
        --memory 512M --cpus "$cpus" --cache-model "$model" --max-instructions 16000000000 --stats "$@" \
        </dev/null >"$log" 2>&1
    rc=$?
    set -e
    tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"   # the guest's tty writes CR LF
}

# check LOG CPUS: the marker, the CPU count, the poweroff, exit 0; prints the result word.
check() {
    local log="$1" cpus="$2" result=ok
    grep -q '^ARM64VM-USERSPACE-OK' "$log" || result="no-marker"
    [[ "$result" == ok ]] && { grep -q "^cpus: $cpus\$" "$log" || result="cpus?"; }
    [[ "$result" == ok ]] && { grep -q 'reboot: Power down' "$log" || result="no-poweroff"; }
    [[ "$result" == ok && $rc -ne 0 ]] && result="exit-$rc"
    echo "$result"
}

failed=0
printf '%-7s %-6s %-12s %15s %9s %7s\n' config model result instructions seconds MIPS
for c in "${configs[@]}"; do
    log="$logdir/linux-${c/:/-}.log"
    case "$c" in
        disk)
            cpus=1 model=off disk="$logdir/disk.img"
            rm -f "$disk"; truncate -s 1M "$disk"
            boot "$log.1" 1 off "arm64vm.note=ARM64VM-DISK-NOTE" --drive "$disk"
            result="$(check "$log.1" 1)"
            [[ "$result" == ok ]] && { grep -q '^disks: vda' "$log.1" || result="no-vda"; }
            [[ "$result" == ok ]] && { [[ "$(head -c 17 "$disk")" == ARM64VM-DISK-NOTE ]] || result="host-file?"; }
            if [[ "$result" == ok ]]; then
                boot "$log" 1 off "" --drive "$disk,readonly"
                result="$(check "$log" 1)"
                [[ "$result" == ok ]] && { grep -q '^vda-note: ARM64VM-DISK-NOTE$' "$log" || result="no-readback"; }
            fi ;;
        reboot)
            cpus=2 model=off disk="$logdir/reboot.img"
            rm -f "$disk"; truncate -s 1M "$disk"
            boot "$log" 2 off "arm64vm.action=reboot" --drive "$disk"
            result="$(check "$log" 2)"
            [[ "$result" == ok ]] && { grep -q '^ARM64VM-REBOOT$' "$log" || result="no-reboot"; }
            [[ "$result" == ok ]] && { grep -q '^ARM64VM-SECOND-BOOT$' "$log" || result="no-2nd-boot"; }
            [[ "$result" == ok ]] && { [[ $(grep -c '^ARM64VM-USERSPACE-OK' "$log") -eq 2 ]] || result="boots?"; } ;;
        *)
            cpus="${c%%:*}" model="${c##*:}"
            boot "$log" "$cpus" "$model" ""
            result="$(check "$log" "$cpus")" ;;
    esac
    [[ "$result" == ok ]] || failed=1
    stats="$(grep -E '^instructions:' "$log" | tail -1 || true)"
    ins="$(sed -E 's/.*instructions: ([0-9,]+).*/\1/' <<<"$stats")"
    sec="$(sed -E 's/.*seconds: ([0-9.]+).*/\1/' <<<"$stats")"
    mips="$(sed -E 's/.*MIPS: ([0-9.]+).*/\1/' <<<"$stats")"
    printf '%-7s %-6s %-12s %15s %9s %7s\n' "$c" "$model" "$result" "${ins:--}" "${sec:--}" "${mips:--}"
done
exit $failed
