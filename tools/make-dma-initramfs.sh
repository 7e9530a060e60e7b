#!/usr/bin/env bash
# Derives initramfs-dma.cpio.gz from the initramfs.cpio.gz that tools/fetch-debian-kernel.sh built, for the virtio
# DMA scenario (scenarios/virtio-dma-nc.yaml): the same /init (mounts, virtio modules, the marker line
# "ARM64VM-USERSPACE-OK", uname, CPU count, disks), then, when /dev/vda exists, two DMA checks before `poweroff -f`:
#   guest -> device: dd writes /dma/w.bin (64 KiB) to vda at offset 0 with O_DIRECT (the block layer DMAs straight
#     out of dd's buffer), then reads it back with O_DIRECT into a fresh buffer and compares 4 KiB block by block:
#     "dma-check: write ok" or "dma-check: readback mismatch at 0xOFFSET";
#   device -> guest: dd reads 64 KiB at vda offset 1 MiB with O_DIRECT, which the scenario pre-filled, and compares it
#     with /dma/r.bin: "dma-check: read ok" or "dma-check: read mismatch at 0xOFFSET".
# The patterns are the scenario's drive pattern (scenarios/README.md, machine.drives): 16-byte lines, a tag letter
# ('w' written by the guest, 'r' pre-filled by the scenario), the line's disk offset in 14 lower-case hex digits, "\n".
# Writes into the same cache folder (tools/fetch-debian-kernel.sh --print-dir) and prints the file's path.
# Idempotent: rebuilds only when initramfs.cpio.gz or this script is newer than the result (or with --force).
#
# Usage: tools/make-dma-initramfs.sh [--force]
set -euo pipefail
variant=make-dma-initramfs out_name=initramfs-dma.cpio.gz
source "$(dirname "${BASH_SOURCE[0]}")/initramfs-variant.sh"
variant_begin "$@"
# pattern TAG FROM SIZE: the drive pattern for disk offsets FROM..FROM+SIZE.
pattern() { awk -v t="$1" -v a="$2" -v n="$3" 'BEGIN { for (o = a; o < a + n; o += 16) printf "%s%014x\n", t, o }'; }
mkdir -p "$work/dma"
pattern w 0 65536 > "$work/dma/w.bin"
pattern r 1048576 65536 > "$work/dma/r.bin"
for applet in md5sum; do ln -sf busybox "$work/bin/$applet"; done
cat >> "$work/init" <<'INIT'
# dma_compare FILE DISK-OFFSET WHAT: reads 64 KiB of vda at DISK-OFFSET with O_DIRECT, 4 KiB at a time, and compares
# each block with FILE's; prints the first differing block's disk offset.
dma_compare() {
    b=0
    while [ $b -lt 16 ]; do
        want="$(dd if="$1" bs=4096 skip=$b count=1 2>/dev/null | md5sum)"
        got="$(dd if=/dev/vda bs=4096 skip=$(( $2 / 4096 + b )) count=1 iflag=direct 2>/dev/null | md5sum)"
        if [ "$want" != "$got" ]; then
            printf 'dma-check: %s mismatch at 0x%x: %s\n' "$3" $(( $2 + b * 4096 )) \
                "$(dd if=/dev/vda bs=4096 skip=$(( $2 / 4096 + b )) count=1 iflag=direct 2>/dev/null | head -c 16 | od -An -c | tr -s ' ')"
            return 1
        fi
        b=$(( b + 1 ))
    done
    return 0
}
if [ -b /dev/vda ]; then
    dd if=/dma/w.bin of=/dev/vda bs=65536 count=1 oflag=direct conv=notrunc,fsync 2>/dev/null || echo "dma-check: write failed"
    dma_compare /dma/w.bin 0 readback && echo "dma-check: write ok"
    dma_compare /dma/r.bin 1048576 read && echo "dma-check: read ok"
fi
poweroff -f
INIT
variant_end
