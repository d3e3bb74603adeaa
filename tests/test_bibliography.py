"""book/references.bib is written from data/sources.csv and must stay in step with it."""

from csto_course import bibliography


def test_references_bib_matches_the_sources_table():
    committed = bibliography.BIB_PATH.read_text(encoding="utf-8")
    assert committed == bibliography.bibtex(), (
        "book/references.bib is out of date with data/sources.csv: run 'csto-course bib'"
    )


def test_organisations_stay_whole_and_people_are_split():
    people = bibliography._persons("David Trilling; Wikipedia contributors")
    assert [str(p) for p in people] == ["Trilling, David", "{Wikipedia contributors}"]
