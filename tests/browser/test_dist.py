"""The take-away archive (``make dist``): it holds the site, the notebooks, the exercises
and the data, and unpacked anywhere its pages load from ``file://`` with no network."""

from __future__ import annotations

import zipfile

import pytest

from csto_course import ROOT, charts, dist

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def unpacked(built_book, tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    archive = dist.build(built_book, out)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(out / "unpacked")
    return archive, out / "unpacked" / dist.TOP


def test_archive_holds_the_course(unpacked):
    archive, top = unpacked
    assert archive.name == "csto-course.zip"
    for name in ("index.html", "site/index.html", "site/search.html", "site/searchindex.js",
                 "site/book/index.html", "README.md", "requirements.txt", "data/datapackage.json"):
        assert (top / name).is_file(), name
    for folder in ("notebooks", "exercises"):
        shipped = {p.name for p in (top / folder).glob("*.ipynb")}
        assert shipped == {p.name for p in (ROOT / folder).glob("*.ipynb")}, folder
    assert not list(top.rglob("__pycache__")) and not list(top.rglob(".ipynb_checkpoints"))


def test_archive_is_reproducible(built_book, tmp_path, unpacked):
    again = dist.build(built_book, tmp_path)
    assert again.read_bytes() == unpacked[0].read_bytes()


def test_pages_load_from_disk(browser_page, unpacked):
    _, top = unpacked
    page = browser_page
    page.goto((top / "index.html").as_uri())
    page.wait_for_url("**/site/book/index.html")
    site = top / "site"
    pages = sorted(p for p in site.rglob("*.html") if not p.relative_to(site).parts[0].startswith("_")
                   and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8"))  # the front door
    assert len(pages) >= 5
    for path in pages:
        page.goto(path.as_uri(), wait_until="load")
        drawn = page.locator(f".{charts.CHART_CLASS}")
        for i in range(drawn.count()):
            drawn.nth(i).locator("svg, canvas").first.wait_for(state="attached", timeout=10_000)
    assert page.watch.problems() == []
