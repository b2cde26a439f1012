#!/usr/bin/python3
"""Check the figures that make_svgs wrote into DIR against DIR/expected.json.

Usage: check_svg.py DIR

Each file must parse as XML with an <svg> root carrying width, height and a
matching viewBox; its polylines must have the expected number of points, all
inside their plot area (the <rect> with id trace-area, stim-area or
curve-area); a trace has its stimulus panel exactly when it was given one.
"""
import json
import math
import os
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
EPS = 0.011  # coordinates are written with two decimals
# Axis margins of src/tools/svg.c: data spans 1 / (1 + 2 m) of a panel.
MARGIN = {"trace": 0.05, "stim": 0.1, "curve": 0.05}

failures = []


def fail(name, msg):
    failures.append(f"{name}: {msg}")


def by_id(root, tag, ident):
    for el in root.iter(SVG + tag):
        if el.get("id") == ident:
            return el
    return None


def area(name, root, ident):
    rect = by_id(root, "rect", ident)
    if rect is None:
        fail(name, f"no <rect id={ident}>")
        return None
    x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
    if not (w > 0 and h > 0):
        fail(name, f"{ident}: empty area {w} x {h}")
    return x, y, w, h


def points(name, root, ident):
    line = by_id(root, "polyline", ident)
    if line is None:
        fail(name, f"no <polyline id={ident}>")
        return None
    pts = []
    for pair in line.get("points", "").split():
        x, y = (float(c) for c in pair.split(","))
        if not (math.isfinite(x) and math.isfinite(y)):
            fail(name, f"{ident}: non-finite point {pair}")
        pts.append((x, y))
    return pts


def check_series(name, root, kind, line_id, area_id, exp, count_key, max_key=None):
    box = area(name, root, area_id)
    pts = points(name, root, line_id)
    if box is None or pts is None:
        return None, None
    n = len(pts)
    if count_key in exp and n != exp[count_key]:
        fail(name, f"{line_id}: {n} points, expected {exp[count_key]}")
    if max_key and max_key in exp and n > exp[max_key]:
        fail(name, f"{line_id}: {n} points, expected at most {exp[max_key]}")
    if count_key == "points" and "min_points" in exp and not (
            exp["min_points"] <= n <= exp["max_points"]):
        fail(name, f"{line_id}: {n} points, expected {exp['min_points']}..{exp['max_points']}")
    x0, y0, w, h = box
    outside = [p for p in pts
               if not (x0 - EPS <= p[0] <= x0 + w + EPS and y0 - EPS <= p[1] <= y0 + h + EPS)]
    if outside:
        fail(name, f"{line_id}: {len(outside)} points outside {box}, e.g. {outside[0]}")
    ys = [p[1] for p in pts]
    if exp.get("constant"):
        # A flat line in the middle: the axis was given a span.
        if max(ys) - min(ys) > EPS or abs(ys[0] - (y0 + h / 2)) > EPS:
            fail(name, f"{line_id}: constant data not drawn flat mid-panel")
    elif pts:
        m = MARGIN[kind]
        if abs((max(ys) - min(ys)) - h / (1 + 2 * m)) > 2 * EPS:
            fail(name, f"{line_id}: data spans {max(ys) - min(ys):.2f} px of {h}, "
                       f"expected {h / (1 + 2 * m):.2f} (extremes lost?)")
    if kind in ("trace", "stim") and pts:
        # Time runs left to right over the whole axis.
        if any(b[0] < a[0] - EPS for a, b in zip(pts, pts[1:])):
            fail(name, f"{line_id}: x not non-decreasing")
        if abs(pts[0][0] - x0) > EPS or abs(pts[-1][0] - (x0 + w)) > EPS:
            fail(name, f"{line_id}: does not span the time axis")
    return box, pts


def check_file(path, name, exp):
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        fail(name, f"does not parse: {e}")
        return
    if root.tag != SVG + "svg":
        fail(name, f"root is {root.tag}")
        return
    try:
        w, h = float(root.get("width")), float(root.get("height"))
        vb = [float(c) for c in root.get("viewBox").split()]
    except (TypeError, ValueError):
        fail(name, "width, height or viewBox missing")
        return
    if vb != [0, 0, w, h]:
        fail(name, f"viewBox {vb} does not match {w} x {h}")
    texts = ["".join(t.itertext()) for t in root.iter(SVG + "text")]
    if exp["title"] not in texts:
        fail(name, f"title {exp['title']!r} not among {texts}")
    numbers = [t for t in texts if _is_number(t)]
    if len(numbers) < 4:
        fail(name, f"only {len(numbers)} tick labels")

    if exp["kind"] == "trace":
        for label in ("time (ms)", "membrane potential (mV)"):
            if label not in texts:
                fail(name, f"no label {label!r}")
        top, _ = check_series(name, root, "trace", "trace", "trace-area", exp, "points")
        has_stim = by_id(root, "rect", "stim-area") is not None
        if "stim_points" in exp or "stim_max_points" in exp:
            if "stimulus (nA)" not in texts:
                fail(name, "no label 'stimulus (nA)'")
            low, _ = check_series(name, root, "stim", "stim", "stim-area", exp, "stim_points",
                                  "stim_max_points")
            if top and low:
                if abs(top[0] - low[0]) > EPS or abs(top[2] - low[2]) > EPS:
                    fail(name, "panels do not share the time axis")
                if low[1] < top[1] + top[3]:
                    fail(name, "stimulus panel is not under the trace")
                share = top[3] / (top[3] + low[3])
                if not 0.65 <= share <= 0.75:
                    fail(name, f"trace panel has {share:.0%} of the height, expected ~70 %")
        elif has_stim or by_id(root, "polyline", "stim") is not None:
            fail(name, "stimulus panel without a stimulus")
    else:
        box, pts = check_series(name, root, "curve", "curve", "curve-area", exp, "points")
        markers = by_id(root, "g", "markers")
        circles = [] if markers is None else list(markers.iter(SVG + "circle"))
        if len(circles) != exp["points"]:
            fail(name, f"{len(circles)} markers, expected {exp['points']}")
        if pts is not None:
            centres = [(float(c.get("cx")), float(c.get("cy"))) for c in circles]
            if centres != pts:
                fail(name, "markers are not on the line's points")


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_svg.py DIR")
    folder = sys.argv[1]
    with open(os.path.join(folder, "expected.json"), encoding="utf-8") as f:
        expected = json.load(f)
    for name, exp in expected.items():
        check_file(os.path.join(folder, name), name, exp)
    # Failed writes leave nothing: no temporary files, no figure in a folder's place.
    for entry in os.listdir(folder):
        if ".tmp-" in entry:
            fail(entry, "temporary file left behind")
    if not os.path.isdir(os.path.join(folder, "occupied.svg")):
        fail("occupied.svg", "the folder was replaced by a file")
    for msg in failures:
        print("FAIL", msg)
    if failures:
        sys.exit(1)
    print(f"check_svg: {len(expected)} figures OK")


if __name__ == "__main__":
    main()
