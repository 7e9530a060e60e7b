#!/usr/bin/env python3
"""Reads tools/bench/model.sh's output (BenchmarkDotNet's summary table, or the --quick lines) on stdin and prints
each ModelBench figure in ns per access next to the speed issue's targets: L1 hit <= 2 ns, L1 miss that fills from
the L2 and evicts a dirty line <= 30 ns. Exit status 1 if no figure was found."""
import re
import sys

TARGETS = {"L1HitRead": 2.0, "L1HitWrite": 2.0, "L1HitReadWrite": 2.0, "L1MissLine": 30.0}
# Informational figures (no target): printed when present.
INFO = {"CopyStream": "copy stream: line read + line write, 1 MiB -> 1 MiB (about half L2 misses, dirty L1 and L2 evictions)",
        "L1MissLine4Cpu": "L1 miss as L1MissLine, by CPU 0 of a 4-CPU cluster whose other L1Ds are full",
        "L1IFetchHit": "L1I hit, a decode fetch (3-way L1I, the way that hits varies)"}
WHAT = {"L1HitRead": "L1 hit, read", "L1HitWrite": "L1 hit, write", "L1HitReadWrite": "L1 hit, read+write",
        "L1MissLine": "L1 miss, L2 hit, dirty eviction (+ write hit)"}
SCALE = {"ns": 1.0, "us": 1e3, "μs": 1e3, "ms": 1e6}

figures = {}
for line in sys.stdin:
    # BenchmarkDotNet: "| L1HitRead | 4.012 ns | ..."; --quick: "L1HitRead  4.01 ns/op  249.0 M ops/s"
    m = (re.match(r"\|\s*(L1\w+|CopyStream)\s*\|\s*([\d.,]+)\s*(ns|us|μs|ms)\s*\|", line)
         or re.match(r"(L1\w+|CopyStream)\s+([\d.,]+)\s+(ns)/op", line))
    if m and (m.group(1) in TARGETS or m.group(1) in INFO):
        figures[m.group(1)] = float(m.group(2).replace(",", "")) * SCALE[m.group(3)]
if not figures:
    print("model_targets.py: no ModelBench figures in the input", file=sys.stderr)
    sys.exit(1)
print("| ModelBench | ns per access | target | met |")
print("|---|---:|---:|---|")
for name, target in TARGETS.items():
    if name in figures:
        ns = figures[name]
        print(f"| {WHAT[name]} ({name}) | {ns:.2f} | <= {target:g} | {'yes' if ns <= target else 'no'} |")
for name, what in INFO.items():
    if name in figures:
        unit = ", per line pair" if name == "CopyStream" else ""
        print(f"| {what} ({name}{unit}) | {figures[name]:.2f} | (informational) | |")
