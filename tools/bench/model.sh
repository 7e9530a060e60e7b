#!/usr/bin/env bash
# Cache-model throughput (BenchmarkDotNet, tools/bench/ModelBench): accesses per second through CacheMemorySystem
# (Cortex-A57 hierarchy, Normal WB) for L1 hits (read, write, mixed), L1 misses that hit the L2, and (informational)
# a copy stream over 1 MiB -> 1 MiB that fills the L2 (copy-loop-mmu's pattern at line granularity: CopyStream next to
# the other benchmarks' lines, CopyStreamL2 on a model of its own, where every line hits the L2 as in the guest) and the
# L1I hit of a decode fetch (L1IFetchHit).
# Issue #4 target: >= 30 M L1-hit accesses/s. Not part of the test run.
#   tools/bench/model.sh            BenchmarkDotNet, short job (about a minute)
#   tools/bench/model.sh --quick    best of 3200 short batches per benchmark, no BenchmarkDotNet (seconds)
# Other arguments go to BenchmarkDotNet (e.g. --filter '*L1Hit*').
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
dotnet build tools/bench/ModelBench -c Release -v quiet -nologo >/dev/null
dll=tools/bench/ModelBench/bin/Release/net10.0/ModelBench.dll
if [[ "${1:-}" == "--quick" ]]; then
    DOTNET_TieredCompilation=0 exec dotnet "$dll" --quick
fi
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
if [[ $# -eq 0 ]]; then set -- --filter '*'; fi
dotnet "$dll" --job short --inProcess --artifacts "$tmp" "$@"
