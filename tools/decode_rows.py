"""Reads the rows of specs/a64/*.decode for the difftest generators (syntax: specs/a64/README.md).

parse_rows(paths) -> [(name, class, mask, value, fields)] where mask/value are the fixed bits of the 32-bit pattern
and fields maps a field name to (lowest bit, width). Priority braces, @class lines and attributes (key=value,
exec=H(name=value, ...), the flags fp, ends, chain and fuse) are skipped.
"""
import re

FLAGS = {"fp", "ends", "chain", "fuse"}


def parse_rows(paths):
    rows = []
    for path in paths:
        for line in open(path):
            line = line.split("#")[0].strip()
            if not line or line in "{}" or line.startswith("@class"):
                continue
            toks = re.sub(r"\([^)]*\)", "", line).split()
            name, cls, pat = toks[0], toks[1], [t for t in toks[2:] if "=" not in t and t not in FLAGS]
            mask = value = 0
            fields = {}
            pos = 32
            for t in pat:
                if ":" in t:
                    fname, w = t.split(":")
                    w = int(w); pos -= w
                    fields[fname] = (pos, w)
                else:
                    for c in t:
                        pos -= 1
                        if c in "01":
                            mask |= 1 << pos
                            value |= int(c) << pos
            assert pos == 0, line
            rows.append((name, cls, mask, value, fields))
    return rows
