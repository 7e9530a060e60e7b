#!/usr/bin/env bash
# Fetches the stock Debian 12 arm64 kernel and builds two busybox initramfs images for it:
#   Image                  the kernel behind `linux-image-arm64`, uncompressed (Debian 12 ships /boot/vmlinuz-* as an
#                          uncompressed EFI-stub Image; a gzip-compressed one is decompressed); vmlinuz is the file as shipped
#   initramfs.cpio.gz      /init mounts proc, sys and devtmpfs, loads the virtio modules of the same package
#                          (virtio_mmio, virtio_blk, virtio-rng: modules in Debian's 6.1 config, the virtio core is
#                          built in), prints the marker line "ARM64VM-USERSPACE-OK", `uname -a`, the CPU count and the
#                          disks it sees, then, with a virtio disk (/dev/vda) and a virtio-rng, what the kernel command
#                          line asks (see below), then powers off
#   Kernel command line words /init understands (it reads /proc/cmdline):
#     arm64vm.note=TEXT    print sector 0 of /dev/vda ("vda-note: ..."), then write TEXT (no spaces) there and sync:
#                          a later run prints it back, and the host file holds it at offset 0
#     arm64vm.action=reboot  the reboot test: sector 1 of /dev/vda is the boot counter. Empty: write "rebooted",
#                          sync, print ARM64VM-REBOOT and `reboot -f`. "rebooted": zero it, print
#                          ARM64VM-SECOND-BOOT and power off. The same initramfs and command line are reloaded on
#                          reset, so the disk (a host file) is what tells the boots apart, deterministically; the
#                          disk ends as it started, so the test repeats
#   initramfs-shell.cpio.gz the same, but drops to an interactive `sh` instead of powering off
# into a cache folder outside the repository (default ${XDG_CACHE_HOME:-$HOME/.cache}/arm64vm/debian-kernel, or
# $ARM64VM_KERNEL_DIR), and prints that folder. Nothing here is committed. Idempotent: a second run reuses the
# downloaded packages unless --refresh is given.
#
# Usage: tools/fetch-debian-kernel.sh [--refresh] [--print-dir]
#   --print-dir   only print the cache folder (what tests and scripts use to find the files)
set -euo pipefail

dir="${ARM64VM_KERNEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/arm64vm/debian-kernel}"
refresh=0
for a in "$@"; do
    case "$a" in
        --refresh) refresh=1 ;;
        --print-dir) echo "$dir"; exit 0 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "fetch-debian-kernel: unknown option '$a' (see --help)" >&2; exit 2 ;;
    esac
done

need_root() { if [[ $(id -u) -ne 0 ]]; then echo "fetch-debian-kernel: $1 needs root (run once as root, or install it yourself)" >&2; exit 1; fi; }

# Tools: cpio builds the initramfs; dpkg-deb and apt-get come with Debian.
if ! command -v cpio >/dev/null; then need_root "installing cpio"; apt-get install -y -qq cpio >/dev/null; fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    need_root "adding the arm64 architecture to dpkg"
    dpkg --add-architecture arm64
    apt-get update -qq
fi
if ! apt-cache show linux-image-arm64:arm64 >/dev/null 2>&1; then need_root "apt-get update"; apt-get update -qq; fi

mkdir -p "$dir/debs"
cd "$dir/debs"
if [[ $refresh -eq 1 ]]; then rm -f ./*.deb; fi
# The meta package names the versioned image package; download that one (and busybox-static).
kpkg="$(apt-cache depends linux-image-arm64:arm64 | awk '/Depends: linux-image-/ {print $2; exit}')"
kpkg="${kpkg%:arm64}"
[[ -n "$kpkg" ]] || { echo "fetch-debian-kernel: cannot resolve the package behind linux-image-arm64" >&2; exit 1; }
ls "$kpkg"_*_arm64.deb >/dev/null 2>&1 || apt-get download -qq -o APT::Sandbox::User=root "$kpkg:arm64"
ls busybox-static_*_arm64.deb >/dev/null 2>&1 || apt-get download -qq -o APT::Sandbox::User=root busybox-static:arm64

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$(ls "$kpkg"_*_arm64.deb | head -1)" "$work/k"
dpkg-deb -x "$(ls busybox-static_*_arm64.deb | head -1)" "$work/bb"

vmlinuz="$(ls "$work"/k/boot/vmlinuz-* | head -1)"
kver="${vmlinuz##*/vmlinuz-}"
cp "$vmlinuz" "$dir/vmlinuz"
if gzip -t "$vmlinuz" 2>/dev/null; then gzip -dc "$vmlinuz" > "$dir/Image"; else cp "$vmlinuz" "$dir/Image"; fi
printf 'ARM\x64' | cmp -s - <(dd if="$dir/Image" bs=1 skip=56 count=4 2>/dev/null) \
    || { echo "fetch-debian-kernel: $dir/Image has no arm64 Image header (magic at offset 56)" >&2; exit 1; }

# The initramfs: busybox and its applets, the virtio modules of this kernel with what they depend on.
build_initramfs() {
    local out="$1" final="$2" root="$work/root-$3"
    mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,etc,lib/modules}
    cp "$work/bb/bin/busybox" "$root/bin/busybox"
    for applet in sh mount umount cat echo ls uname nproc poweroff reboot insmod modprobe sleep dmesg grep mkdir \
                  dd tr head od sync printf; do
        ln -sf busybox "$root/bin/$applet"
    done
    local mdir="$work/k/lib/modules/$kver/kernel"
    # Load order matters for insmod: the transport first, then the drivers (virtio core is built in on Debian arm64).
    local mods=()
    for m in drivers/virtio/virtio_mmio drivers/block/virtio_blk drivers/char/hw_random/virtio-rng; do
        for f in "$mdir/$m.ko" "$mdir/$m.ko.xz"; do
            if [[ -f "$f" ]]; then cp "$f" "$root/lib/modules/"; mods+=("${f##*/}"); fi
        done
    done
    cat > "$root/init" <<EOF
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in ${mods[*]}; do insmod /lib/modules/\$m 2>/dev/null; done
echo ARM64VM-USERSPACE-OK
uname -a
echo "cpus: \$(nproc)"
echo "disks: \$(ls /sys/block 2>/dev/null | tr '\n' ' ')"
note="" action=""
for w in \$(cat /proc/cmdline); do
    case "\$w" in
        arm64vm.note=*) note="\${w#arm64vm.note=}" ;;
        arm64vm.action=*) action="\${w#arm64vm.action=}" ;;
    esac
done
sector() { dd if=/dev/vda bs=512 skip="\$1" count=1 2>/dev/null | tr -d '\000' | head -n 1; }
put() {   # sector \$1 := the text \$2, zero-padded to 512 bytes
    { printf '%s' "\$2"; dd if=/dev/zero bs=512 count=1 2>/dev/null; } | head -c 512 > /tmp/sector
    dd if=/tmp/sector of=/dev/vda bs=512 seek="\$1" count=1 conv=notrunc 2>/dev/null; sync
}
if [ -b /dev/vda ]; then
    echo "vda-note: \$(sector 0)"
    if [ -n "\$note" ]; then put 0 "\$note"; echo "vda-wrote: \$note"; fi
fi
rng="\$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)"   # "none" without a virtio-rng
[ -n "\$rng" ] && [ "\$rng" != none ] && echo "hwrng: \$rng \$(head -c 8 /dev/hwrng | od -An -tx1 | tr -d ' \n')"
if [ "\$action" = reboot ]; then
    if [ ! -b /dev/vda ]; then echo "ARM64VM-REBOOT-NEEDS-VDA"
    elif [ "\$(sector 1)" != rebooted ]; then put 1 rebooted; echo ARM64VM-REBOOT; reboot -f
    else put 1 ""; echo ARM64VM-SECOND-BOOT
    fi
fi
$final
EOF
    chmod +x "$root/init"
    # Reproducible: every mtime 0, inode and device numbers from cpio --reproducible, no name or time in the gzip
    # header; so a rebuild gives the same bytes and a boot the same instruction count.
    (cd "$root" && find . -exec touch -h -d @0 {} + && find . | sort | cpio -o -H newc --reproducible --quiet | gzip -9 -n) > "$out"
}
build_initramfs "$dir/initramfs.cpio.gz" "poweroff -f" poweroff
build_initramfs "$dir/initramfs-shell.cpio.gz" "exec sh" shell

echo "$kver" > "$dir/VERSION"
echo "fetch-debian-kernel: kernel $kver" >&2
echo "$dir"
