#!/bin/bash
# Generates the FP difftest cases with gen.py, runs them under QEMU (cortex-a57) and leaves the two .gz files
# FpDiffTests reads in OUTDIR. Usage: run.sh OUTDIR [seed] [cases per row]
set -e
out=$1; seed=${2:-1}; per=${3:-144}
here=$(dirname "$0")
python3 "$here/gen.py" "$out" "$seed" "$per"
n=$(awk '$1=="cases"{print $2}' "$out/fp_difftest.meta")
done_pc=$(awk '$1=="done"{print $2}' "$out/fp_difftest.meta")
rm -f "$out/out.bin"
(sleep 4; echo "info registers"; echo "pmemsave 0x44000000 $((n * 112)) \"$out/out.bin\""; sleep 1; echo quit) |
  timeout 60 qemu-system-aarch64 -M virt -cpu cortex-a57 -display none -serial none -monitor stdio -kernel "$out/t.elf" > "$out/qemu.log" 2>&1
# The program must have finished (PC parked on "done") before the memory was saved.
grep -qi "PC=0*${done_pc#0x}" "$out/qemu.log" || { echo "QEMU did not reach done ($done_pc)" >&2; exit 1; }
test "$(stat -c %s "$out/out.bin")" -eq $((n * 112))
gzip -9n -c "$out/fp_difftest.cases" > "$out/fp_difftest.cases.gz"
# Store V0-V3/X0/X1 XORed with the inputs: registers an instruction leaves alone become zeros and compress away.
python3 - "$out" <<'PY'
import sys
d = sys.argv[1]
c = open(f"{d}/fp_difftest.cases", "rb").read()
o = bytearray(open(f"{d}/out.bin", "rb").read())
for i in range(len(c) // 96):
    for j in range(80):
        o[i * 112 + j] ^= c[i * 96 + 16 + j]
open(f"{d}/fp_difftest.expected", "wb").write(o)
PY
gzip -9n -c "$out/fp_difftest.expected" > "$out/fp_difftest.expected.gz"
ls -l "$out"/*.gz
