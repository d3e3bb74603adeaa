"""Benchmark: build time, test time and page weight, measured on this machine.

    python scripts/benchmark.py [--no-build] [--no-test] [--out FILE]

* ``make book`` from clean (set-up already done) and ``make test`` end to end, timed
  with a wall clock (one run each: these are figures to report, not timed tests);
* every built page loaded in headless Chromium over loopback, with an empty cache:
  the bytes of its own HTML and of everything it loads, whether it loads the chart
  script, and on a page with charts the time to the first chart drawn
  (``performance.now()`` when the first ``.csto-chart svg.marks`` appears).

Budgets, per page (a page over one is listed at the end; the script still exits 0:
it is a benchmark, not a test). Sizes are uncompressed, with an empty cache:

* a clean build under 60 s (issue #2);
* a page's own HTML under 100 KB without charts (issue #2), under 250 KB with charts
  (a chart carries its data inline);
* everything a page loads under 1.2 MB without charts and without chart JavaScript,
  under 2.3 MB with charts. The theme alone is ~1.05 MB a page: its CSS (~390 KB),
  searchindex.js (~190 KB, which pydata-sphinx-theme 0.17 loads on every page for its
  search-as-you-type), the icon font (~150 KB) and Bootstrap (~80 KB); the chart
  script (Vega, Vega-Lite, vega-embed) adds ~0.9 MB;
* the first chart drawn within 1.5 s of navigation, on this machine, over loopback.
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
HTML_TARGET_KB = 100        # the page's own HTML, without charts
CHART_HTML_TARGET_KB = 250  # the page's own HTML, with charts
PAGE_TARGET_KB = 1200       # everything loaded, a page without charts
CHART_PAGE_TARGET_KB = 2300  # everything loaded, a page with charts
FIRST_CHART_TARGET_MS = 1500

# Runs in the page before its scripts: notes when the first chart's SVG appears.
FIRST_CHART_JS = """
(() => {
  const seen = () => document.querySelector('.%s svg.marks, .%s canvas');  // not the menu's icon
  const note = () => { if (window.__cstoFirstChart == null && seen()) window.__cstoFirstChart = performance.now(); };
  new MutationObserver(note).observe(document, {childList: true, subtree: true});
})();
""" % (charts.CHART_CLASS, charts.CHART_CLASS)


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
            context = browser.new_context()  # an empty cache for every page
            page = context.new_page()
            page.add_init_script(FIRST_CHART_JS)
            loaded: dict[str, int] = {}
            page.on("requestfinished", lambda r: loaded.__setitem__(r.url, r.sizes()["responseBodySize"]))
            page.goto(f"http://127.0.0.1:{server.server_port}/{path}", wait_until="networkidle")
            n_charts = page.locator(f".{charts.CHART_CLASS}").count()
            first_chart = None
            if n_charts:
                page.locator(f".{charts.CHART_CLASS} svg.marks, .{charts.CHART_CLASS} canvas").first.wait_for(
                    state="attached", timeout=15_000)  # attached: a chart may sit in a folded cell
                first_chart = round(page.evaluate("window.__cstoFirstChart"))
            timing = page.evaluate("""() => {
                const nav = performance.getEntriesByType('navigation')[0];
                const fcp = performance.getEntriesByName('first-contentful-paint')[0];
                return {load: nav ? nav.loadEventEnd : null, fcp: fcp ? fcp.startTime : null};
            }""")
            own = (site / path).stat().st_size
            total = sum(loaded.values())
            row = {
                "page": path,
                "html_kb": round(own / 1024, 1),
                "total_kb": round(total / 1024, 1),
                "requests": len(loaded),
                "chart_js": any(charts.BOOK_SCRIPT in u for u in loaded),
                "charts": n_charts,
                "fcp_ms": round(timing["fcp"]) if timing["fcp"] else None,
                "load_ms": round(timing["load"]) if timing["load"] else None,
                "first_chart_ms": first_chart,
            }
            row["over"] = over_budget(row)
            rows.append(row)
            context.close()
        browser.close()
    server.shutdown()
    return rows


def over_budget(row: dict) -> list[str]:
    """The budgets a page's row breaks, in words."""
    over = []
    html_target = CHART_HTML_TARGET_KB if row["charts"] else HTML_TARGET_KB
    if row["html_kb"] > html_target:
        over.append(f"HTML {row['html_kb']} KB > {html_target}")
    if row["charts"]:
        if row["total_kb"] > CHART_PAGE_TARGET_KB:
            over.append(f"total {row['total_kb']} KB > {CHART_PAGE_TARGET_KB}")
        if row["first_chart_ms"] is not None and row["first_chart_ms"] > FIRST_CHART_TARGET_MS:
            over.append(f"first chart {row['first_chart_ms']} ms > {FIRST_CHART_TARGET_MS}")
    else:
        if row["total_kb"] > PAGE_TARGET_KB:
            over.append(f"total {row['total_kb']} KB > {PAGE_TARGET_KB}")
        if row["chart_js"]:
            over.append("loads chart JS without a chart")
    return over


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="measure the book already built")
    parser.add_argument("--no-test", action="store_true", help="skip timing 'make test'")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()

    figures: dict = {} if args.no_build else {"build_s": round(timed(["make", "book"]), 1)}
    if not args.no_test:
        figures["test_s"] = round(timed(["make", "test"]), 1)
    figures["pages"] = page_weights(ROOT / "_build" / "html")

    if "build_s" in figures:
        print(f"clean 'make book': {figures['build_s']} s (target < {BUILD_TARGET_S} s)")
    if "test_s" in figures:
        print(f"'make test' end to end: {figures['test_s']} s")
    print(f"\n{'page':45} {'html KB':>8} {'total KB':>9} {'req':>4} {'charts':>6} {'chart JS':>8} "
          f"{'FCP ms':>7} {'1st chart ms':>12}")
    for row in figures["pages"]:
        flag = "  over budget" if row["over"] else ""
        print(f"{row['page']:45} {row['html_kb']:8} {row['total_kb']:9} {row['requests']:4} {row['charts']:6} "
              f"{str(row['chart_js']):>8} {str(row['fcp_ms'] or ''):>7} {str(row['first_chart_ms'] or ''):>12}{flag}")
    chart_times = sorted(r["first_chart_ms"] for r in figures["pages"] if r["first_chart_ms"] is not None)
    if chart_times:
        print(f"\nfirst chart drawn: median {chart_times[len(chart_times) // 2]} ms, "
              f"slowest {chart_times[-1]} ms over {len(chart_times)} pages with charts")
    over = [r for r in figures["pages"] if r["over"]]
    print(f"\nbudgets: HTML < {HTML_TARGET_KB} KB without charts, < {CHART_HTML_TARGET_KB} KB with; "
          f"total < {PAGE_TARGET_KB} KB without charts, < {CHART_PAGE_TARGET_KB} KB with; "
          f"first chart < {FIRST_CHART_TARGET_MS} ms")
    print(f"pages over budget: {len(over)} of {len(figures['pages'])}")
    for row in over:
        print(f"  {row['page']}: {'; '.join(row['over'])}")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
