"""Tests for the course tables in data/ and their loader (csto_course.data).

Broken fixtures are generated in tmp_path from the real package: each test copies
data/, breaks one cell, and checks the exact error message.
"""

import csv
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from frictionless import validate

from csto_course import ROOT
from csto_course.appendix import appendix_markdown
from csto_course.data import DataError, descriptor, load, tables

DATA = ROOT / "data"
# The five readings are not redistributed with the course: they sit beside the
# repository (../shared/seeds), or wherever CSTO_READINGS points.
SEEDS = Path(os.environ.get("CSTO_READINGS", ROOT.parent / "shared" / "seeds"))
READING_FILES = {
    "blog-essay": "000_badb5db4e75a07e3.txt",
    "trilling2010": "001_ac4460c44195fa46.txt",
    "saradzhyan2010": "002_e1f576c6b09a59e5.txt",
    "journal2009": "003_3d98f19f1ccf2261.txt",
    "commentary2023": "004_0388f3a82d82b887.txt",
}
SOURCE_COLUMNS = ("source", "coord_source", "dates_source", "correction_source")
ALL = tables()


# --- the real package ---------------------------------------------------------------

def test_package_validates_with_frictionless():
    report = validate(DATA / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_expected_tables_present():
    assert {"sources", "events", "membership", "forces", "bases", "appeals", "claims",
            "figures", "errors", "readings", "people"} <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_every_table_loads_with_a_unique_id(name):
    df = load(name)
    assert len(df) > 0
    assert df["id"].is_unique


@pytest.mark.parametrize("name", [n for n in ALL if n != "sources"])
def test_every_row_has_source_and_locator(name):
    df = load(name)
    assert df["source"].notna().all() and (df["source"].str.strip() != "").all()
    assert df["locator"].notna().all() and (df["locator"].str.len() >= 3).all()


@pytest.mark.parametrize("name", ALL)
def test_every_source_reference_resolves(name):
    ids = set(load("sources")["id"])
    df = load(name)
    for column in SOURCE_COLUMNS:
        if column in df.columns:
            missing = set(df[column].dropna()) - ids
            assert not missing, f"{name}.{column}: {missing}"


def test_every_source_is_used_somewhere():
    """A source earns its row by backing a data row or a citation in the book."""
    sources = set(load("sources")["id"])
    pages = [p for folder in ("book", "notebooks", "exercises") for p in (ROOT / folder).rglob("*")
             if p.suffix in (".md", ".ipynb") and ".ipynb_checkpoints" not in p.parts]
    text = "\n".join([(DATA / f"{n}.csv").read_text(encoding="utf-8") for n in ALL if n != "sources"]
                     + [p.read_text(encoding="utf-8") for p in pages])
    unused = {s for s in sources if not re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)}
    assert not unused


def test_types_of_events():
    df = load("events")
    assert str(df["date"].dtype) == "datetime64[ns]"
    assert isinstance(df["date_precision"].dtype, pd.CategoricalDtype)
    assert list(df["date_precision"].cat.categories) == ["year", "month", "day"]
    assert df["date_precision"].cat.ordered
    assert isinstance(df["category"].dtype, pd.CategoricalDtype)
    assert df["disputed"].dtype == bool
    assert all(isinstance(v, list) for v in df["states"])
    assert all(isinstance(c, int) for v in df["chapters"] for c in v)
    row = df.set_index("id").loc["cst-in-force"]
    assert row["date"] == pd.Timestamp("1994-04-20") and row["date_precision"] == "day"
    year_row = df.set_index("id").loc["cst-in-force-1995-saradzhyan"]
    assert year_row["date"] == pd.Timestamp("1995-01-01")
    assert year_row["date_text"] == "1995" and year_row["date_precision"] == "year"


def test_types_of_other_tables():
    bases = load("bases")
    assert bases["lat"].dtype == "float64" and bases["lon"].dtype == "float64"
    assert str(bases["opened"].dtype) == "datetime64[ns]"
    forces = load("forces")
    assert str(forces["personnel"].dtype) == "Int64"
    assert forces.set_index("id").loc["crrf-total", "personnel"] == 16000
    figures = load("figures")
    assert figures["value"].dtype == "float64"
    assert isinstance(figures["unit"].dtype, pd.CategoricalDtype)
    readings = load("readings")
    assert readings["author_known"].dtype == bool


def test_precision_matches_date_shape_everywhere():
    for name in ALL:
        df = load(name)
        for column in [c for c in df.columns if c.endswith("_text")]:
            base = column[: -len("_text")]
            precision = "date_precision" if base == "date" else f"{base}_precision"
            if precision in df.columns:
                shapes = df[column].dropna().str.len().map({4: "year", 7: "month", 10: "day"})
                assert (shapes == df.loc[shapes.index, precision].astype(str)).all(), name


def test_date_end_not_before_date():
    df = load("events").dropna(subset=["date_end"])
    assert (df["date_end"] >= df["date"]).all()


def test_error_rows_point_to_existing_rows():
    known = {i for n in ALL for i in load(n)["id"]}
    for _, row in load("errors").iterrows():
        assert set(row["rows"]) <= known, row["id"]


def test_readings_and_people_are_consistent():
    readings = load("readings")
    assert set(readings["id"]) == set(READING_FILES)
    sources = load("sources").set_index("id")
    assert (sources.loc[list(READING_FILES), "kind"] == "reading").all()
    names = set(load("people")["name"])
    for person in ["Kurmanbek Bakiyev", "Askar Akayev", "Roza Otunbayeva", "Sadyr Japarov",
                   "Islam Karimov", "Emomali Rahmon", "Alexander Lukashenko",
                   "Nursultan Nazarbayev", "Dmitry Medvedev", "Vladimir Putin",
                   "Nikolai Bordyuzha"]:
        assert person in names
    actors = {a for v in load("events")["actors"] for a in v}
    variants = {v for vs in load("people")["variants"] for v in vs}
    assert not actors & variants, "use the course spelling, not a variant"


def test_quoted_locators_occur_in_the_readings():
    assert SEEDS.is_dir(), f"{SEEDS}: the readings are needed to check the quoted locators (set CSTO_READINGS)"
    texts = {k: " ".join((SEEDS / f).read_text(encoding="utf-8").split())
             for k, f in READING_FILES.items()}
    checked = 0
    for name in [n for n in ALL if n != "sources"]:
        for _, row in load(name).iterrows():
            pairs = [(row["source"], row["locator"])]
            if name == "errors" and isinstance(row["correction_source"], str):
                pairs.append((row["correction_source"], row["correction_locator"]))
            for source, locator in pairs:
                if source in texts and locator.startswith('"') and locator.endswith('"'):
                    quote = " ".join(locator[1:-1].split())
                    assert quote in texts[source], f"{name} {row['id']}: {quote!r}"
                    assert len(quote.split()) <= 30, f"{name} {row['id']}: quote too long"
                    checked += 1
    assert checked > 150


def test_known_reading_errors_are_recorded():
    errors = load("errors").set_index("id")
    for key in ["essay-csto-1991", "essay-2000-uzbeks", "essay-bakiyev-june",
                "saradzhyan-in-force-1995", "commentary-scto", "commentary-sadr",
                "commentary-footnotes-4-5", "journal-uz-partnership-2005"]:
        assert key in errors.index
    events = load("events").set_index("id")
    assert events.loc["csto-1991-essay", "disputed"]
    assert events.loc["bakiyev-belarus-essay", "disputed"]
    assert not events.loc["cst-in-force", "disputed"]


def test_coverage_of_later_events():
    events = set(load("events")["id"])
    for key in ["uzbek-suspended-2012", "manas-closed", "csto-deploys-kazakhstan",
                "border-clash-2021", "border-clash-2022", "armenia-freeze-2024"]:
        assert key in events
    membership = load("membership")
    assert {"froze-participation", "suspended", "withdrew", "rejoined", "signed",
            "acceded"} <= set(membership["action"].astype(str))


# --- the appendix ---------------------------------------------------------------------

def test_appendix_lists_every_table_with_rows_and_download():
    md = appendix_markdown(DATA, "../data/")
    for resource in descriptor()["resources"]:
        assert f"## {resource['title']}" in md
        assert f"{{download}}`{resource['path']} <../data/{resource['path']}>`" in md
        assert f"rows: {len(load(resource['name']))};" in md
    assert "| `journal2009` |" in md


# --- broken fixtures ------------------------------------------------------------------

@pytest.fixture
def broken(tmp_path):
    """Copy the package to tmp_path/data and return a function that edits one cell."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)

    def edit(table, row_id, field, value):
        path = target / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        col = rows[0].index(field)
        for number, row in enumerate(rows[1:], start=2):
            if row[0] == row_id:
                row[col] = value
                break
        else:
            raise KeyError(row_id)
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
        return target, f"{target / (table + '.csv')}, row {number} (id {row_id!r})"

    return edit


@pytest.mark.parametrize("table,row_id,field,value,problem", [
    ("events", "csto-charter-signed", "date_precision", "week",
     "field 'date_precision': 'week' is not one of year, month, day"),
    ("events", "csto-charter-signed", "date_precision", "year",
     "field 'date_precision': year does not match date '2002-10-07' (which is a day date)"),
    ("events", "csto-charter-signed", "date", "2002-13",
     "field 'date': '2002-13' does not match the pattern"),
    ("events", "csto-charter-signed", "source", "nosuch2010",
     "field 'source': 'nosuch2010' is not an id in sources"),
    ("events", "csto-charter-signed", "locator", "",
     "field 'locator': is required but empty"),
    ("events", "csto-charter-signed", "disputed", "maybe",
     "field 'disputed': 'maybe' is not a boolean (use true or false)"),
    ("events", "csto-charter-signed", "states", "Russia;Kirgizia",
     "field 'states': item 'Kirgizia': 'Kirgizia' is not one of"),
    ("events", "csto-charter-signed", "chapters", "2;12",
     "field 'chapters': item '12': 12 is above the maximum 9"),
    ("events", "csto-charter-signed", "id", "cst-signed",
     "field 'id': duplicate value 'cst-signed'"),
    ("bases", "kant", "lat", "142.85",
     "field 'lat': 142.85 is above the maximum 46"),
    ("forces", "crrf-total", "personnel", "16,000",
     "field 'personnel': '16,000' is not an integer"),
    ("membership", "armenia-froze-csto", "date", "2024-2",
     "field 'date': '2024-2' does not match the pattern"),
    ("membership", "armenia-froze-csto", "date", "2023-02-29",
     "field 'date': '2023-02-29' is not a valid date"),
])
def test_broken_row_gives_a_clear_error(broken, table, row_id, field, value, problem):
    data_dir, where = broken(table, row_id, field, value)
    with pytest.raises(DataError) as info:
        load(table, data_dir=data_dir)
    message = str(info.value)
    if field == "id":  # the duplicate is reported on the later row, under its new key
        assert f"(id {value!r}), {problem}" in message
    else:
        assert f"{where}, {problem}" in message


def test_frictionless_also_rejects_a_broken_foreign_key(broken):
    data_dir, _ = broken("events", "csto-charter-signed", "source", "nosuch2010")
    assert not validate(data_dir / "datapackage.json").valid


def test_missing_file_and_unknown_table(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    (target / "events.csv").unlink()
    with pytest.raises(DataError, match=r"events\.csv: file not found \(listed in .*"
                       r"datapackage\.json as resource 'events'\)"):
        load("events", data_dir=target)
    with pytest.raises(DataError, match="unknown table 'xyz'.*known tables: sources, "):
        load("xyz")


def test_header_problems_are_reported(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    path = target / "claims.csv"
    text = path.read_text(encoding="utf-8").replace("stance,", "position,", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"claims\.csv, row 1 \(header\): missing column\(s\) "
                                        r"stance; unexpected column\(s\) position"):
        load("claims", data_dir=target)
