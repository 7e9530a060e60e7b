#!/usr/bin/env python3
"""The interactive shell end to end, as a person at a terminal would use it (DEV-1, specs/interrupts.md).

Runs `arm64vm run --kernel Image --initrd initramfs-shell.cpio.gz` on a pseudo-terminal (its stdin, stdout and
stderr), waits for the initramfs's marker, types `echo hello-$((6*7))` and Enter, and waits for `hello-42` (only the
shell's arithmetic makes it: the terminal's echo of the typed line shows `$((6*7))`). The keystrokes reach the guest
through the PL011's receive interrupt. It then types Ctrl-A X and checks that arm64vm quits with status 0 saying
"quit (Ctrl-A X)", that the terminal was in raw mode while the guest ran, that its settings (`stty -g`) are the
same after the run as before it, and that the cursor keys are not left in application mode.

With --no-kernel the guest is an 8-byte raw image that waits for interrupts forever (WFI; B back): no Linux, a few
seconds; every check but the typed line runs.

Usage: tools/linux-shell-check.py [--cpus N] [--cache-model state|off] [--timeout SECONDS] [--log FILE] [--no-kernel]
Exit status: 0 when every step passed, 1 when one did not, 2 for bad usage or no kernel.
"""
import argparse
import os
import pty
import select
import subprocess
import sys
import tempfile
import time

from linux_kernel_tools import ROOT, build_cli, missing_kernel_files

# WFI; B .-4: a raw image (loaded at 0x40080000) that sleeps forever; with a terminal attached the run waits for input.
IDLE_GUEST = bytes.fromhex("7f2003d5ffffff17")


def stty_g(fd):
    return subprocess.run(["stty", "-g"], stdin=fd, capture_output=True, text=True, check=True).stdout.strip()


class Session:
    def __init__(self, master, proc, log):
        self.master, self.proc, self.log = master, proc, log
        self.output = b""

    def pump(self, seconds):
        """Reads what the program wrote for up to `seconds` (less when it exits)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], min(0.2, max(0.0, end - time.monotonic())))
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:   # EIO: every slave descriptor closed (the program exited)
                    return
                if not chunk:
                    return
                self.output += chunk
                if self.log:
                    self.log.write(chunk)
                    self.log.flush()
            elif self.proc.poll() is not None:
                return

    def wait_for(self, text, seconds):
        end = time.monotonic() + seconds
        while text not in self.output:
            if time.monotonic() >= end or self.proc.poll() is not None:
                self.pump(0.5)
                return text in self.output
            self.pump(min(1.0, end - time.monotonic()))
        return True

    def type(self, data):
        os.write(self.master, data)


def main():
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--cpus", type=int, default=1)
    ap.add_argument("--cache-model", default="off", choices=["state", "off"])
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--log")
    ap.add_argument("--cli")
    ap.add_argument("--no-kernel", action="store_true")
    ap.add_argument("-h", "--help", action="store_true")
    try:
        args = ap.parse_args()
    except SystemExit:
        return 2
    if args.help:
        print(__doc__)
        return 0
    kdir = None
    if not args.no_kernel:
        kdir = missing_kernel_files("linux-shell-check", ("Image", "initramfs-shell.cpio.gz"))
        if kdir is None:
            return 2
    cli = args.cli or build_cli("linux-shell-check")
    if cli is None:
        return 2
    if kdir:
        command = [cli, "run", "--kernel", f"{kdir}/Image", "--initrd", f"{kdir}/initramfs-shell.cpio.gz",
                   "--append", "console=ttyAMA0", "--memory", "512M", "--cpus", str(args.cpus),
                   "--cache-model", args.cache_model]
    else:
        with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as guest:
            guest.write(IDLE_GUEST)
        command = [cli, "run", guest.name, "--cache-model", args.cache_model]

    master, slave = pty.openpty()
    before = stty_g(slave)
    log = open(args.log, "wb") if args.log else None
    proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    session = Session(master, proc, log)
    failures = []

    def step(ok, what):
        print(f"{'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            failures.append(what)
        return ok

    try:
        if kdir:
            started = step(session.wait_for(b"ARM64VM-USERSPACE-OK", args.timeout),
                           "the initramfs shell starts (ARM64VM-USERSPACE-OK)")
        else:
            session.pump(3)
            started = step(proc.poll() is None, "the idle guest keeps running, waiting for input (DEV-1)")
        if started:
            during = stty_g(slave)
            step(during != before and "-icanon" in subprocess.run(
                ["stty", "-a"], stdin=slave, capture_output=True, text=True).stdout,
                 "the terminal is in raw mode while the guest runs")
            if kdir:
                session.pump(3)   # the rest of /init and the shell's prompt
                session.type(b"echo hello-$((6*7))\r")
                step(session.wait_for(b"hello-42", 120), "typed `echo hello-$((6*7))` prints hello-42")
            session.type(b"\x01x")
            end = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < end:
                session.pump(0.5)
            step(proc.poll() == 0, f"Ctrl-A X ends arm64vm with status 0 (status {proc.poll()})")
            session.pump(0.5)
            step(b"quit (Ctrl-A X)" in session.output, "arm64vm says quit (Ctrl-A X)")
            step(stty_g(slave) == before, "the terminal's settings are restored (stty -g before == after)")
            out = session.output
            step(out.rfind(b"\x1b[?1h") < out.rfind(b"\x1b[?1l") or b"\x1b[?1h" not in out,
                 "cursor keys left in normal mode (no ESC [ ? 1 h without a later ESC [ ? 1 l)")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(slave)
        os.close(master)
        if not kdir:
            os.unlink(command[2])
        if log:
            log.close()
    if failures:
        tail = session.output.decode(errors="replace").replace("\r", "").splitlines()[-15:]
        print("--- last output:\n" + "\n".join(tail), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
