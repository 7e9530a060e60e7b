#!/usr/bin/env bash
# Benchmark: builds the CLI in Release and runs the bundled benchmark guests (tests/guests/alu-loop and
# ldst-loop, plus any other guest marked "bench" in tests/guests/manifest.txt) with --stats-json, checks that each
# printed exactly its QEMU-recorded output, and prints instructions, seconds and MIPS.
# Not part of the test run. Usage: tools/bench/run.sh [--runs N] (best of N runs, default 3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
runs=3
if [[ "${1:-}" == "--runs" ]]; then runs="$2"; fi

dotnet build src/Arm64Vm.Cli -c Release -v quiet -nologo >/dev/null
cli="src/Arm64Vm.Cli/bin/Release/net10.0/arm64vm"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

printf '%-14s %14s %9s %9s  %s\n' guest instructions seconds MIPS output
status=0
while read -r name cpu exitcode kind; do
    [[ "$name" == \#* || "${kind:-}" != bench ]] && continue
    best=""
    for ((i = 0; i < runs; i++)); do
        set +e
        "$cli" run "tests/guests/bin/$name.elf" --stats-json "$tmp/$name.json" > "$tmp/$name.out" < /dev/null
        rc=$?
        set -e
        mips=$(python3 -c "import json;print(json.load(open('$tmp/$name.json'))['mips'])")
        if [[ -z "$best" ]] || python3 -c "import sys; sys.exit(0 if $mips > $best else 1)"; then
            best=$mips; cp "$tmp/$name.json" "$tmp/$name.best.json"
        fi
    done
    if [[ $rc -eq $exitcode ]] && cmp -s "$tmp/$name.out" "tests/guests/expected/$name.txt"; then ok=ok; else ok="MISMATCH (exit $rc)"; status=1; fi
    python3 - "$tmp/$name.best.json" "$name" "$ok" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]:<14} {j['instructions']:>14,} {j['seconds']:>9.3f} {j['mips']:>9.1f}  {sys.argv[3]}")
PY
done < tests/guests/manifest.txt
exit $status
