"""The course to take away: one zip with the built book, the notebooks, the exercises
and the data, that opens from disk with no network.

    python -m csto_course.dist [--site _build/html] [--out dist/]

Inside the zip, under one folder ``csto-course/``:

* ``index.html``: opens the book (``site/``, the built site; search works from disk);
* ``notebooks/``, ``exercises/``, ``data/``: to run in Jupyter, with ``csto_course/``,
  ``pyproject.toml`` and ``requirements.txt`` (``pip install -r requirements.txt``);
* ``README.md`` and the licences.

The zip is reproducible: sorted entries, a fixed timestamp, no caches.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

from . import ROOT

TOP = "csto-course"
FIXED_TIME = (2026, 1, 1, 0, 0, 0)
FOLDERS = ("notebooks", "exercises", "data", "csto_course")
FILES = ("README.md", "LICENSE", "LICENSE-CONTENT.md", "requirements.txt", "pyproject.toml")
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}
SKIP_SUFFIXES = {".pyc"}

START = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Russia, the CSTO and Kyrgyzstan</title>
<link rel="icon" href="data:,">
<meta http-equiv="refresh" content="0; url=site/index.html">
</head><body><main><h1>Russia, the CSTO and Kyrgyzstan</h1>
<p><a href="site/index.html">Open the book</a>. The notebooks, exercises and data are in the
folders beside this file; see README.md to run them in Jupyter.</p></main></body></html>
"""


def _files(folder: Path):
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and not (SKIP_PARTS & set(rel.parts)) and path.suffix not in SKIP_SUFFIXES:
            yield path


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(f"{TOP}/{name}", date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def build(site: Path = ROOT / "_build" / "html", out: Path = ROOT / "dist", root: Path = ROOT) -> Path:
    """Write ``out/csto-course.zip`` and return its path."""
    if not (site / "index.html").exists():
        raise FileNotFoundError(f"{site} holds no built book: run 'make book' first")
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{TOP}.zip"
    partial = target.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", compresslevel=9) as zf:
        _add(zf, "index.html", START.encode())
        for path in _files(site):
            rel = path.relative_to(site).as_posix()
            if rel.startswith((".", "_sources/")):  # build info; notebook sources are beside
                continue
            _add(zf, f"site/{rel}", path.read_bytes())
        for folder in FOLDERS:
            for path in _files(root / folder):
                _add(zf, path.relative_to(root).as_posix(), path.read_bytes())
        for name in FILES:
            if (root / name).exists():
                _add(zf, name, (root / name).read_bytes())
    partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csto_course.dist", description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html", help="the built book")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="folder for the zip")
    args = parser.parse_args(argv)
    try:
        target = build(args.site, args.out)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    with zipfile.ZipFile(target) as zf:
        count = len(zf.namelist())
    print(f"{target} ({target.stat().st_size / 1e6:.1f} MB, {count} files): "
          f"unzip it and open {TOP}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
