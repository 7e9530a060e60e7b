#!/usr/bin/env bash
# The benchmark entry point: every guest of kind "bench" in tests/guests/manifest.txt (int-loop, alu-loop,
# copy-loop, copy-loop-mmu, ldst-loop, ...) under Arm64Vm Release with --cache-model off and state and under QEMU
# TCG, side by side in one table (tools/bench/compare.py: best of N, outputs checked against the QEMU-recorded
# ones), then the cache model alone (tools/bench/model.sh, BenchmarkDotNet) next to the speed targets, and the best
# copy-loop-mmu state / off the model's own miss work allows (tools/bench/model_targets.py --guests).
# Not part of the test run.
#   tools/bench/run.sh [--runs N] [--quick] [--no-model] [--baseline REV] [GUEST...]
#     --runs N    best of N runs per guest and configuration (default 3)
#     --baseline REV
#                 also build git revision REV (a clean checkout of it, cached in ~/.cache/arm64vm/bench-baseline)
#                 and run it alternately with this tree: a before/after table follows the main one
#     --quick     one run each, and ModelBench's quick mode (no BenchmarkDotNet)
#     --no-model  skip ModelBench
#     GUEST...    only these bench guests
# Needs qemu-system-aarch64 (Debian qemu-system-arm): installed with apt-get when missing and running as root.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
runs=3 quick=0 model=1 only=() baseline=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs)
            if [[ $# -lt 2 || ! "$2" =~ ^[1-9][0-9]*$ ]]; then echo "run.sh: --runs needs a positive number" >&2; exit 2; fi
            runs="$2"; shift 2 ;;
        --quick) quick=1 runs=1; shift ;;
        --no-model) model=0; shift ;;
        --baseline)
            if [[ $# -lt 2 ]]; then echo "run.sh: --baseline needs a git revision" >&2; exit 2; fi
            if ! git rev-parse --verify -q "$2^{commit}" >/dev/null; then
                echo "run.sh: --baseline $2: not a git revision of this repository" >&2; exit 2
            fi
            baseline="$(git rev-parse "$2^{commit}")"; shift 2 ;;
        -*) echo "run.sh: unknown option $1 (usage: $0 [--runs N] [--quick] [--no-model] [--baseline REV] [GUEST...])" >&2; exit 2 ;;
        *)
            if ! grep -q "^$1 .* bench$" tests/guests/manifest.txt; then
                echo "run.sh: $1 is not a bench guest in tests/guests/manifest.txt" >&2; exit 2
            fi
            only+=("$1"); shift ;;
    esac
done

if ! command -v qemu-system-aarch64 >/dev/null; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "bench: installing qemu-system-arm" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-arm >/dev/null
    else
        echo "bench: qemu-system-aarch64 not found; install qemu-system-arm" >&2; exit 1
    fi
fi

echo "bench: building the CLI (Release)" >&2
dotnet build src/Arm64Vm.Cli -c Release -v quiet -nologo >/dev/null
base_args=()
if [[ -n "$baseline" ]]; then
    # A clean checkout of the revision, built once and kept: its Release CLI runs next to this tree's.
    cache="${XDG_CACHE_HOME:-$HOME/.cache}/arm64vm/bench-baseline/$baseline"
    base_cli="$cache/src/Arm64Vm.Cli/bin/Release/net10.0/arm64vm"
    if [[ ! -x "$base_cli" ]]; then
        echo "bench: building baseline ${baseline:0:12} in $cache" >&2
        rm -rf "$cache"; mkdir -p "$cache"
        git archive "$baseline" | tar -x -C "$cache"
        dotnet build "$cache/src/Arm64Vm.Cli" -c Release -v quiet -nologo >/dev/null
    fi
    base_args=(--baseline-cli "$base_cli" --baseline-name "$(git rev-parse --short "$baseline")")
fi
status=0
guests_json="$(mktemp)" log=""; trap 'rm -f "$guests_json" ${log:+"$log"}' EXIT
python3 tools/bench/compare.py --runs "$runs" --json "$guests_json" ${base_args[@]+"${base_args[@]}"} \
    ${only[@]+--only "${only[@]}"} || status=$?

if [[ $model -eq 1 ]]; then
    echo >&2; echo "bench: ModelBench (tools/bench/model.sh$([[ $quick -eq 1 ]] && echo ' --quick'))" >&2
    log="$(mktemp)"
    if [[ $quick -eq 1 ]]; then tools/bench/model.sh --quick > "$log"; else tools/bench/model.sh > "$log"; fi
    echo
    python3 tools/bench/model_targets.py --guests "$guests_json" < "$log" || { cat "$log" >&2; status=1; }
fi
exit $status
