"""The whole book as one PDF, made with the tools on this machine.

    python -m csto_course.pdf [--site _build/html] [--out _build/pdf/csto-course.pdf]

Every page of the built book, in reading order (the "next" links from the front
page), is opened in headless Chromium from disk, its charts drawn, and printed with
the book's print stylesheet (course.css: no navigation, charts as pictures, quizzes
with their explanations). The pages are joined with pypdf; each starts on a new
sheet and has a bookmark. Jupyter Book's own ``pdfhtml`` needs a Chromium download
of pyppeteer's, which this machine cannot fetch.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from . import ROOT

CHROMIUM = os.environ.get("CSTO_CHROMIUM", "/usr/bin/chromium")
# As in tests/conftest.py: without the background-networking flags Chromium phones home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MARGIN = {"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}
CHART_SELECTOR = ".csto-chart"
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555">'
          '<span class="title"></span> · <span class="pageNumber"></span></div>')


def _link(html: str, pattern: str) -> str | None:
    m = re.search(pattern, html, re.S)
    return m.group(1) if m else None


def reading_order(site: Path) -> list[Path]:
    """The book's pages from the front page on, following each page's "next" link."""
    start = site / "index.html"
    html = start.read_text(encoding="utf-8")
    target = _link(html, r'http-equiv="refresh" content="0; url=([^"]+)"')
    page = (site / target).resolve() if target else start
    order: list[Path] = []
    while page and page not in order:
        order.append(page)
        html = page.read_text(encoding="utf-8")
        nxt = _link(html, r'<a class="right-next"\s+href="([^"#]+)')
        page = Path(unquote(urlparse(urljoin(page.as_uri(), nxt)).path)) if nxt else None
    return order


def _print(browser, path: Path) -> tuple[str, bytes, list[str]]:
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    drawn = page.locator(CHART_SELECTOR)
    for i in range(drawn.count()):
        drawn.nth(i).locator("svg, canvas").first.wait_for(state="attached", timeout=15_000)
    page.evaluate("document.fonts.ready.then(() => true)")
    title = page.locator("article h1").first.inner_text().strip() if page.locator("article h1").count() else page.title()
    title = title.replace("#", "").strip()
    data = page.pdf(format="A4", margin=MARGIN, print_background=True, tagged=True, outline=True,
                    display_header_footer=True, header_template="<span></span>", footer_template=FOOTER)
    page.close()
    return title, data, errors


def write_pdf(site: Path, out: Path, browser=None) -> dict:
    """Print the book at ``site`` to ``out``; returns {"pages": [(title, first sheet)], "errors": [...]}."""
    from pypdf import PdfReader, PdfWriter

    order = reading_order(site)
    writer = PdfWriter()
    chapters, errors = [], []

    def run(b):
        for path in order:
            title, data, page_errors = _print(b, path)
            errors.extend(f"{path.relative_to(site)}: {e}" for e in page_errors)
            chapters.append((title, len(writer.pages), path.relative_to(site).as_posix()))
            writer.append(PdfReader(io.BytesIO(data)), outline_item=title)

    if browser is not None:
        run(browser)
    else:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                run(b)
            finally:
                b.close()
    writer.add_metadata({"/Title": "Russia, the CSTO and Kyrgyzstan", "/Author": "The course authors"})
    writer.page_mode = "/UseOutlines"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        writer.write(fh)
    return {"pages": chapters, "sheets": len(writer.pages), "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csto_course.pdf", description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html", help="the built book")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / "csto-course.pdf")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").exists():
        print(f"{args.site} holds no built book: run 'make book' first", file=sys.stderr)
        return 1
    result = write_pdf(args.site, args.out)
    for message in result["errors"]:
        print(f"console error: {message}", file=sys.stderr)
    print(f"{args.out}: {result['sheets']} pages, {len(result['pages'])} parts of the book "
          f"({args.out.stat().st_size / 1e6:.1f} MB)")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
