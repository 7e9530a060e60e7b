#!/usr/bin/env python3
"""Side-by-side benchmark of the bundled bench guests: Arm64Vm (--cache-model off and state) and QEMU TCG, one run.

Called by tools/bench/run.sh (the entry point), which builds the Release CLI and makes sure QEMU is installed.
Every guest of kind "bench" in tests/guests/manifest.txt runs N times in each configuration; the best (shortest)
run counts. Arm64Vm's figures come from its --stats-json (instructions, seconds of guest execution, MIPS, and
jitSeconds: the part of those seconds the .NET JIT spent compiling the emulator's methods first called in the run,
shown in its own columns with the state/off ratio less it, because it is a start-up cost of tens of milliseconds
in every run, whatever the guest; time the guest's thread waits for the multi-core JIT's other thread is not in it); QEMU's
seconds are the wall time around the qemu-system-aarch64 process with nothing subtracted, so the start-up times of
both (a trivial guest, hello.elf, measured the same way) are printed under the table for the reader to judge.
Each run's UART output and exit status must equal the QEMU-recorded expected output (tests/guests/expected).
Exit status 1 if any output differs.

With --baseline-cli PATH (run.sh --baseline REV builds it), a second Arm64Vm build runs too, alternating run by run
with this one so that a change of the machine's load hits both alike, and a before/after table follows the main one.
Each build's runs keep their own JIT profile (the CLI's multi-core JIT, in a cache directory under this run's temporary
directory), so neither replaces the other's, and the user's own profile is left alone.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GUESTS = os.path.join(ROOT, "tests", "guests")
CLI = os.path.join(ROOT, "src", "Arm64Vm.Cli", "bin", "Release", "net10.0", "arm64vm")


def manifest():
    """(name, qemu_cpu, exit_status) of every bench guest, in manifest order."""
    with open(os.path.join(GUESTS, "manifest.txt")) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4 and not parts[0].startswith("#") and parts[3] == "bench":
                yield parts[0], parts[1], int(parts[2])


def expected_output(name):
    with open(os.path.join(GUESTS, "expected", name + ".txt"), "rb") as f:
        return f.read()


def elf(name):
    return os.path.join(GUESTS, "bin", name + ".elf")


def run_arm64vm(name, mode, tmp, cli=CLI):
    """One run under Arm64Vm: (stats dict, wall seconds, output bytes, exit status)."""
    stats = os.path.join(tmp, f"{name}.{mode}.json")
    # Each build keeps its own JIT profile (the CLI's multi-core JIT, under $XDG_CACHE_HOME): builds run alternately
    # would otherwise overwrite each other's, and the runtime ignores a profile another build wrote.
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache-this" if cli == CLI else "cache-baseline"))
    start = time.perf_counter()
    p = subprocess.run([cli, "run", elf(name), "--cache-model", mode, "--stats-json", stats],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    with open(stats) as f:
        return json.load(f), wall, p.stdout, p.returncode


def run_qemu(name, cpu, tmp):
    """One run under QEMU TCG, exactly as tools/record-guests.sh records it: (wall seconds, output, exit status)."""
    out = os.path.join(tmp, f"{name}.qemu.txt")
    start = time.perf_counter()
    p = subprocess.run(["qemu-system-aarch64", "-M", "virt", "-accel", "tcg", "-cpu", cpu, "-m", "128M",
                        "-display", "none", "-monitor", "none", "-serial", f"file:{out}", "-semihosting",
                        "-kernel", elf(name)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=600)
    wall = time.perf_counter() - start
    with open(out, "rb") as f:
        return wall, f.read(), p.returncode


def check(what, name, output, status, expected, expected_status, problems):
    if output != expected or status != expected_status:
        problems.append(f"{name} under {what}: exit {status} (expected {expected_status}), output "
                        f"{'matches' if output == expected else 'differs from tests/guests/expected/' + name + '.txt'}")


def best_arm64vm(name, mode, runs, expected, expected_status, tmp, problems, baseline=None):
    """The best run of this build and, with a baseline CLI, of that one, alternating: (best, best of baseline)."""
    best = best_base = None
    for _ in range(runs):
        if baseline:
            stats, wall, output, status = run_arm64vm(name, mode, tmp, baseline)
            check(f"baseline arm64vm --cache-model {mode}", name, output, status, expected, expected_status, problems)
            if best_base is None or stats["seconds"] < best_base["seconds"]:
                best_base = stats
        stats, wall, output, status = run_arm64vm(name, mode, tmp)
        check(f"arm64vm --cache-model {mode}", name, output, status, expected, expected_status, problems)
        if best is None or stats["seconds"] < best["seconds"]:
            best = stats
    return best, best_base


def best_qemu(name, cpu, runs, expected, expected_status, tmp, problems):
    best = None
    for _ in range(runs):
        wall, output, status = run_qemu(name, cpu, tmp)
        check("QEMU", name, output, status, expected, expected_status, problems)
        best = wall if best is None else min(best, wall)
    return best


def before_after(rows, base):
    """The baseline build next to this one, from the same alternating runs: MIPS and speed relative to QEMU."""
    print()
    print(f"Before ({base}) and after (this tree), the same runs, alternating:")
    print()
    print("| guest | off MIPS before → after | off / QEMU before → after | state MIPS before → after "
          "| state / QEMU before → after | state / off before → after |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, off, state, qemu, off_b, state_b in rows:
        if off['instructions'] != off_b['instructions'] or state['instructions'] != state_b['instructions']:
            print(f"| {name} | instruction counts differ: {off_b['instructions']} → {off['instructions']} (off), "
                  f"{state_b['instructions']} → {state['instructions']} (state) | | | | |")
            continue
        print(f"| {name} | {off_b['mips']:.1f} → {off['mips']:.1f} "
              f"| {qemu / off_b['seconds']:.2f}x → {qemu / off['seconds']:.2f}x "
              f"| {state_b['mips']:.1f} → {state['mips']:.1f} "
              f"| {qemu / state_b['seconds']:.2f}x → {qemu / state['seconds']:.2f}x "
              f"| {off_b['seconds'] / state_b['seconds']:.2f}x → {off['seconds'] / state['seconds']:.2f}x |")


def jit(stats):
    """Seconds of the run the .NET JIT spent compiling (0 for a build that does not report it)."""
    return stats.get("jitSeconds", 0.0)


def less_jit(stats):
    return max(stats["seconds"] - jit(stats), 1e-9)


def millions(n):
    return f"{n / 1e9:.2f} G" if n >= 1e9 else f"{n / 1e6:.1f} M"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", nargs="*", help="bench guests to run (default: all)")
    ap.add_argument("--baseline-cli", help="a second Arm64Vm CLI (an older build) to run alternately with this one")
    ap.add_argument("--baseline-name", default="baseline", help="what to call the baseline in the table")
    ap.add_argument("--json", help="also write each guest's best runs here (off and state --stats-json, QEMU seconds)")
    args = ap.parse_args()
    if args.runs < 1:
        print("compare.py: --runs must be at least 1", file=sys.stderr)
        return 2
    if args.baseline_cli and not os.access(args.baseline_cli, os.X_OK):
        print(f"compare.py: --baseline-cli {args.baseline_cli}: not an executable file", file=sys.stderr)
        return 2
    problems = []
    rows = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        # Start-up: the trivial guest, wall time around each process (Arm64Vm's includes .NET start-up and JIT).
        hello = expected_output("hello")
        startup_qemu = best_qemu("hello", "cortex-a57", args.runs, hello, 0, tmp, problems)
        startup_vm = None
        for _ in range(args.runs):
            _, wall, output, status = run_arm64vm("hello", "off", tmp)
            check("arm64vm --cache-model off", "hello", output, status, hello, 0, problems)
            startup_vm = wall if startup_vm is None else min(startup_vm, wall)
        for name, cpu, status in manifest():
            if args.only and name not in args.only:
                continue
            exp = expected_output(name)
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            off, off_base = best_arm64vm(name, "off", args.runs, exp, status, tmp, problems, args.baseline_cli)
            state, state_base = best_arm64vm(name, "state", args.runs, exp, status, tmp, problems, args.baseline_cli)
            qemu = best_qemu(name, cpu, args.runs, exp, status, tmp, problems)
            rows.append((name, off, state, qemu, off_base, state_base))

    print(f"Best of {args.runs} run(s) each; Arm64Vm seconds = guest execution from --stats-json, "
          "QEMU seconds = wall time of the whole process.")
    print()
    print("| guest | instructions | off s | off MIPS | state s | state MIPS | QEMU s | off / QEMU | state / QEMU "
          "| state / off | JIT s off, state | state / off less JIT |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, off, state, qemu, _, _ in rows:
        print(f"| {name} | {millions(off['instructions'])} | {off['seconds']:.3f} | {off['mips']:.1f} "
              f"| {state['seconds']:.3f} | {state['mips']:.1f} | {qemu:.3f} "
              f"| {qemu / off['seconds']:.2f}x | {qemu / state['seconds']:.2f}x "
              f"| {off['seconds'] / state['seconds']:.2f}x | {jit(off):.3f}, {jit(state):.3f} "
              f"| {less_jit(off) / less_jit(state):.2f}x |")
    if args.baseline_cli:
        before_after(rows, args.baseline_name)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({name: {"off": off, "state": state, "qemu": qemu} for name, off, state, qemu, _, _ in rows}, f)
    print()
    print(f"Start-up (hello.elf, wall time of the process): QEMU {startup_qemu:.3f} s, "
          f"Arm64Vm {startup_vm:.3f} s (included in QEMU's column, not in Arm64Vm's).")
    print(f"Host: {os.cpu_count()} CPUs, 1-minute load average {load_before:.1f} before the runs and "
          f"{os.getloadavg()[0]:.1f} after (other work on the machine slows both emulators).")
    print("\"x\" columns are speeds: QEMU's seconds / Arm64Vm's (1.00x = as fast as QEMU TCG); "
          "state / off = off's seconds / state's. JIT s: of Arm64Vm's seconds, the .NET JIT compiling the "
          "emulator's methods first called in the run.")
    print("Issue targets: int-loop and alu-loop >= 0.25x QEMU; copy-loop state/off >= 0.9x; "
          "copy-loop-mmu state/off >= 0.5x.")
    if problems:
        print()
        for p in problems:
            print(f"MISMATCH: {p}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
