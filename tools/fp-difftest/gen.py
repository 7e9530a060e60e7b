#!/usr/bin/env python3
"""Generates the floating-point difftest cases and the QEMU image that runs them (see README.md).

Usage: gen.py OUTDIR [seed] [per_row] [fp|crypto]

Mode "fp" (default) takes the rows of fp_scalar.decode and simd_fp.decode and writes fp_difftest.*; mode "crypto"
takes simd_crypto.decode (AES, SHA1, SHA256) and writes crypto_difftest.* (inputs mostly random bits).

Writes OUTDIR/PREFIX.cases (the input records the test replays), OUTDIR/t.elf (the image for QEMU) and
OUTDIR/PREFIX.meta (symbols). Record layout (little endian), 96 bytes per case:
   0 word   u32     the instruction
   4 fpcr   u32     RMode, FZ, DN, AHP
   8 nzcv   u32     PSTATE.NZCV in bits [31:28]
  12 zero   u32
  16 V0-V3  4x16    inputs (and old destination contents)
  80 X0,X1  2x8     general-register inputs
QEMU's output per case, 112 bytes: V0-V3, X0, X1, FPSR, NZCV, "exception taken" (0/1), 0.
"""
import glob, os, random, struct, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import decode_rows  # noqa: E402  (tools/decode_rows.py)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1]
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
PER_ROW = int(sys.argv[3]) if len(sys.argv) > 3 else 128
MODE = sys.argv[4] if len(sys.argv) > 4 else "fp"
FILES = {"fp": ("fp_scalar.decode", "simd_fp.decode"), "crypto": ("simd_crypto.decode",)}[MODE]
PREFIX = MODE + "_difftest"
OUT_BASE = 0x44000000
REC_IN, REC_OUT = 96, 112

FRAC = {16: 10, 32: 23, 64: 52}
EXPB = {16: 5, 32: 8, 64: 11}


def parse_rows():
    return decode_rows.parse_rows(os.path.join(ROOT, "specs/a64", f) for f in FILES)


# Rows whose rn (resp. rd) is a general register.
GPR_RN = ("SCVTF_fix", "UCVTF_fix", "SCVTF_int", "UCVTF_int", "FMOV_sw", "FMOV_dx", "FMOV_d1_x")
GPR_RD = ("FCVTZS_fix", "FCVTZU_fix", "FMOV_ws", "FMOV_xd", "FMOV_x_d1") + tuple(
    f"FCVT{r}{s}_int" for r in "NPMZA" for s in "SU")


def instance(name, value, fields):
    w = value
    for fname, (pos, width) in fields.items():
        if fname in ("rd", "rn", "rm", "ra"):
            gpr = (fname == "rn" and name in GPR_RN) or (fname == "rd" and name in GPR_RD)
            v = random.choice([0, 1, 1, 0, 31]) if gpr else random.randrange(4)
        elif fname == "m":
            v = 0                                   # by element: Rm = M:Rm stays in V0-V3
        elif fname == "q":
            v = random.getrandbits(1)
        else:
            v = random.getrandbits(width)
        w |= v << pos
    # Mostly valid encodings: double lanes want Q = 1 (by element also L = 0); 32-bit fixed point wants scale >= 32.
    if random.random() < 0.9:
        if "sz" in fields and (w >> 22) & 1 and "q" in fields:
            w |= 1 << 30
        if "l" in fields and "sz" in fields and (w >> 22) & 1:
            w &= ~(1 << 21)
        if name.endswith("_vfix_d"):
            w |= 1 << 30
        if "scale" in fields and not (w >> 31) & 1:
            w |= 1 << 15
    return w


def esize_of(name, w):
    """Element size the instruction reads from its vector sources (for input shaping)."""
    if name in ("FCVT_hs", "FCVT_hd"):
        return 16
    if name in ("FCVT_sd", "FCVT_sh"):
        return 32
    if name in ("FCVT_ds", "FCVT_dh", "FCVTXN_v", "FCVTXN_s2"):
        return 64
    if name == "FCVTL_v":
        return 32 if (w >> 22) & 1 else 16
    return 64 if (w >> 22) & 1 else 32      # ftype<0> / sz / immh<3>


def fbits_value(n, sign, exp, frac):
    return (sign << (n - 1)) | (exp << FRAC[n]) | frac


def special(n):
    f, e = FRAC[n], EXPB[n]
    emax = (1 << e) - 1
    bias = (1 << (e - 1)) - 1
    s = random.getrandbits(1)
    k = random.randrange(24)
    if k == 0: return fbits_value(n, s, 0, 0)                              # +-0
    if k == 1: return fbits_value(n, s, emax, 0)                           # +-inf
    if k == 2: return fbits_value(n, s, emax, 1 << (f - 1) | random.getrandbits(f - 1) * random.getrandbits(1))  # qNaN
    if k == 3: return fbits_value(n, s, emax, random.randrange(1, 1 << (f - 1)))           # sNaN with payload
    if k == 4: return fbits_value(n, s, 0, 1)                              # smallest subnormal
    if k == 5: return fbits_value(n, s, 0, (1 << f) - 1)                   # largest subnormal
    if k == 6: return fbits_value(n, s, 1, 0)                              # smallest normal
    if k == 7: return fbits_value(n, s, emax - 1, (1 << f) - 1)            # largest normal
    if k == 8: return fbits_value(n, s, 0, random.getrandbits(f))          # random subnormal
    if k == 9: return fbits_value(n, s, random.choice([1, 2, 3, emax - 2, emax - 1]), random.getrandbits(f))
    if k == 10:                                                            # small integers and halves
        v = random.choice([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.5, 0.25, 0.75, 5.0, 7.0, 10.0, 100.0, 255.5])
        return encode(n, -v if s else v)
    if k == 11:                                                            # 1 +- a few ulps, 2^k - ulp
        ex = bias + random.choice([0, -1, 1])
        fr = random.choice([1, 2, 3, (1 << f) - 1, (1 << f) - 2, 1 << (f - 1), (1 << (f - 1)) + 1, (1 << (f - 1)) - 1])
        return fbits_value(n, s, ex, fr)
    if k == 12:                                                            # integer-conversion boundaries
        pts = [2.0 ** 31, 2.0 ** 32, 2.0 ** 63, 2.0 ** 64, 2.0 ** 15, 2.0 ** 16, 2.0 ** 24, 2.0 ** 53, 2.0 ** 52]
        v = random.choice(pts)
        b = encode(n, -v if s else v)
        return (b + random.choice([-1, 0, 0, 1])) & ((1 << n) - 1) if b & ((1 << (n - 1)) - 1) else b
    if k == 13:                                                            # x.5 in the last-integer range
        ex = bias + f - random.choice([1, 2])
        return fbits_value(n, s, ex, random.getrandbits(f))
    if k == 14:                                                            # few significant bits: exact/tie sums
        return fbits_value(n, s, bias + random.randrange(-6, 7), random.getrandbits(4) << (f - 4))
    if k == 15:                                                            # exponent extremes for mul/div
        return fbits_value(n, s, random.choice([bias + bias // 2, bias - bias // 2, bias + bias // 2 + 1, bias - bias // 2 - 1, emax - 1, 1]), random.getrandbits(f))
    if k == 16:                                                            # integer-typed lanes (SCVTF)
        return random.choice([0, 1, (1 << n) - 1, 1 << (n - 1), (1 << (n - 1)) - 1, (1 << (n - 1)) + 1,
                              (1 << min(f + 2, n - 1)) + 1, (1 << (f + 1)) + 3 if f + 1 < n else 3, random.getrandbits(n),
                              (1 << n) - random.randrange(1, 100), random.randrange(1, 1000)]) & ((1 << n) - 1)
    if k == 17 and n == 64:                                                # doubles on single/half rounding ties
        m = random.choice([32, 16])
        fm = FRAC[m]
        sh = 52 - fm
        base = fbits_value(64, s, 1023 + random.randrange(-20, 20), random.getrandbits(fm) << sh)
        return base + random.choice([1 << (sh - 1), (1 << (sh - 1)) - 1, (1 << (sh - 1)) + 1, 1])
    if k == 17 and n == 32:
        sh = 23 - 10
        base = fbits_value(32, s, 127 + random.randrange(-16, 16), random.getrandbits(10) << sh)
        return base + random.choice([1 << (sh - 1), (1 << (sh - 1)) - 1, (1 << (sh - 1)) + 1])
    if k == 18 and n == 64:                                                # near the single/half subnormal/overflow range
        return fbits_value(64, s, random.choice([1023 - 126, 1023 - 127, 1023 - 149, 1023 - 150, 1023 + 127, 1023 + 128,
                                                 1023 - 14, 1023 - 15, 1023 - 24, 1023 - 25, 1023 + 15, 1023 + 16]), random.getrandbits(52))
    if k == 18 and n == 32:
        return fbits_value(32, s, random.choice([127 - 14, 127 - 15, 127 - 24, 127 - 25, 127 + 15, 127 + 16]), random.getrandbits(23))
    return random.getrandbits(n)                                           # anything


def encode(n, v):
    if n == 64:
        return struct.unpack("<Q", struct.pack("<d", v))[0]
    if n == 32:
        try:
            return struct.unpack("<I", struct.pack("<f", v))[0]
        except OverflowError:
            return 0xFF800000 if v < 0 else 0x7F800000
    try:
        return struct.unpack("<H", struct.pack("<e", v))[0]
    except OverflowError:
        return 0xFC00 if v < 0 else 0x7C00


def vector(n):
    lanes = [special(n) for _ in range(128 // n)]
    return b"".join(x.to_bytes(n // 8, "little") for x in lanes)


def relate(regs, n):
    """Makes some lanes of the registers depend on each other (equal, negated, 1 ulp apart, scaled)."""
    per = 16 // (n // 8)
    for r in range(4):
        for i in range(per):
            if random.random() < 0.25:
                src = random.randrange(4)
                x = int.from_bytes(regs[src][i * n // 8:(i + 1) * n // 8], "little")
                k = random.randrange(6)
                sign = 1 << (n - 1)
                if k == 0: y = x
                elif k == 1: y = x ^ sign
                elif k == 2: y = (x + 1) & ((1 << n) - 1)
                elif k == 3: y = (x - 1) & ((1 << n) - 1)
                elif k == 4: y = (x ^ sign) + random.choice([1, -1, 0])
                else: y = (x + (random.randrange(-8, 9) << FRAC[n])) & ((1 << n) - 1)
                y &= (1 << n) - 1
                b = bytearray(regs[r])
                b[i * n // 8:(i + 1) * n // 8] = y.to_bytes(n // 8, "little")
                regs[r] = bytes(b)


def fpcr():
    v = random.randrange(4) << 22                       # RMode
    if random.random() < 0.4: v |= 1 << 24              # FZ
    if random.random() < 0.4: v |= 1 << 25              # DN
    if random.random() < 0.3: v |= 1 << 26              # AHP
    return v


def gpr(n):
    return random.choice([0, 1, 0xFFFFFFFFFFFFFFFF, 0x8000000000000000, 0x7FFFFFFFFFFFFFFF, 0x80000000, 0x7FFFFFFF,
                          0xFFFFFFFF, 0xFFFFFFFF80000000, 1 << 53 | 1, (1 << 24) + 1, random.getrandbits(64),
                          random.getrandbits(32), special(64), special(32), random.randrange(1000)])


def main():
    rows = parse_rows()
    cases = []
    for name, cls, mask, value, fields in rows:
        for _ in range(PER_ROW):
            w = instance(name, value, fields)
            n = esize_of(name, w)
            if random.random() < 0.2:
                n = random.choice([16, 32, 64])
            if MODE == "crypto":
                regs = [random.getrandbits(128).to_bytes(16, "little") if random.random() < 0.8 else vector(32) for _ in range(4)]
            else:
                regs = [vector(n if random.random() < 0.85 else random.choice([16, 32, 64])) for _ in range(4)]
                relate(regs, n)
            rec = struct.pack("<IIII", w, fpcr(), random.getrandbits(4) << 28, 0) + b"".join(regs)
            rec += struct.pack("<QQ", gpr(64), gpr(64))
            assert len(rec) == REC_IN
            cases.append((name, rec))
    random.shuffle(cases)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, PREFIX + ".cases"), "wb") as f:
        for _, rec in cases:
            f.write(rec)

    asm = [".text", ".globl _start", "_start:",
           "  mov x0, #(3 << 20)", "  msr cpacr_el1, x0", "  isb",
           "  adr x0, vectors", "  msr vbar_el1, x0", "  isb",
           "  ldr x20, =table", f"  ldr x21, ={OUT_BASE}",
           "body:"]
    for i, (name, rec) in enumerate(cases):
        w = struct.unpack_from("<I", rec)[0]
        asm += ["  bl load", f"  .inst 0x{w:08x}", "  bl store"]
    asm += ["done: b done",
            "load:",
            "  ldr w22, [x20, #4]", "  msr fpcr, x22",
            "  ldr w22, [x20, #8]", "  msr nzcv, x22",
            "  add x22, x20, #16",
            "  ld1 {v0.16b-v3.16b}, [x22], #64",
            "  ldp x0, x1, [x22]",
            f"  add x20, x20, #{REC_IN}",
            "  mov x26, #0",
            "  msr fpsr, xzr", "  ret",
            "store:",
            "  mrs x22, fpsr", "  mrs x23, nzcv",
            "  st1 {v0.16b-v3.16b}, [x21], #64",
            "  stp x0, x1, [x21], #16",
            "  stp x22, x23, [x21], #16",
            "  stp x26, xzr, [x21], #16",
            "  ret",
            ".ltorg",
            ".balign 2048", "vectors:"]
    handler = ["  mrs x24, elr_el1", "  add x24, x24, #4", "  msr elr_el1, x24", "  mov x26, #1", "  eret",
               "  .balign 128"]
    for _ in range(16):
        asm += handler
    asm += [".balign 16", "table:", f'  .incbin "{os.path.abspath(os.path.join(OUT, PREFIX + ".cases"))}"']
    s = os.path.join(OUT, "t.s")
    open(s, "w").write("\n".join(asm) + "\n")
    o, elf = os.path.join(OUT, "t.o"), os.path.join(OUT, "t.elf")
    subprocess.check_call(["aarch64-linux-gnu-as", "-o", o, s])
    subprocess.check_call(["aarch64-linux-gnu-ld", "-Ttext=0x40080000", "-e", "_start", "-o", elf, o])
    syms = {}
    for line in subprocess.check_output(["aarch64-linux-gnu-nm", elf]).decode().splitlines():
        a, _, nm = line.split()
        syms[nm] = int(a, 16)
    with open(os.path.join(OUT, PREFIX + ".meta"), "w") as f:
        f.write(f"done 0x{syms['done']:x}\nout 0x{OUT_BASE:x}\ncases {len(cases)}\nrows {len(rows)}\n")
    print(len(cases), "cases over", len(rows), "rows; done at", hex(syms["done"]))


main()
