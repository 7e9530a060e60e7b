#!/bin/bash
# Builds a difftest image with gen.py, runs it under QEMU (cortex-a57) and leaves the three .gz files the test
# reads in OUTDIR. Usage: run.sh OUTDIR [seed]
set -e
out=$1; seed=${2:-1}
here=$(dirname "$0")
python3 "$here/gen.py" "$out" "$seed"
n=$(awk '$1=="cases"{print $2}' "$out/simd_difftest.meta")
rm -f "$out/out.bin"
(sleep 3; echo "pmemsave 0x40400000 $((n * 64)) \"$out/out.bin\""; sleep 1; echo quit) |
  timeout 30 qemu-system-aarch64 -M virt -cpu cortex-a57 -display none -serial none -monitor stdio -kernel "$out/t.elf" > "$out/qemu.log" 2>&1
test -s "$out/out.bin"
gzip -9 -c "$out/simd_difftest.bin" > "$out/simd_difftest.bin.gz"
gzip -9 -c "$out/simd_difftest.meta" > "$out/simd_difftest.meta.gz"
gzip -9 -c "$out/out.bin" > "$out/simd_difftest.expected.gz"
