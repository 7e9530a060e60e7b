#!/usr/bin/env bash
# Linux boot to poweroff, Arm64Vm against QEMU TCG: the stock Debian 6.1 arm64 kernel and initramfs of
# tools/fetch-debian-kernel.sh, `console=ttyAMA0`, 512 MiB, on 1 and 2 vCPUs, Arm64Vm (Release) with --cache-model
# state and off, and qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57 -accel tcg -m 512M -nographic
# -no-reboot with the same kernel, initramfs and command line, all in one run. Prints instructions retired, host
# seconds and MIPS for Arm64Vm (its --stats), QEMU's wall seconds around the process (QEMU counts no instructions
# here), and QEMU seconds / Arm64Vm seconds (above 1: Arm64Vm is faster). Each boot must reach "reboot: Power down".
# Not part of the test run; a loaded machine gives slower, noisier figures.
#   tools/bench/linux-boot.sh [--runs N] [--no-qemu]
#     --runs N    best of N runs per configuration (default 1: a boot takes tens of seconds)
#     --no-qemu   Arm64Vm only
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=1 qemu=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs)
            if [[ $# -lt 2 || ! "$2" =~ ^[1-9][0-9]*$ ]]; then echo "linux-boot: --runs needs a positive number" >&2; exit 2; fi
            runs="$2"; shift 2 ;;
        --no-qemu) qemu=0; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "linux-boot: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
kdir="$("$root/tools/fetch-debian-kernel.sh" --print-dir)"
for f in Image initramfs.cpio.gz; do
    [[ -f "$kdir/$f" ]] || { echo "linux-boot: $kdir/$f missing: run tools/fetch-debian-kernel.sh" >&2; exit 2; }
done
if [[ $qemu -eq 1 ]] && ! command -v qemu-system-aarch64 >/dev/null; then
    echo "linux-boot: qemu-system-aarch64 not found (Debian package qemu-system-arm), or pass --no-qemu" >&2; exit 2
fi
append="console=ttyAMA0"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
dotnet build "$root/src/Arm64Vm.Cli" -c Release -v q -nologo >/dev/null
cli="$root/src/Arm64Vm.Cli/bin/Release/net10.0/arm64vm"

# arm64vm CPUS MODEL: prints "instructions seconds mips" of the best (fastest) of the runs, or fails.
arm64vm() {
    local best="" line
    for ((r = 0; r < runs; r++)); do
        "$cli" run --kernel "$kdir/Image" --initrd "$kdir/initramfs.cpio.gz" --append "$append" --memory 512M \
            --cpus "$1" --cache-model "$2" --max-instructions 8000000000 --stats </dev/null >"$tmp/log" 2>&1 || true
        grep -q 'reboot: Power down' "$tmp/log" || { echo "linux-boot: arm64vm $1 vCPU $2 did not power off (tail of the log follows)" >&2; tail -5 "$tmp/log" >&2; return 1; }
        line="$(grep -E '^instructions:' "$tmp/log" | tail -1 | sed -E 's/instructions: ([0-9,]+) +seconds: ([0-9.]+) +MIPS: ([0-9.]+)/\1 \2 \3/')"
        if [[ -z "$best" ]] || awk -v a="$(cut -d' ' -f2 <<<"$line")" -v b="$(cut -d' ' -f2 <<<"$best")" 'BEGIN { exit !(a < b) }'; then best="$line"; fi
    done
    echo "$best"
}

# qemu CPUS: the best wall seconds around the process.
qemu_boot() {
    local best="" s e t
    for ((r = 0; r < runs; r++)); do
        s=$(date +%s.%N)
        timeout 900 qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57 -accel tcg -m 512M -smp "$1" -nographic \
            -no-reboot -kernel "$kdir/Image" -initrd "$kdir/initramfs.cpio.gz" -append "$append" </dev/null >"$tmp/qlog" 2>&1 || true
        e=$(date +%s.%N)
        grep -q 'reboot: Power down' "$tmp/qlog" || { echo "linux-boot: QEMU $1 vCPU did not power off" >&2; tail -5 "$tmp/qlog" >&2; return 1; }
        t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')
        if [[ -z "$best" ]] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best="$t"; fi
    done
    echo "$best"
}

printf '| %-4s | %-13s | %15s | %9s | %7s | %-7s |\n' vCPU emulator instructions seconds MIPS "vs QEMU"
printf '|------|---------------|-----------------|-----------|---------|---------|\n'
for cpus in 1 2; do
    q="-"
    [[ $qemu -eq 1 ]] && q="$(qemu_boot "$cpus")"
    for model in state off; do
        read -r ins sec mips <<<"$(arm64vm "$cpus" "$model")"
        ratio="-"
        [[ "$q" != "-" ]] && ratio="$(awk -v q="$q" -v s="$sec" 'BEGIN { printf "%.2fx", q / s }')"
        printf '| %-4s | %-13s | %15s | %9s | %7s | %-7s |\n' "$cpus" "arm64vm $model" "$ins" "$sec" "$mips" "$ratio"
    done
    printf '| %-4s | %-13s | %15s | %9s | %7s | %-7s |\n' "$cpus" "qemu tcg" "-" "$q" "-" "1.00x"
done
