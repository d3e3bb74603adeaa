"""Search in the built book works offline: over loopback HTTP and straight from disk."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

WORD = "Manas"  # in chapter 5 and elsewhere


def _search(page, start_url: str) -> list[str]:
    page.goto(start_url, wait_until="load")
    field = page.locator(".bd-search-container input[name=q]")
    field.fill(WORD)
    field.press("Enter")
    page.wait_for_url(re.compile(rf"search\.html\?q={WORD}"))
    # Sphinx writes its summary when the search has finished.
    page.wait_for_function("(document.querySelector('#search-results .search-summary') || {}).textContent", timeout=15_000)
    summary = page.locator("#search-results .search-summary").inner_text()
    assert re.search(r"found [1-9]\d* page", summary, re.I), summary
    return page.locator("#search-results li a").evaluate_all("links => links.map(a => a.href)")


def test_search_over_http(browser_page, book_url):
    hits = _search(browser_page, book_url + "search.html")
    assert any("05-bases-and-bargains" in h for h in hits), hits
    assert browser_page.watch.problems() == []


def test_search_from_disk(browser_page, built_book):
    hits = _search(browser_page, (built_book / "search.html").as_uri())
    assert hits and all(h.startswith("file://") for h in hits), hits
    assert any("05-bases-and-bargains" in h for h in hits), hits
    assert browser_page.watch.problems() == []
