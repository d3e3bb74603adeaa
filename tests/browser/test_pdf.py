"""``make pdf``: the whole book as one PDF, printed by headless Chromium with the book's
print stylesheet. Every page of the book is in it, in reading order, each starting on
a sheet of its own with a bookmark; charts are drawn; navigation is not printed."""

from __future__ import annotations

import re
import unicodedata

import pytest
import yaml

from csto_course import ROOT, pdf

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def printed(chromium, built_book, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "book.pdf"
    result = pdf.write_pdf(built_book, out, browser=chromium)
    return out, result


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    return files


def test_every_page_of_the_book_is_printed_in_order(printed):
    _, result = printed
    printed_pages = [p for _, _, p in result["pages"]]
    assert printed_pages == [f"{f}.html" for f in _toc_files()]
    assert result["errors"] == []


def test_each_chapter_starts_a_sheet_with_a_bookmark(printed):
    from pypdf import PdfReader

    out, result = printed
    reader = PdfReader(out)
    assert len(reader.pages) == result["sheets"] >= len(result["pages"])
    bookmarks = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline if not isinstance(o, list)]
    assert bookmarks == [(title, first) for title, first, _ in result["pages"]]
    starts = [first for _, first, _ in result["pages"]]
    assert starts == sorted(set(starts)), "two parts of the book share a sheet"
    for title, first in bookmarks:
        # NFKC: the PDF's text has ligatures ("ﬁ")
        text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", reader.pages[first].extract_text()))
        words = title.split()[-3:]  # the title's end: numbering and line breaks vary
        assert " ".join(words) in text, (title, text[:300])


def test_print_hides_navigation_and_opens_quiz_explanations(printed):
    from pypdf import PdfReader

    out, result = printed
    reader = PdfReader(out)
    chapter = next(i for i, (_, _, p) in enumerate(result["pages"]) if p.startswith("notebooks/01"))
    first = result["pages"][chapter][1]
    end = result["pages"][chapter + 1][1]
    text = " ".join(reader.pages[i].extract_text() for i in range(first, end))
    assert "Skip to main content" not in text and "Search this book" not in text
    assert "Check answer" not in text  # buttons are not printed
    assert "Explanation" in text  # quiz explanations are open on paper
    assert "Data table:" not in text  # charts print as pictures, not their table
