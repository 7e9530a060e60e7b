"""Shared by tools/linux-logdiff.py and tools/linux-shell-check.py: where the fetched Debian kernel is, and the
Release build of the arm64vm CLI."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def kernel_dir():
    """The folder tools/fetch-debian-kernel.sh fills ($ARM64VM_KERNEL_DIR or the user's cache)."""
    out = subprocess.run([os.path.join(ROOT, "tools", "fetch-debian-kernel.sh"), "--print-dir"],
                         capture_output=True, text=True)
    return out.stdout.strip()


def missing_kernel_files(tool, names):
    """Says which of the kernel folder's files are missing (one line each, naming the fetch script); returns the folder
    or None when one is missing."""
    kdir = kernel_dir()
    missing = [f for f in names if not os.path.exists(os.path.join(kdir, f))]
    for f in missing:
        print(f"{tool}: {kdir}/{f} missing: run tools/fetch-debian-kernel.sh", file=sys.stderr)
    return None if missing else kdir


def build_cli(tool):
    """Builds the Release CLI; returns its path, or None (after saying so) when the build fails."""
    if subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "Arm64Vm.Cli"), "-c", "Release", "-v", "q",
                       "-nologo"], stdout=subprocess.DEVNULL).returncode != 0:
        print(f"{tool}: dotnet build failed", file=sys.stderr)
        return None
    return os.path.join(ROOT, "src", "Arm64Vm.Cli", "bin", "Release", "net10.0", "arm64vm")
