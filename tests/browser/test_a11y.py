"""Accessibility and phones, over every page of the built book, in headless Chromium.

* axe-core (axe-playwright-python) at 1280 px: no serious or critical violation;
* at 390 px (a phone): the page loads clean and offline, charts draw, the text never
  scrolls sideways (charts and wide tables scroll inside themselves), and axe again,
  without its colour-contrast rule (colours do not change with the width; that rule
  is most of axe's time on a long page);
* every chart has a text alternative: a name, a description and its data as a table;
* the main navigation (skip link, sidebar, search) works with the keyboard alone.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from csto_course import ROOT, charts

pytestmark = pytest.mark.browser

BUILT = ROOT / "_build" / "html"
PAGES = sorted(
    p.relative_to(BUILT).as_posix()
    for p in BUILT.rglob("*.html")
    if not p.relative_to(BUILT).parts[0].startswith("_")
)
PHONE = {"width": 390, "height": 844}
BLOCKING = ("serious", "critical")
_AXE = Axe()


def _load(page, url: str) -> None:
    page.goto(url, wait_until="networkidle")
    drawn = page.locator(f".{charts.CHART_CLASS}")
    for i in range(drawn.count()):
        drawn.nth(i).locator("svg, canvas").first.wait_for(state="attached", timeout=10_000)


def axe_violations(page, *, contrast: bool = True) -> list[str]:
    """Serious and critical axe violations on the loaded page, one line per rule."""
    options = {"resultTypes": ["violations"]}
    if not contrast:
        options["rules"] = {"color-contrast": {"enabled": False}}
    results = _AXE.run(page, options=options).response
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}x): {v['help']} -- "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in results["violations"] if v["impact"] in BLOCKING
    ]


@pytest.fixture
def phone_page(chromium):
    from conftest import PageWatch

    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.watch = PageWatch(page)
    yield page
    context.close()


@pytest.mark.parametrize("page_path", PAGES)
def test_axe_desktop(browser_page, book_url, page_path):
    _load(browser_page, book_url + page_path)
    # The page's own requests first: axe then fetches stylesheets itself (and resolves
    # the theme's '@import "../basic.css"' against the page: a 404 of its own).
    assert browser_page.watch.problems() == []
    assert axe_violations(browser_page) == []


@pytest.mark.parametrize("page_path", PAGES)
def test_phone(phone_page, book_url, page_path):
    page = phone_page
    _load(page, book_url + page_path)
    assert page.watch.problems() == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{page_path} scrolls sideways at 390 px: {width} px wide"
    # Each chart fits its column, or scrolls inside its own output box.
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.csto-chart')].filter(c => {
        const r = c.getBoundingClientRect();
        if (r.right <= window.innerWidth + 1) return false;
        const box = c.closest('.output');
        return !(box && getComputedStyle(box).overflowX === 'auto' && box.getBoundingClientRect().right <= window.innerWidth + 1);
    }).map(c => c.id)""")
    assert overflowing == []
    assert axe_violations(page, contrast=False) == []  # after the checks of the page's requests


# --- charts' text alternatives (static HTML: no browser needed) -----------------------

CHART_PAGES = [p for p in PAGES if f'class="{charts.CHART_CLASS}"' in (BUILT / p).read_text(encoding="utf-8")]


def test_some_pages_have_charts():
    assert CHART_PAGES


@pytest.mark.parametrize("page_path", CHART_PAGES)
def test_every_chart_has_a_text_alternative(built_book, page_path):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((built_book / page_path).read_text(encoding="utf-8"), "html.parser")
    for chart in soup.select(f"div.{charts.CHART_CLASS}"):
        cid = chart["id"]
        assert chart.get("aria-label"), cid
        desc = soup.find(id=chart["aria-describedby"])
        assert desc is not None and len(desc.get_text(strip=True)) > 20, cid
        table = chart.find_next_sibling("details", class_="csto-chart-data")
        assert table is not None, f"{cid}: no data table"
        assert table.summary.get_text(strip=True).startswith("Data table")
        assert table.find("th") and table.find("td"), cid


def test_data_table_opens_with_the_keyboard(browser_page, book_url):
    page = browser_page
    _load(page, book_url + CHART_PAGES[0])
    summary = page.locator(".csto-chart-data > summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator(".csto-chart-data").first.evaluate("d => d.open")
    assert page.locator(".csto-chart-data table").first.is_visible()


# --- keyboard: the book's navigation -------------------------------------------------

def _tab_to(page, predicate_js: str, limit: int = 80) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({predicate_js}); }})()"):
            return True
    return False


def test_skip_link_is_first_and_jumps_to_the_content(browser_page, book_url):
    page = browser_page
    _load(page, book_url + "book/introduction.html")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert re.search("skip", focused, re.I), focused
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")


def test_sidebar_links_work_with_tab_and_enter(browser_page, book_url):
    page = browser_page
    _load(page, book_url + "book/introduction.html")
    found = _tab_to(page, "el.closest('.bd-sidebar-primary') && el.tagName === 'A' && el.getAttribute('href').includes('01-after-the-collapse')")
    assert found, "no sidebar link to chapter 1 within 80 Tabs"
    # The focused link is visibly marked.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle + getComputedStyle(document.activeElement).boxShadow")
    assert outline not in ("nonenone", "none"), outline
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"01-after-the-collapse\.html"))
    assert page.watch.problems() == []


def test_search_works_with_the_keyboard(browser_page, book_url):
    page = browser_page
    _load(page, book_url + "book/introduction.html")
    assert _tab_to(page, "el.classList.contains('search-button-field') || !!el.closest('.search-button-field')"), \
        "the search button is not reachable with Tab"
    page.keyboard.press("Enter")
    field = page.locator(".search-button__search-container input[name=q], .bd-search input[name=q]").first
    field.wait_for(state="visible")
    assert page.evaluate("document.activeElement.name") == "q", "search field not focused"
    page.keyboard.type("Manas")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q=Manas"))
    page.locator("#search-results li").first.wait_for(timeout=10_000)
    # The first result is reachable and opens with Enter.
    assert _tab_to(page, "!!el.closest('#search-results') && el.tagName === 'A'")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(href.split("?")[0].split("#")[0].lstrip("./").split("/")[-1])))
    assert page.watch.problems() == []


def test_phone_menu_opens_with_the_keyboard(phone_page, book_url):
    page = phone_page
    _load(page, book_url + "book/introduction.html")
    assert _tab_to(page, "el.classList.contains('primary-toggle')"), "menu button not reachable with Tab"
    page.keyboard.press("Enter")
    # On a phone the theme moves the sidebar into a modal dialog.
    link = page.locator("#pst-primary-sidebar-modal a[href*='01-after-the-collapse']").first
    link.wait_for(state="visible")
    assert _tab_to(page, "el.tagName === 'A' && el.getAttribute('href').includes('01-after-the-collapse')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"01-after-the-collapse\.html"))


def test_desktop_sidebar_button_folds_the_sidebar(browser_page, book_url):
    page = browser_page
    _load(page, book_url + "book/introduction.html")
    assert _tab_to(page, "el.classList.contains('primary-toggle')"), "sidebar button not reachable with Tab"
    page.keyboard.press("Enter")
    assert "pst-sidebar-hidden" in page.locator("#pst-primary-sidebar").get_attribute("class")
    assert not page.locator("#pst-primary-sidebar-modal").evaluate("d => d.open")
