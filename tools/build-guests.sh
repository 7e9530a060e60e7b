#!/usr/bin/env bash
# Builds the bare-metal guest programs (tests/guests/*.S, scenarios/guests/*.S) into committed images:
#   <dir>/bin/NAME.elf  (ELF64, linked at 0x4008_0000 by tools/guest.ld)
#   <dir>/bin/NAME.bin  (raw image of the same, load address 0x4008_0000)
# The build is deterministic (no build-id, no paths, no timestamps), so the committed images can be checked:
#   tools/build-guests.sh          rebuild in place
#   tools/build-guests.sh --check  rebuild into a temporary directory and fail if any committed image differs
# Needs Debian's binutils-aarch64-linux-gnu; installs it with apt-get when missing and running as root.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
check=0
if [[ "${1:-}" == "--check" ]]; then check=1; elif [[ $# -gt 0 ]]; then echo "usage: $0 [--check]" >&2; exit 2; fi

AS=aarch64-linux-gnu-as LD=aarch64-linux-gnu-ld OBJCOPY=aarch64-linux-gnu-objcopy
if ! command -v "$AS" >/dev/null || ! command -v "$LD" >/dev/null || ! command -v "$OBJCOPY" >/dev/null; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "build-guests: installing binutils-aarch64-linux-gnu" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq binutils-aarch64-linux-gnu >/dev/null
    else
        echo "build-guests: $AS not found; install binutils-aarch64-linux-gnu" >&2; exit 1
    fi
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C SOURCE_DATE_EPOCH=0

status=0 built=0
for dir in tests/guests scenarios/guests; do
    [[ -d "$dir" ]] || continue
    for src in "$dir"/*.S; do
        [[ -e "$src" ]] || continue
        name="$(basename "$src" .S)"
        work="$tmp/$dir"; mkdir -p "$work"
        # Assemble from the source's directory with a relative name so no absolute path reaches the object.
        # .S goes through the C preprocessor only via the compiler driver; we use plain `as` (no cpp), so
        # sources use .equ/.macro rather than #define.
        (cd "$dir" && "$AS" -march=armv8.1-a+crc -o "$work/$name.o" "$name.S")
        "$LD" -nostdlib -static --build-id=none -z noexecstack -z norelro -n --no-warn-rwx-segments -T tools/guest.ld \
              -o "$work/$name.elf" "$work/$name.o"
        "$OBJCOPY" --strip-debug --remove-section=.comment "$work/$name.elf"
        "$OBJCOPY" -O binary "$work/$name.elf" "$work/$name.bin"
        built=$((built + 1))
        for ext in elf bin; do
            out="$dir/bin/$name.$ext"
            if [[ $check -eq 1 ]]; then
                if ! cmp -s "$work/$name.$ext" "$out"; then
                    echo "build-guests: $out is stale or missing (rebuild with tools/build-guests.sh)" >&2
                    status=1
                fi
            else
                mkdir -p "$dir/bin"
                cp "$work/$name.$ext" "$out"
            fi
        done
    done
done
if [[ $check -eq 1 && $status -eq 0 ]]; then echo "build-guests: $built guest images up to date"; fi
if [[ $check -eq 0 ]]; then echo "build-guests: built $built guests"; fi
exit $status
