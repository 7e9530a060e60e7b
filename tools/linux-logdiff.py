#!/usr/bin/env python3
"""Boots the Debian arm64 kernel under Arm64Vm and under QEMU with the same machine and prints the normalised
difference of the two kernel logs (specs/deviations.md, "The Debian arm64 kernel's log versus QEMU").

Both runs get: 512 MiB, N vCPUs, GICv3, one 1 MiB virtio-blk disk, one virtio-rng, console=ttyAMA0 and the initramfs
that powers off (tools/fetch-debian-kernel.sh). QEMU is `qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57
-accel tcg -nic none` (its default network card is dropped: Arm64Vm has none).

Normalising: the timestamps, hexadecimal values (addresses, random bytes), and the numbers that legitimately differ
between two boots (times, BogoMIPS, audit stamps, the RTC's date) are replaced by placeholders; the lines are then
compared as multisets (secondary CPUs print in a racy order under both). A difference that
tools/linux-logdiff.allow explains (a side, a regular expression and the deviation it refers to) is reported as
explained; any other is unexplained.

Usage: tools/linux-logdiff.py [--cpus 1,2,4] [--cache-model state|off] [--log-dir DIR] [--all]
  --cpus         vCPU counts to boot (default 1,2,4)
  --cache-model  Arm64Vm's cache model (default state)
  --log-dir      keep the raw logs there as {arm64vm,qemu}-N.log (and reuse them when present with --reuse)
  --reuse        do not boot where the log already exists in --log-dir
  --all          also print the explained differences
Exit status: 0 when every difference is explained, 1 when one is not, 2 for bad usage or a missing tool/kernel.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

from linux_kernel_tools import ROOT, build_cli, missing_kernel_files
ALLOW = os.path.join(ROOT, "tools", "linux-logdiff.allow")

# (pattern, replacement), applied in order to each line after the timestamp is removed.
NORMALISE = [
    (re.compile(r"BogoMIPS \(lpj=\d+\)"), "BogoMIPS (lpj=N)"),
    (re.compile(r"\d+\.\d+ BogoMIPS"), "N BogoMIPS"),
    (re.compile(r"audit\(\d+\.\d+:\d+\)"), "audit(T:N)"),
    (re.compile(r"setting system clock to \S+ UTC \(\d+\)"), "setting system clock to DATE"),
    (re.compile(r"\b\d+(\.\d+)? ?(ms|usecs|us|ns|msecs|secs)\b"), "N \\2"),
    (re.compile(r"\b\d+K/\d+K available"), "NK/NK available"),
    (re.compile(r"0x[0-9a-fA-F]+"), "0xH"),
    (re.compile(r"\b[0-9a-f]{8,}\b"), "H"),
    (re.compile(r"@[0-9a-f]{5,}\b"), "@H"),
]
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\] ")
# Lines of the tools, not of the guest: Arm64Vm's --stats line, the exit status this script appends.
HOST_LINE = re.compile(r"^(instructions: [\d,]+ +seconds:|arm64vm: |qemu-system-aarch64: |rc=)")


def normalise(text):
    lines = []
    for raw in text.replace("\r", "").split("\n"):
        line = TIMESTAMP.sub("", raw).rstrip()
        if not line or HOST_LINE.match(line):
            continue
        for pattern, repl in NORMALISE:
            line = pattern.sub(repl, line)
        lines.append(line)
    return lines


def load_allowlist(path):
    """Rows 'SIDE<TAB>REGEX<TAB>DEVIATION': SIDE is qemu (only under QEMU), arm64vm (only under Arm64Vm) or both."""
    rules = []
    with open(path) as f:
        for n, row in enumerate(f, 1):
            row = row.rstrip("\n")
            if not row.strip() or row.lstrip().startswith("#"):
                continue
            parts = row.split("\t")
            if len(parts) != 3 or parts[0] not in ("qemu", "arm64vm", "both") or not parts[2].strip():
                sys.exit(f"linux-logdiff: {path}:{n}: expected SIDE<TAB>REGEX<TAB>DEVIATION, SIDE qemu|arm64vm|both")
            try:
                rules.append((parts[0], re.compile(parts[1]), parts[2].strip()))
            except re.error as e:
                sys.exit(f"linux-logdiff: {path}:{n}: bad regular expression: {e}")
    return rules


def explain(side, line, rules):
    for rule_side, pattern, deviation in rules:
        if rule_side in (side, "both") and pattern.search(line):
            return deviation
    return None


def diff(qemu_lines, vm_lines):
    """The multiset difference: (side, line, count) for each line one side prints more often than the other."""
    q, a = Counter(qemu_lines), Counter(vm_lines)
    out = []
    for line in sorted(set(q) | set(a)):
        if q[line] > a[line]:
            out.append(("qemu", line, q[line] - a[line]))
        elif a[line] > q[line]:
            out.append(("arm64vm", line, a[line] - q[line]))
    return out


def run(cmd, log):
    with open(log, "w") as f:
        rc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT, timeout=1800).returncode
    return rc


def boot_both(cpus, model, kdir, logdir, reuse, cli):
    logs = {}
    for side in ("arm64vm", "qemu"):
        log = os.path.join(logdir, f"{side}-{cpus}.log")
        logs[side] = log
        if reuse and os.path.exists(log):
            continue
        with tempfile.NamedTemporaryFile(suffix=".img", delete=False) as disk:
            disk.truncate(1 << 20)
        try:
            common_append = "console=ttyAMA0"
            if side == "arm64vm":
                cmd = [cli, "run", "--kernel", f"{kdir}/Image", "--initrd", f"{kdir}/initramfs.cpio.gz",
                       "--append", common_append, "--memory", "512M", "--cpus", str(cpus), "--cache-model", model,
                       "--drive", disk.name, "--rng", "--max-instructions", "16000000000"]
            else:
                cmd = ["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "cortex-a57", "-accel", "tcg",
                       "-m", "512M", "-smp", str(cpus), "-nographic", "-nic", "none",
                       "-kernel", f"{kdir}/Image", "-initrd", f"{kdir}/initramfs.cpio.gz", "-append", common_append,
                       "-drive", f"file={disk.name},if=none,id=d0,format=raw", "-device", "virtio-blk-device,drive=d0",
                       "-device", "virtio-rng-device"]
            rc = run(cmd, log)
        finally:
            os.unlink(disk.name)
        if rc != 0:
            print(f"linux-logdiff: {side} with {cpus} vCPUs exited {rc} (log {log})", file=sys.stderr)
    return logs


def main():
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--cpus", default="1,2,4")
    ap.add_argument("--cache-model", default="state", choices=["state", "off"])
    ap.add_argument("--log-dir")
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--cli")
    ap.add_argument("-h", "--help", action="store_true")
    try:
        args = ap.parse_args()
    except SystemExit:
        sys.exit(2)
    if args.help:
        print(__doc__)
        return 0
    try:
        counts = [int(c) for c in args.cpus.split(",")]
        if any(c < 1 or c > 8 for c in counts):
            raise ValueError
    except ValueError:
        print(f"linux-logdiff: --cpus: '{args.cpus}' is not a list of vCPU counts 1-8", file=sys.stderr)
        return 2
    if shutil.which("qemu-system-aarch64") is None:
        print("linux-logdiff: qemu-system-aarch64 not found (apt-get install qemu-system-arm)", file=sys.stderr)
        return 2
    kdir = missing_kernel_files("linux-logdiff", ("Image", "initramfs.cpio.gz"))
    if kdir is None:
        return 2
    rules = load_allowlist(ALLOW)
    logdir = args.log_dir or tempfile.mkdtemp(prefix="linux-logdiff.")
    os.makedirs(logdir, exist_ok=True)
    cli = args.cli or build_cli("linux-logdiff")
    if cli is None:
        return 2
    unexplained = 0
    try:
        for cpus in counts:
            logs = boot_both(cpus, args.cache_model, kdir, logdir, args.reuse, cli)
            with open(logs["qemu"], errors="replace") as f:
                q = normalise(f.read())
            with open(logs["arm64vm"], errors="replace") as f:
                a = normalise(f.read())
            print(f"== {cpus} vCPU(s), cache model {args.cache_model}: '-' only under QEMU, '+' only under Arm64Vm")
            for side, line, count in diff(q, a):
                deviation = explain(side, line, rules)
                mark = "-" if side == "qemu" else "+"
                times = f" (x{count})" if count > 1 else ""
                if deviation is None:
                    unexplained += 1
                    print(f"{mark} {line}{times}    UNEXPLAINED")
                elif args.all:
                    print(f"{mark} {line}{times}    [{deviation}]")
    finally:
        if not args.log_dir:
            shutil.rmtree(logdir, ignore_errors=True)
    print(f"unexplained differences: {unexplained}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
