#!/usr/bin/env bash
# Runs the long Linux tests: every test with the trait Linux=long ([Trait("Linux", "long")]) in the Host and Scenarios
# test projects, with ARM64VM_LINUX_LONG=1 (without it they are skipped, naming this script). They boot the fetched
# Debian kernel several times (4 vCPUs under both cache models, the kernel-log diff against QEMU on 1, 2 and 4 vCPUs,
# scenario drives), so they take many minutes of one core each; the default `dotnet test` boots Linux at most twice
# per test project. Built in Release: a Debug build boots Linux several times slower.
#
# Usage: tools/linux-long-tests.sh [--fetch] [EXTRA DOTNET TEST ARGS...]
#   --fetch   run tools/fetch-debian-kernel.sh first
# Needs: the kernel (tools/fetch-debian-kernel.sh), qemu-system-aarch64 and python3 for the log diff.
# Exit status: dotnet test's (0 when every long test passed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ "${1:-}" == --fetch ]]; then "$root/tools/fetch-debian-kernel.sh" >/dev/null; shift; fi
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then sed -n '2,11p' "$0"; exit 0; fi
export ARM64VM_LINUX_LONG=1
status=0
for project in Arm64Vm.Host.Tests Arm64Vm.Scenarios.Tests; do
    dotnet test "$root/tests/$project" -c Release --filter "Linux=long" --logger "console;verbosity=normal" "$@" || status=$?
done
exit $status
