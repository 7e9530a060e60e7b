# Sourced by the tools/make-*-initramfs.sh scripts: derives a variant of the initramfs.cpio.gz that
# tools/fetch-debian-kernel.sh built, in the same cache folder. The caller sets `variant` (its name, for messages)
# and `out_name` (the file to write), then calls
#   variant_begin "$@"   # --force / --help; exits printing the result's path when it is newer than its sources;
#                        # else unpacks the initramfs into $work, checks that /init ends in `poweroff -f` and
#                        # removes that line
#   ... appends to "$work/init", adds files under "$work" ...
#   variant_end          # packs $work into the result and prints its path
variant_begin() {
    local force=0 a
    for a in "$@"; do
        case "$a" in
            --force) force=1 ;;
            -h|--help) sed -n '2,/^# Usage/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
            *) echo "$variant: unknown option '$a' (see --help)" >&2; exit 2 ;;
        esac
    done
    local root dir
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    dir="$("$root/tools/fetch-debian-kernel.sh" --print-dir)"
    src="$dir/initramfs.cpio.gz" out="$dir/$out_name"
    [[ -f "$src" ]] || { echo "$variant: $src missing: run tools/fetch-debian-kernel.sh first" >&2; exit 2; }
    command -v cpio >/dev/null || { echo "$variant: needs cpio (apt-get install cpio)" >&2; exit 2; }
    if [[ $force -eq 0 && -f "$out" && "$out" -nt "$src" && "$out" -nt "$0" ]]; then echo "$out"; exit 0; fi
    work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
    (cd "$work" && gzip -dc "$src" | cpio -id --quiet)
    grep -qx 'poweroff -f' "$work/init" || { echo "$variant: $src's /init does not end in 'poweroff -f'" >&2; exit 1; }
    sed -i '/^poweroff -f$/d' "$work/init"
}

variant_end() {
    chmod +x "$work/init"
    # Reproducible: every mtime 0, inode and device numbers from cpio --reproducible, no name or time in the gzip
    # header; so a rebuild gives the same bytes and a boot the same instruction count.
    (cd "$work" && find . -exec touch -h -d @0 {} + && find . | sort | cpio -o -H newc --reproducible --quiet | gzip -9 -n) > "$out.tmp"
    mv "$out.tmp" "$out"
    echo "$out"
}
