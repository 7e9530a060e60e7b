#!/usr/bin/env bash
# Boots the stock Debian arm64 kernel (fetched by tools/fetch-debian-kernel.sh) to userspace and poweroff under
# Arm64Vm, and checks the console: the initramfs's marker line, the CPU count it reports, and the kernel's
# "reboot: Power down". Runs each given configuration (default: 1 and 2 vCPUs, cache model state and off).
#
# Usage: tools/linux-smoke.sh [--fetch] [--log-dir DIR] [CONFIG...]
#   CONFIG     CPUS:MODEL, e.g. 1:state 2:off (default: 1:state 1:off 2:state 2:off)
#   --fetch    run tools/fetch-debian-kernel.sh first (needs root the first time: dpkg --add-architecture arm64)
#   --log-dir  keep each console log there as linux-CPUS-MODEL.log (default: a temporary folder, removed)
# Exit status: 0 when every configuration booted and powered off, 1 when one did not, 2 for bad usage or no kernel.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fetch=0 logdir="" configs=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --fetch) fetch=1; shift ;;
        --log-dir)
            [[ $# -ge 2 ]] || { echo "linux-smoke: --log-dir needs a folder" >&2; exit 2; }
            logdir="$2"; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        [1-8]:state|[1-8]:off) configs+=("$1"); shift ;;
        *) echo "linux-smoke: bad argument '$1' (CPUS:MODEL with CPUS 1-8 and MODEL state|off, or --fetch, --log-dir DIR)" >&2; exit 2 ;;
    esac
done
[[ ${#configs[@]} -gt 0 ]] || configs=(1:state 1:off 2:state 2:off)
[[ $fetch -eq 1 ]] && "$root/tools/fetch-debian-kernel.sh" >/dev/null
kdir="$("$root/tools/fetch-debian-kernel.sh" --print-dir)"
for f in Image initramfs.cpio.gz; do
    [[ -f "$kdir/$f" ]] || { echo "linux-smoke: $kdir/$f missing: run tools/fetch-debian-kernel.sh (or pass --fetch)" >&2; exit 2; }
done
if [[ -z "$logdir" ]]; then logdir="$(mktemp -d)"; trap 'rm -rf "$logdir"' EXIT; else mkdir -p "$logdir"; fi

dotnet build "$root/src/Arm64Vm.Cli" -c Release -v q -nologo >/dev/null
cli="$root/src/Arm64Vm.Cli/bin/Release/net10.0/arm64vm"

failed=0
printf '%-6s %-6s %-8s %15s %9s %7s\n' cpus model result instructions seconds MIPS
for c in "${configs[@]}"; do
    cpus="${c%%:*}" model="${c##*:}" log="$logdir/linux-$cpus-$model.log"
    set +e
    "$cli" run --kernel "$kdir/Image" --initrd "$kdir/initramfs.cpio.gz" --append "console=ttyAMA0" \
        --memory 512M --cpus "$cpus" --cache-model "$model" --max-instructions 8000000000 --stats \
        </dev/null >"$log" 2>&1
    rc=$?
    set -e
    result=ok
    tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"   # the guest's tty writes CR LF
    grep -q '^ARM64VM-USERSPACE-OK' "$log" || result="no-marker"
    [[ "$result" == ok ]] && { grep -q "^cpus: $cpus\$" "$log" || result="cpus?"; }
    [[ "$result" == ok ]] && { grep -q 'reboot: Power down' "$log" || result="no-poweroff"; }
    [[ "$result" == ok && $rc -ne 0 ]] && result="exit-$rc"
    [[ "$result" == ok ]] || failed=1
    stats="$(grep -E '^instructions:' "$log" | tail -1)"
    ins="$(sed -E 's/.*instructions: ([0-9,]+).*/\1/' <<<"$stats")"
    sec="$(sed -E 's/.*seconds: ([0-9.]+).*/\1/' <<<"$stats")"
    mips="$(sed -E 's/.*MIPS: ([0-9.]+).*/\1/' <<<"$stats")"
    printf '%-6s %-6s %-8s %15s %9s %7s\n' "$cpus" "$model" "$result" "${ins:--}" "${sec:--}" "${mips:--}"
done
exit $failed
