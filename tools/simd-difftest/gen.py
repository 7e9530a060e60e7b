#!/usr/bin/env python3
"""Generates the AdvSIMD-integer difftest image (see README.md). Usage: gen.py OUTDIR [seed]"""
import glob, os, random, struct, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import decode_rows  # noqa: E402  (tools/decode_rows.py)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1]
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
PER_ROW = 24
POOL = 64
OUT_BASE = 0x40400000

def parse_rows():
    paths = sorted(glob.glob(os.path.join(ROOT, "specs/a64/simd_int_*.decode")))
    return [(name, mask, value, fields) for name, _, mask, value, fields in decode_rows.parse_rows(paths)]

GPR_ROWS = {"UMOV": "rd", "SMOV": "rd", "DUP_gen": "rn", "INS_gen": "rn"}

def instance(name, value, fields):
    w = value
    size = None
    for fname, (pos, width) in fields.items():
        v = random.getrandbits(width)
        if fname in ("rd", "rn", "rm"):
            v = random.randrange(0, 16 if width == 5 else 16)
            if fname == "rn" and name in ("TBL", "TBX"):
                v = random.randrange(0, 13)
            if GPR_ROWS.get(name) == fname:
                v = random.randrange(2, 6)
        w |= v << pos
    if "m" in fields and ((w >> 22) & 3) == 2:   # by element, size 10: M is Rm<4>; keep V0-V15
        w &= ~(1 << fields["m"][0])
    return w

SPECIAL = {1: [0, 1, 2, 0x7F, 0x80, 0x81, 0xFF, 0xFE, 0x40, 7, 8, 9, 0xF8, 0xF9],
           2: [0, 1, 2, 0x7FFF, 0x8000, 0x8001, 0xFFFF, 0xFFFE, 0x4000, 15, 16, 17, 0xFFF0],
           4: [0, 1, 2, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF, 0xFFFFFFFE, 0x40000000, 31, 32, 33, 0xFFFFFFE0, 0x00800000, 0xC0000000],
           8: [0, 1, 2, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0x8000000000000001, 0xFFFFFFFFFFFFFFFF, 63, 64, 65, 0xFFFFFFFFFFFFFFC0]}

def vector():
    es = random.choice([1, 2, 4, 8])
    b = b""
    for _ in range(16 // es):
        if random.random() < 0.6:
            v = random.choice(SPECIAL[es])
        else:
            v = random.getrandbits(8 * es)
        b += v.to_bytes(es, "little")
    return b

def main():
    rows = parse_rows()
    cases = []
    for name, mask, value, fields in rows:
        for _ in range(PER_ROW):
            cases.append((name, instance(name, value, fields)))
    random.shuffle(cases)
    pool = b"".join(b"".join(vector() for _ in range(16)) + b"".join(random.choice([0, 1, 0xFFFFFFFFFFFFFFFF, 0x8000000000000000, random.getrandbits(64)]).to_bytes(8, "little") for _ in range(4)) for _ in range(POOL))
    asm = [".text", ".globl _start", "_start:",
           "  mov x0, #(3 << 20)", "  msr cpacr_el1, x0", "  isb",
           "  adr x0, vectors", "  msr vbar_el1, x0", "  isb",
           "  adr x20, pool", f"  ldr x21, ={OUT_BASE}",
           "  mov x0, #4", "  fmov d19, x0", "  mov x0, #1", "  fmov d20, x0", "  movi v21.2d, #0", "  mov x7, #0",
           "  adr x0, pool", "  fmov d22, x0",
           "body:"]
    meta = []
    for i, (name, w) in enumerate(cases):
        if i % POOL == 0:
            asm.append("  bl reset_pool")
        asm.append("  bl load")
        asm.append(f"case{i}: .inst 0x{w:08x}")
        rd = w & 31
        asm.append(f"  str q{rd if rd < 16 else 16}, [x21], #16")
        asm.append("  bl store")
        meta.append((i, name, w))
    asm += ["done: b done",
            "reset_pool:", "  umov x20, v22.d[0]", "  ret",
            "load:",
            "  ld1 {v0.16b-v3.16b}, [x20], #64", "  ld1 {v4.16b-v7.16b}, [x20], #64",
            "  ld1 {v8.16b-v11.16b}, [x20], #64", "  ld1 {v12.16b-v15.16b}, [x20], #64",
            "  ld1 {v16.2d, v17.2d}, [x20], #32",
            "  mov x2, v16.d[0]", "  mov x3, v16.d[1]", "  mov x4, v17.d[0]", "  mov x5, v17.d[1]",
            "  msr fpsr, xzr", "  ret",
            "store:",
            "  mov v16.d[0], x2", "  mov v16.d[1], x3", "  mov v17.d[0], x4", "  mov v17.d[1], x5",
            "  st1 {v16.2d, v17.2d}, [x21], #32",
            "  mrs x6, fpsr", "  mov v16.d[0], x6", "  mov v16.d[1], x7", "  st1 {v16.2d}, [x21], #16",
            "  mov x7, v21.d[0]", "  ret",
            ".balign 2048", "vectors:"]
    handler = ["  mrs x8, elr_el1", "  mov v18.d[0], x8", "  add d18, d18, d19", "  mov x8, v18.d[0]",
               "  msr elr_el1, x8", "  mov x7, v20.d[0]", "  eret", "  .balign 128"]
    for _ in range(16):
        asm += handler
    asm += [".ltorg", ".balign 16", "pool:"]
    for k in range(0, len(pool), 8):
        asm.append("  .quad 0x%016x" % struct.unpack_from("<Q", pool, k)[0])
    os.makedirs(OUT, exist_ok=True)
    s = os.path.join(OUT, "t.s")
    open(s, "w").write("\n".join(asm) + "\n")
    o, elf = os.path.join(OUT, "t.o"), os.path.join(OUT, "t.elf")
    subprocess.check_call(["aarch64-linux-gnu-as", "-march=armv8-a+crypto", "-o", o, s])
    subprocess.check_call(["aarch64-linux-gnu-ld", "-Ttext=0x40080000", "-e", "_start", "-o", elf, o])
    subprocess.check_call(["aarch64-linux-gnu-objcopy", "-O", "binary", elf, os.path.join(OUT, "simd_difftest.bin")])
    syms = {}
    for line in subprocess.check_output(["aarch64-linux-gnu-nm", elf]).decode().splitlines():
        a, _, n = line.split()
        syms[n] = int(a, 16)
    with open(os.path.join(OUT, "simd_difftest.meta"), "w") as f:
        f.write(f"base 0x40080000\nbody 0x{syms['body']:x}\ndone 0x{syms['done']:x}\nvectors 0x{syms['vectors']:x}\n")
        f.write(f"pool 0x{syms['pool']:x}\nout 0x{OUT_BASE:x}\ncases {len(cases)}\n")
        for i, name, w in meta:
            f.write(f"case {i} 0x{syms['case%d' % i]:x} 0x{w:08x} {name}\n")
    print(len(cases), "cases", hex(syms["done"]))

main()
