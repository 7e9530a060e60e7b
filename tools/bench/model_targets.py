#!/usr/bin/env python3
"""Reads tools/bench/model.sh's output (BenchmarkDotNet's summary table, or the --quick lines) on stdin and prints
each ModelBench figure in ns per access next to the speed issue's targets: L1 hit <= 2 ns, L1 miss that fills from
the L2 and evicts a dirty line <= 30 ns. Exit status 1 if no figure was found.

With --guests FILE (compare.py --json of the same run), it also prints the bound the model's own work sets on
copy-loop-mmu's state / off: an iteration of that guest copies one line pair (12 instructions) and in `state` the model
must perform CopyStreamL2's work for it (two L1D misses that hit the L2, one dirty line written back) on top of
whatever `off` does, so even a CPU side that cost nothing over `off` could not run faster than off / (off + that)."""
import argparse
import json
import re
import sys

TARGETS = {"L1HitRead": 2.0, "L1HitWrite": 2.0, "L1HitReadWrite": 2.0, "L1MissLine": 30.0}
# Informational figures (no target): printed when present.
INFO = {"CopyStream": "copy stream: line read + line write, 1 MiB -> 1 MiB (about half L2 misses, dirty L1 and L2 evictions)",
        "CopyStreamL2": "copy stream as copy-loop-mmu's: every line an L2 hit, a dirty L1D line written back per pair",
        "L1MissLine4Cpu": "L1 miss as L1MissLine, by CPU 0 of a 4-CPU cluster whose other L1Ds are full",
        "L1IFetchHit": "L1I hit, a decode fetch (3-way L1I, the way that hits varies)"}
WHAT = {"L1HitRead": "L1 hit, read", "L1HitWrite": "L1 hit, write", "L1HitReadWrite": "L1 hit, read+write",
        "L1MissLine": "L1 miss, L2 hit, dirty eviction (+ write hit)"}
SCALE = {"ns": 1.0, "us": 1e3, "μs": 1e3, "ms": 1e6}

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--guests", help="compare.py --json output of the same run: adds copy-loop-mmu's bound")
args = ap.parse_args()
guests = {}
if args.guests:
    try:
        with open(args.guests) as f:
            text = f.read()
        # Empty when compare.py stopped before writing it (run.sh creates the file): then there is no bound to print.
        guests = json.loads(text) if text.strip() else {}
    except (OSError, ValueError) as e:
        print(f"model_targets.py: --guests {args.guests}: {e}", file=sys.stderr)
        sys.exit(2)

figures = {}
for line in sys.stdin:
    # BenchmarkDotNet: "| L1HitRead | 4.012 ns | ..."; --quick: "L1HitRead  4.01 ns/op  249.0 M ops/s"
    m = (re.match(r"\|\s*(L1\w+|CopyStream\w*)\s*\|\s*([\d.,]+)\s*(ns|us|μs|ms)\s*\|", line)
         or re.match(r"(L1\w+|CopyStream\w*)\s+([\d.,]+)\s+(ns)/op", line))
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
        unit = ", per line pair" if name.startswith("CopyStream") else ""
        print(f"| {what} ({name}{unit}) | {figures[name]:.2f} | (informational) | |")


def less_jit(stats):
    """Seconds of guest execution less the .NET JIT's share (compare.py's "less JIT" column)."""
    return max(stats["seconds"] - stats.get("jitSeconds", 0.0), 1e-9)


row = guests.get("copy-loop-mmu")
if row and "CopyStreamL2" in figures:
    # About 12 instructions per iteration (copy-loop.S); the fill and the checksum add under 2 %.
    iterations = row["off"]["instructions"] / 12
    off_ns = less_jit(row["off"]) * 1e9 / iterations
    model_ns = figures["CopyStreamL2"]
    print()
    print(f"copy-loop-mmu, less JIT: `off` {off_ns:.1f} ns per iteration (one line pair); the model's own work per "
          f"line pair (CopyStreamL2) {model_ns:.1f} ns. With a CPU side that cost nothing over `off`, state / off "
          f"could be at most {off_ns:.1f} / ({off_ns:.1f} + {model_ns:.1f}) = {off_ns / (off_ns + model_ns):.2f}x; "
          f"measured {less_jit(row['off']) / less_jit(row['state']):.2f}x (target >= 0.5x).")
