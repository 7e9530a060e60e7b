#!/bin/bash
# Generates difftest cases with gen.py, runs them under QEMU and leaves the two .gz files the replay tests read in
# OUTDIR. Usage: run.sh OUTDIR [seed] [cases per row] [fp|crypto]
#   fp      (default) scalar FP and AdvSIMD FP rows, qemu -cpu cortex-a57 -> fp_difftest.{cases,expected}.gz
#   crypto  AES/SHA1/SHA256 rows, qemu -cpu max                         -> crypto_difftest.{cases,expected}.gz
set -e
out=$1; seed=${2:-1}; per=${3:-144}; mode=${4:-fp}
cpu=cortex-a57; [[ $mode == crypto ]] && cpu=max
prefix=${mode}_difftest
here=$(dirname "$0")
python3 "$here/gen.py" "$out" "$seed" "$per" "$mode"
n=$(awk '$1=="cases"{print $2}' "$out/$prefix.meta")
done_pc=$(awk '$1=="done"{print $2}' "$out/$prefix.meta")
rm -f "$out/out.bin"
(sleep 4; echo "info registers"; echo "pmemsave 0x44000000 $((n * 112)) \"$out/out.bin\""; sleep 1; echo quit) |
  timeout 60 qemu-system-aarch64 -M virt -cpu $cpu -display none -serial none -monitor stdio -kernel "$out/t.elf" > "$out/qemu.log" 2>&1
# The program must have finished (PC parked on "done") before the memory was saved.
grep -qi "PC=0*${done_pc#0x}" "$out/qemu.log" || { echo "QEMU did not reach done ($done_pc)" >&2; exit 1; }
test "$(stat -c %s "$out/out.bin")" -eq $((n * 112))
# Store V0-V3/X0/X1 XORed with the inputs: registers an instruction leaves alone become zeros and compress away.
python3 - "$out" "$prefix" <<'PY'
import sys
d, p = sys.argv[1], sys.argv[2]
c = open(f"{d}/{p}.cases", "rb").read()
o = bytearray(open(f"{d}/out.bin", "rb").read())
for i in range(len(c) // 96):
    for j in range(80):
        o[i * 112 + j] ^= c[i * 96 + 16 + j]
open(f"{d}/{p}.expected", "wb").write(o)
PY
gzip -9n -c "$out/$prefix.cases" > "$out/$prefix.cases.gz"
gzip -9n -c "$out/$prefix.expected" > "$out/$prefix.expected.gz"
ls -l "$out/$prefix".*.gz
