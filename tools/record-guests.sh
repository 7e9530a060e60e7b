#!/usr/bin/env bash
# Runs every guest under QEMU (the reference) and records what it printed on the PL011 and its exit status:
#   tests/guests/expected/NAME.txt   UART output, byte for byte
#   tests/guests/manifest.txt        NAME QEMU_CPU EXIT_STATUS KIND (the tests replay these under arm64vm;
#                                    KIND "bench" = long-running benchmark guest, checked by tools/bench/run.sh;
#                                    "model" = needs the cache model, expected outputs in a test, never recorded)
# A guest run with options has tests/guests/NAME.args (arm64vm run spelling, one option a line: --image FILE in bin/,
# --cpus N, --gic 2|3, --initrd FILE, --append TEXT); an .args file without a .S of its own is another run of an image.
# Needs qemu-system-aarch64 (Debian qemu-system-arm). Not part of CI: the recorded files are committed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/tests/guests"
# Guests that need a newer architecture than Cortex-A57 (ARMv8.0) are recorded with -cpu max.
declare -A cpu=([isa-selfcheck]=max [mmu-16k]=max)
declare -A kind=([alu-loop]=bench [int-loop]=bench [copy-loop]=bench [copy-loop-l1]=bench [copy-loop-mmu]=bench [ldst-loop]=bench [ldst-loop-mmu]=bench [mmu-ldst-alias]=bench [mpi-loop]=bench)
# Guests of kind "model" need the cache model (QEMU has none): not recorded, their manifest lines are kept as they are.
declare -A model=()
while read -r n c st k; do if [[ "${k:-}" == model ]]; then model[$n]="$n $c $st $k"; fi; done < manifest.txt
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
{
    echo "# NAME QEMU_CPU EXIT_STATUS KIND -- recorded by tools/record-guests.sh from qemu-system-aarch64 -M virt"
    for name in $( (ls *.S | sed 's/\.S$//'; ls *.args 2>/dev/null | sed 's/\.args$//') | sort -u); do
        if [[ -n "${model[$name]:-}" ]]; then echo "${model[$name]}"; echo "record-guests: $name skipped (kind model)" >&2; continue; fi
        c="${cpu[$name]:-cortex-a57}"
        machine=virt image="$name.elf" extra=()
        if [[ -f "$name.args" ]]; then
            while read -r opt val; do
                case "$opt" in
                    ''|'#'*) ;;
                    --image) image="$val" ;;
                    --cpus) extra+=(-smp "$val") ;;
                    --gic) machine="virt,gic-version=$val" ;;
                    --initrd) extra+=(-initrd "$val") ;;
                    --append) extra+=(-append "$val") ;;
                    *) echo "record-guests: $name.args: unknown option $opt" >&2; exit 2 ;;
                esac
            done < "$name.args"
        fi
        set +e
        timeout 120 qemu-system-aarch64 -M "$machine" -cpu "$c" -m 128M -display none -monitor none \
            -serial "file:$tmp/$name.txt" -semihosting -kernel "bin/$image" "${extra[@]}" </dev/null
        rc=$?
        set -e
        cp "$tmp/$name.txt" "expected/$name.txt"
        echo "$name $c $rc ${kind[$name]:-test}"
        echo "record-guests: $name ($c) exit $rc" >&2
    done
} > manifest.txt
