#!/usr/bin/env python3
"""plot_scale.py - how vector search cost grows with the index (issue 21), as an SVG.

    python3 tests/bench/plot_scale.py OUT.svg ROWS.tsv...

Each ROWS.tsv holds the ROW lines one scale_bench run printed (tests/bench/bench.h: ROW,
issue, metric, value, unit, peer, peer value, goal, result); the scale is read from the
"(N chunks)" at the end of each metric. Draws p50 latency against the number of chunks,
both axes logarithmic: footnote's IVF, its sign-code scan and exact int8 scan, and hnswlib
at the ef that reaches recall 0.95; and, in a second panel, open + first hybrid search with
the index not in the page cache. Plain SVG written by hand: no plotting library needed.
"""
import math
import re
import sys

SERIES = [
    # (label, colour, metric prefix, take the peer's value instead of ours)
    ("footnote IVF (a scan where ivf_tune says so)", "#d62728", "vector search p50, IVF:", False),
    ("footnote sign-code scan", "#ff7f0e", "vector search p50, approximate: sign codes", False),
    ("footnote exact int8 scan", "#7f7f7f", "vector search p50, exact int8 scan", False),
    ("hnswlib (ef for recall 0.95)", "#1f77b4", "vector search p50, exact int8 scan", True),
]
COLD = ("open + first hybrid search, cold page cache", "#2ca02c",
        "open + first hybrid search, index not in page cache", False)


def load(paths):
    data = {}
    for p in paths:
        for line in open(p, encoding="utf-8"):
            f = line.rstrip("\n").split("\t")
            if len(f) < 9 or f[0] != "ROW":
                continue
            m = re.search(r"\((\d+) chunks\)$", f[2])
            if not m:
                continue
            n = int(m.group(1))
            data[(f[2][: m.start()].strip(" ,"), n)] = (f[3], f[6])
    return data


def series(data, prefix, peer):
    pts = []
    for (metric, n), (ours, theirs) in sorted(data.items(), key=lambda kv: kv[0][1]):
        if metric.startswith(prefix):
            v = theirs if peer else ours
            try:
                pts.append((n, float(v)))
            except ValueError:
                pass
    return pts


def panel(out, x0, y0, w, h, title, lines, xs):
    ys = [v for _, _, pts in lines for _, v in pts]
    if not ys or not xs:
        return
    lo, hi = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    if hi == lo:
        hi += 1
    xl, xh = math.log10(min(xs)) - 0.1, math.log10(max(xs)) + 0.1
    px = lambda n: x0 + (math.log10(n) - xl) / (xh - xl) * w
    py = lambda v: y0 + h - (math.log10(v) - lo) / (hi - lo) * h
    out.append(f'<text x="{x0 + w / 2}" y="{y0 - 12}" text-anchor="middle" font-weight="bold">{title}</text>')
    out.append(f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="#000"/>')
    for e in range(lo, hi + 1):
        y = py(10 ** e)
        out.append(f'<line x1="{x0}" y1="{y}" x2="{x0 + w}" y2="{y}" stroke="#ddd"/>')
        out.append(f'<text x="{x0 - 6}" y="{y + 4}" text-anchor="end">{10 ** e:g} ms</text>')
    for n in xs:
        x = px(n)
        out.append(f'<line x1="{x}" y1="{y0}" x2="{x}" y2="{y0 + h}" stroke="#eee"/>')
        lab = f"{n // 1000000}M" if n % 1000000 == 0 else f"{n // 1000}k"
        out.append(f'<text x="{x}" y="{y0 + h + 16}" text-anchor="middle">{lab}</text>')
    out.append(f'<text x="{x0 + w / 2}" y="{y0 + h + 34}" text-anchor="middle">chunks (384 dimensions)</text>')
    for i, (label, colour, pts) in enumerate(lines):
        if not pts:
            continue
        d = " ".join(f"{px(n):.1f},{py(v):.1f}" for n, v in pts)
        out.append(f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for n, v in pts:
            out.append(f'<circle cx="{px(n):.1f}" cy="{py(v):.1f}" r="3" fill="{colour}"/>')
        ly = y0 + 14 + 16 * i
        out.append(f'<line x1="{x0 + 10}" y1="{ly - 4}" x2="{x0 + 30}" y2="{ly - 4}" stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{x0 + 36}" y="{ly}">{label}</text>')


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: plot_scale.py OUT.svg ROWS.tsv... (ROW lines of scale_bench runs)")
    data = load(sys.argv[2:])
    xs = sorted({n for _, n in data})
    if not xs:
        sys.exit("plot_scale.py: no scale_bench rows with '(N chunks)' in those files")
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="980" height="400" font-family="sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="#fff"/>']
    panel(out, 80, 40, 400, 300, "vector search p50 (k = 10, warm)",
          [(l, c, series(data, p, peer)) for l, c, p, peer in SERIES], xs)
    panel(out, 560, 40, 400, 300, "open + first hybrid search, cold",
          [(COLD[0], COLD[1], series(data, COLD[2], COLD[3]))], xs)
    out.append("</svg>")
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
