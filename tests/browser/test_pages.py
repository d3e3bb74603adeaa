"""Every page of the built book, in headless Chromium: loads clean, offline, charts drawn."""

from __future__ import annotations

import pytest

from csto_course import ROOT, charts

BUILT = ROOT / "_build" / "html"
PAGES = sorted(
    p.relative_to(BUILT).as_posix()
    for p in BUILT.rglob("*.html")
    if not p.relative_to(BUILT).parts[0].startswith("_")
)

pytestmark = pytest.mark.browser


def test_the_book_has_pages():
    assert "book/index.html" in PAGES and len(PAGES) >= 5, PAGES


@pytest.mark.parametrize("page_path", PAGES)
def test_page_loads_clean_and_offline(browser_page, book_url, page_path):
    page = browser_page
    page.goto(book_url + page_path, wait_until="networkidle")
    charts_on_page = page.locator(f".{charts.CHART_CLASS}")
    for i in range(charts_on_page.count()):
        chart = charts_on_page.nth(i)
        chart.locator("svg, canvas").first.wait_for(state="attached", timeout=10_000)
    assert page.watch.problems() == []


@pytest.mark.parametrize("page_path", PAGES)
def test_chart_script_only_where_charts_are(built_book, page_path):
    html = (built_book / page_path).read_text(encoding="utf-8")
    has_chart = f'class="{charts.CHART_CLASS}"' in html
    loads_script = charts.BOOK_SCRIPT in html
    assert has_chart == loads_script, f"{page_path}: chart={has_chart}, script={loads_script}"
