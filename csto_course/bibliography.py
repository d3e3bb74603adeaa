"""``book/references.bib``, written from the ``sources`` table.

The table is the one list of sources: the book's citations (``{cite:p}`key```) and
the datasets' ``source`` columns use the same ids. ``csto-course bib`` rewrites the
BibTeX file; a test fails when the committed file no longer matches the table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from pybtex.database import BibliographyData, Entry, Person

from . import ROOT
from .data import load

BIB_PATH = ROOT / "book" / "references.bib"
HEADER = (
    "% Generated from data/sources.csv by `csto-course bib`: edit the table, not this file.\n"
    "% Keys are the table's ids, so citations and dataset rows name sources alike.\n\n"
)
_PERSON = re.compile(r"^[A-Z][\w.'-]*( [A-Z][\w.'-]*){1,3}$")


def _persons(author: str) -> list[Person]:
    """People by name; organisations (``Wikipedia contributors``) kept whole in braces."""
    names = [a.strip() for a in author.split(";") if a.strip()]
    return [Person(n) if _PERSON.match(n) else Person("{" + n + "}") for n in names]


def _entry(row: pd.Series) -> tuple[str, Entry]:
    date = row["date_text"] if isinstance(row["date_text"], str) else ""  # "" when undated
    fields = {"title": "{" + row["title"] + "}"}
    if date:
        fields["year"] = date[:4]
    if len(date) >= 7:
        fields["month"] = str(int(date[5:7]))
    if len(date) == 10:
        fields["day"] = str(int(date[8:10]))
    if isinstance(row.get("publisher"), str) and row["publisher"]:
        fields["howpublished"] = row["publisher"]
    if isinstance(row.get("url"), str) and row["url"]:
        fields["url"] = row["url"]
    notes = [row[c] for c in ("date_note", "note") if isinstance(row.get(c), str) and row[c]]
    if notes:
        fields["note"] = " ".join(notes)
    persons = {"author": _persons(row["author"])} if isinstance(row.get("author"), str) and row["author"] else {}
    return row["id"], Entry("misc", fields=fields, persons=persons)


def bibtex(sources: pd.DataFrame | None = None) -> str:
    """The BibTeX text for every row of the sources table, in table order."""
    sources = load("sources") if sources is None else sources
    data = BibliographyData(entries=dict(_entry(row) for _, row in sources.iterrows()))
    return HEADER + data.to_string("bibtex")


def write(path: Path = BIB_PATH) -> bool:
    """Rewrite the BibTeX file; True if it changed."""
    text = bibtex()
    changed = not path.exists() or path.read_text(encoding="utf-8") != text
    if changed:
        path.write_text(text, encoding="utf-8")
    return changed
