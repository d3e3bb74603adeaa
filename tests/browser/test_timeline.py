"""The Timeline page in headless Chromium: every event drawn offline, the category and
state menus and the year sliders filter the marks, and a tooltip gives the source.

The expected numbers come from the rows the chart itself carries (its spec is inert JSON
in the page), so the browser's filtering is checked against the same filter written in
Python; a separate test checks that those rows are every event of ``data/events.csv``.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from csto_course import charts
from csto_course.data import load

pytestmark = pytest.mark.browser

PAGE = "book/timeline.html"
CHART = f".{charts.CHART_CLASS}"
# The event marks only: legend symbols are g.mark-symbol too, but with role-legend-symbol.
MARKS = f"{CHART} g.mark-symbol.role-mark path"
SPEC = re.compile(r'<script type="application/json" data-chart-for="[^"]+">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def rows(built_book) -> list[dict]:
    """The timeline's data: one row per event, as stored in the page."""
    page = built_book / PAGE
    if not page.exists():
        pytest.fail(f"{page} is missing: is '- file: book/timeline' in _toc.yml?")
    specs = SPEC.findall(page.read_text(encoding="utf-8"))
    assert len(specs) == 1, f"expected one chart on {PAGE}, found {len(specs)}"
    (data,) = json.loads(specs[0])["datasets"].values()
    return data


def _expected(rows, category=None, state=None, years=None) -> int:
    """The chart's filter, in Python: None is "All"; state "none" is "(no state named)"."""
    return sum(
        (category is None or r["category"] == category)
        and (state is None or f"|{state}|" in r["state_key"])
        and (years is None or years[0] <= int(r["date"][:4]) <= years[1])
        for r in rows
    )


def _wait_for_marks(page, n: int, what: str) -> None:
    try:
        page.wait_for_function(
            "([sel, n]) => document.querySelectorAll(sel).length === n", arg=[MARKS, n], timeout=5_000
        )
    except PlaywrightTimeout:
        pytest.fail(f"{what}: expected {n} marks, the chart draws {page.locator(MARKS).count()}")


def _set_years(page, first: int, last: int) -> None:
    page.evaluate(
        """([first, last]) => {
             for (const [name, value] of [['year_from', first], ['year_to', last]]) {
               const input = document.querySelector(`input[name=${name}]`);
               input.value = value;
               input.dispatchEvent(new Event('input', {bubbles: true}));
             }
           }""",
        [first, last],
    )


@pytest.fixture
def timeline(browser_page, book_url, rows):
    page = browser_page
    page.goto(book_url + PAGE, wait_until="networkidle")
    _wait_for_marks(page, len(rows), "on load, with every filter on All")
    return page


def test_the_chart_holds_every_event_with_its_source(rows):
    events = load("events")
    assert sorted(r["id"] for r in rows) == sorted(events["id"]), (
        "the stored timeline is not data/events.csv: run "
        "'.venv/bin/csto-course execute book/timeline.ipynb' and rebuild the book"
    )
    for r in rows:
        assert r["source_title"] and r["locator"], r["id"]


def test_timeline_draws_offline_with_labelled_controls(timeline, rows):
    page = timeline
    assert page.locator(f"{CHART} svg").count() >= 1
    for name, label in [("category_choice", "Category"), ("state_choice", "State"),
                        ("year_from", "From year"), ("year_to", "To year")]:
        control = page.locator(f"{CHART} label:has([name={name}])")
        assert control.count() == 1 and label in control.inner_text(), name
    # Disputed events are told apart by more than colour: their accessible text says so.
    disputed = sum(r["sources_agree"] == "disputed" for r in rows)
    assert disputed > 0
    assert page.locator(f'{MARKS}[aria-label*=", disputed;"]').count() == disputed
    assert page.watch.problems() == []


def test_menus_and_sliders_filter_the_marks(timeline, rows):
    page = timeline
    category = page.locator(f"{CHART} select[name=category_choice]")
    state = page.locator(f"{CHART} select[name=state_choice]")
    total = len(rows)

    category.select_option(label="base")
    n = _expected(rows, category="base")
    assert 0 < n < total
    _wait_for_marks(page, n, "category base")

    state.select_option(label="Kyrgyzstan")
    both = _expected(rows, category="base", state="Kyrgyzstan")
    assert 0 < both < n
    _wait_for_marks(page, both, "category base, state Kyrgyzstan")

    category.select_option(label="All")
    _wait_for_marks(page, _expected(rows, state="Kyrgyzstan"), "state Kyrgyzstan")

    state.select_option(label="(no state named)")
    _wait_for_marks(page, _expected(rows, state="none"), "no state named")

    state.select_option(label="All")
    _wait_for_marks(page, total, "back to All and All")

    _set_years(page, 2009, 2010)
    years = _expected(rows, years=(2009, 2010))
    assert 0 < years < total
    _wait_for_marks(page, years, "years 2009-2010")
    assert page.watch.problems() == []


def test_tooltip_gives_the_source(timeline, rows):
    page = timeline
    page.locator(f"{CHART} select[name=category_choice]").select_option(label="appeal")
    appeals = [r for r in rows if r["category"] == "appeal"]
    _wait_for_marks(page, len(appeals), "category appeal")
    page.locator(MARKS).first.hover()
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for(timeout=5_000)
    text = tooltip.inner_text()
    assert "Source" in text and "Where in the source" in text, text
    shown = [r for r in appeals if r["source_title"] in text and r["locator"] in text]
    assert shown, f"the tooltip names no appeal's source and locator:\n{text}"
    assert page.watch.problems() == []
