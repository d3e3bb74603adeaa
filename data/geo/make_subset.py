"""Cut data/geo/countries-50m.json down to Central Asia and its neighbours.

Run from the repository root:  python data/geo/make_subset.py  (only the standard library).
Keeps the listed countries and only the arcs they use (arc indices renumbered);
coordinates, quantisation and the transform are unchanged.
"""
import json
from pathlib import Path

HERE = Path(__file__).parent
KEEP = {"Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan", "Turkmenistan",
        "Afghanistan", "Iran", "Pakistan", "China", "India"}


def flat(x):
    for y in x:
        yield from (flat(y) if isinstance(y, list) else [y])


def remap(x, f):
    return [remap(y, f) if isinstance(y, list) else f(y) for y in x]


def subset(topo, names):
    geoms = [g for g in topo["objects"]["countries"]["geometries"] if g["properties"]["name"] in names]
    used = sorted({a if a >= 0 else ~a for g in geoms for a in flat(g["arcs"])})
    new = {old: i for i, old in enumerate(used)}
    for g in geoms:
        g["arcs"] = remap(g["arcs"], lambda a: new[a] if a >= 0 else ~new[~a])
    return {"type": "Topology", "transform": topo["transform"],
            "objects": {"countries": {"type": "GeometryCollection", "geometries": geoms}},
            "arcs": [topo["arcs"][i] for i in used]}


if __name__ == "__main__":
    topo = json.loads((HERE / "countries-50m.json").read_text())
    out = subset(topo, KEEP)
    (HERE / "central-asia-50m.json").write_text(json.dumps(out, separators=(",", ":")))
