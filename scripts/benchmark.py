"""Benchmark: build time, test time and page weight, measured on this machine.

    python scripts/benchmark.py [--no-test] [--out FILE]

* ``make book`` from clean (set-up already done) and ``make test`` end to end, timed
  with a wall clock (one run each: these are figures to report, not timed tests);
* every built page loaded in headless Chromium over loopback: the bytes of its own
  HTML and of everything it loads, and whether it loads the chart script.

Targets (issue #2): a clean build under 60 s; a page without charts under 100 KB
and without chart JavaScript.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (one place for the browser flags)

from csto_course import charts  # noqa: E402

BUILD_TARGET_S = 60
PAGE_TARGET_KB = 100


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def page_weights(site: Path) -> list[dict]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if not p.relative_to(site).parts[0].startswith("_"))
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in pages:
            page = browser.new_page()
            loaded: dict[str, int] = {}
            page.on("requestfinished", lambda r: loaded.__setitem__(r.url, r.sizes()["responseBodySize"]))
            page.goto(f"http://127.0.0.1:{server.server_port}/{path}", wait_until="networkidle")
            own = (site / path).stat().st_size
            total = sum(loaded.values())
            rows.append({
                "page": path,
                "html_kb": round(own / 1024, 1),
                "total_kb": round(total / 1024, 1),
                "requests": len(loaded),
                "chart_js": any(charts.BOOK_SCRIPT in u for u in loaded),
                "charts": page.locator(f".{charts.CHART_CLASS}").count(),
            })
            page.close()
        browser.close()
    server.shutdown()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-test", action="store_true", help="skip timing 'make test'")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()

    figures: dict = {"build_s": round(timed(["make", "book"]), 1)}
    if not args.no_test:
        figures["test_s"] = round(timed(["make", "test"]), 1)
    figures["pages"] = page_weights(ROOT / "_build" / "html")

    print(f"clean 'make book': {figures['build_s']} s (target < {BUILD_TARGET_S} s)")
    if "test_s" in figures:
        print(f"'make test' end to end: {figures['test_s']} s")
    print(f"\n{'page':45} {'html KB':>8} {'total KB':>9} {'req':>4} {'charts':>6} chart JS")
    for row in figures["pages"]:
        flag = "" if row["charts"] or (row["total_kb"] < PAGE_TARGET_KB and not row["chart_js"]) else "  over target"
        print(f"{row['page']:45} {row['html_kb']:8} {row['total_kb']:9} {row['requests']:4} {row['charts']:6} {str(row['chart_js']):5}{flag}")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
