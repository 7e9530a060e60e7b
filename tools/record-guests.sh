#!/usr/bin/env bash
# Runs guests under QEMU (the reference) and records what they printed on the PL011 and their exit status:
#   tests/guests/expected/NAME.txt   UART output, byte for byte
#   tests/guests/manifest.txt        NAME QEMU_CPU EXIT_STATUS KIND [FLAGS...] (the tests replay these under arm64vm;
#                                    KIND "bench" = long-running benchmark guest, checked by tools/bench/run.sh;
#                                    "model" = needs the cache model, expected outputs in a test, never recorded;
#                                    FLAGS = arm64vm run options the guest needs, recorded with the QEMU equivalents:
#                                    --cpus N -> -smp N, --gic V -> -M virt,gic-version=V)
# Usage: tools/record-guests.sh [NAME...]   (no names: every guest; names: only those, the other lines are kept)
# Needs qemu-system-aarch64 (Debian qemu-system-arm). Not part of CI: the recorded files are committed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/tests/guests"
# Guests that need a newer architecture than Cortex-A57 (ARMv8.0) are recorded with -cpu max.
declare -A cpu=([isa-selfcheck]=max [mmu-16k]=max)
declare -A kind=([alu-loop]=bench [int-loop]=bench [copy-loop]=bench [copy-loop-mmu]=bench [ldst-loop]=bench [ldst-loop-mmu]=bench [mmu-ldst-alias]=bench)
# Guests that need a machine other than the default one (one vCPU; the GIC as arm64vm's default, GICv3).
declare -A flags=([gic-sgi]="--cpus 2 --gic 3" [gic-active]="--gic 3" [gic-spi]="--cpus 2 --gic 3"
                  [timer-irq]="--gic 3" [gic-v2]="--cpus 2 --gic 2")
# The manifest keeps its order: a recorded guest's line is replaced where it stands, a new guest is appended. Lines of
# kind "model" (QEMU cannot record them) and of guests not asked for are kept as they are.
only=("$@")
wanted() { [[ ${#only[@]} -eq 0 ]] && return 0; local o; for o in "${only[@]}"; do [[ "$o" == "$1" ]] && return 0; done; return 1; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

# record NAME: runs the guest under QEMU and prints its manifest line.
record() {
    local name="$1" c="${cpu[$1]:-cortex-a57}" f="${flags[$1]:-}" machine="virt" smp=1 rc i
    local -a fa
    read -r -a fa <<< "$f"
    for ((i = 0; i < ${#fa[@]}; i += 2)); do
        case "${fa[i]}" in
            --cpus) smp="${fa[i+1]}" ;;
            --gic) machine="virt,gic-version=${fa[i+1]}" ;;
        esac
    done
    set +e
    timeout 120 qemu-system-aarch64 -M "$machine" -cpu "$c" -smp "$smp" -m 128M -display none -monitor none \
        -serial "file:$tmp/$name.txt" -semihosting -kernel "bin/$name.elf" </dev/null
    rc=$?
    set -e
    cp "$tmp/$name.txt" "expected/$name.txt"
    echo "$name $c $rc ${kind[$name]:-test}${f:+ $f}"
    echo "record-guests: $name ($c, -M $machine -smp $smp) exit $rc" >&2
}

declare -A listed=()
{
    echo "# NAME QEMU_CPU EXIT_STATUS KIND [FLAGS] -- recorded by tools/record-guests.sh from qemu-system-aarch64 -M virt"
    while read -r n rest; do
        [[ "$n" == \#* || -z "$n" ]] && continue
        listed[$n]=1
        if [[ "$rest" == *" model"* ]]; then echo "$n $rest"; echo "record-guests: $n skipped (kind model)" >&2
        elif [[ -e "$n.S" ]] && wanted "$n"; then record "$n"
        else echo "$n $rest"; fi
    done < manifest.txt
    for src in *.S; do
        name="${src%.S}"
        if [[ -z "${listed[$name]:-}" ]] && wanted "$name"; then record "$name"; fi
    done
} > "$tmp/manifest.txt"
cp "$tmp/manifest.txt" manifest.txt
