#!/usr/bin/env python3
"""Draws a timeline (arm64vm --timeline, Chrome trace-event JSON) as an SVG: the vCPU tracks' guest slices and sleeps,
the host layer's events in one lane per kind, and the dirty-line counters. Used for the picture in scenarios/README.md:
    tools/timeline-svg.py TIMELINE.json OUT.svg && rsvg-convert OUT.svg -o OUT.png
Standard library only."""
import json, sys
from html import escape

LANES = [  # (label, predicate on the event name, colour)
    ("vCPU init / re-init", lambda n: n.startswith("vCPU "), "#9467bd"),
    ("PSCI, resets", lambda n: n.startswith("PSCI") or n.startswith("system reset"), "#8c564b"),
    ("stage-2 faults", lambda n: n.startswith("stage-2 fault"), "#d62728"),
    ("unmap", lambda n: n == "unmap", "#ff7f0e"),
    ("map", lambda n: n in ("map", "relax permissions"), "#2ca02c"),
    ("clean+invalidate", lambda n: n.startswith("clean+invalidate"), "#1f77b4"),
    ("I-cache invalidate, TLBI", lambda n: n.startswith("I-cache") or n == "TLBI", "#17becf"),
    ("MMIO exits", lambda n: n == "MMIO exit", "#7f7f7f"),
]

def main(src, out):
    doc = json.load(open(src))
    ev = [e for e in doc["traceEvents"] if e["ph"] != "M"]
    names = {e["tid"]: e["args"]["name"] for e in doc["traceEvents"] if e["ph"] == "M" and e["name"] == "thread_name"}
    t_end = max(e["ts"] + e.get("dur", 0) for e in ev) or 1
    left, right, width, lane_h = 190, 20, 1100, 22
    vcpus = sorted(t for t in names if t != 0)
    rows = [names[t] for t in vcpus] + [l[0] for l in LANES] + ["dirty lines (L1D, L2)"]
    height = 82 + lane_h * (len(rows) - 1) + 90 + 40
    x = lambda ts: left + ts / t_end * (width - left - right)
    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
         f'<rect width="{width}" height="{height}" fill="white"/>',
         f'<text x="{width/2}" y="20" text-anchor="middle" font-size="14">{escape(doc["otherData"]["label"])}: timeline (virtual time, µs)</text>']
    def row_y(i): return 52 + i * lane_h
    for i, label in enumerate(rows[:-1]):
        y = row_y(i)
        s.append(f'<rect x="{left}" y="{y}" width="{width-left-right}" height="{lane_h-4}" fill="{"#f4f4f4" if i % 2 else "#fafafa"}"/>')
        s.append(f'<text x="{left-8}" y="{y+13}" text-anchor="end">{escape(label)}</text>')
    for e in ev:
        if e["tid"] in vcpus:
            y = row_y(vcpus.index(e["tid"]))
            if e["ph"] == "X":
                s.append(f'<rect x="{x(e["ts"]):.1f}" y="{y+2}" width="{max(0.6, x(e["ts"]+e["dur"])-x(e["ts"])):.1f}" height="{lane_h-8}" fill="#4c9be8"/>')
            elif e["ph"] == "i":
                s.append(f'<circle cx="{x(e["ts"]):.1f}" cy="{y+lane_h-6}" r="2" fill="black"/>')
        elif e["tid"] == 0 and e["ph"] == "i":
            for j, (label, pred, colour) in enumerate(LANES):
                if pred(e["name"]):
                    y = row_y(len(vcpus) + j)
                    s.append(f'<line x1="{x(e["ts"]):.1f}" y1="{y+1}" x2="{x(e["ts"]):.1f}" y2="{y+lane_h-5}" stroke="{colour}" stroke-width="1.2"/>')
    # Landmarks: the re-init, and the first unmap and fault after it.
    reinit = next((e for e in ev if e["name"] == "vCPU re-init"), None)
    if reinit:
        xr = x(reinit["ts"])
        s.append(f'<line x1="{xr:.1f}" y1="36" x2="{xr:.1f}" y2="{row_y(len(rows)-1)}" stroke="#9467bd" stroke-dasharray="4 3"/>')
        s.append(f'<text x="{xr-4:.1f}" y="44" text-anchor="end" fill="#9467bd">SYSTEM_RESET → re-init → unmap every page (H1) → boot 2 faults them back</text>')
    # Dirty-line counters as step lines.
    cy, ch = row_y(len(rows) - 1) + 10, 80
    counters = [e for e in ev if e["ph"] == "C"]
    s.append(f'<text x="{left-8}" y="{cy+ch/2}" text-anchor="end">{escape(rows[-1])}</text>')
    s.append(f'<line x1="{left}" y1="{cy+ch}" x2="{width-right}" y2="{cy+ch}" stroke="black"/>')
    for level, colour in (("L1D", "#1f77b4"), ("L2", "#d62728")):
        pts = [(c["ts"], c["args"].get(level, 0)) for c in counters]
        top = max((v for _, v in pts), default=1) or 1
        steps = [p for i, (t, v) in enumerate(pts) for p in ([(t, pts[i-1][1])] if i else []) + [(t, v)]]
        path = " ".join(f'{x(t):.1f},{cy+ch-v/top*ch:.1f}' for t, v in steps)
        s.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{path}"/>')
        s.append(f'<text x="{width-right-4}" y="{cy+(12 if level=="L1D" else 26)}" text-anchor="end" fill="{colour}">{level} (max {top})</text>')
    for k in range(6):
        t = t_end * k / 5
        s.append(f'<text x="{x(t):.1f}" y="{cy+ch+16}" text-anchor="middle">{t:.2f}</text>')
    s.append('</svg>')
    open(out, "w").write("\n".join(s) + "\n")

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
