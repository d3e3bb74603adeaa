"""The checks students call: plain messages for right, wrong, unanswered and odd answers."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from csto_course import exercises as ex
from csto_course.exercises import (CHECK_MIME, check, check_chart, check_frame, fingerprint,
                                   plausible, secret)


def run(fn, *args, **kwargs):
    """Call a check; return (status, text). Checks print outside IPython and never raise."""
    assert fn(*args, **kwargs) is None
    return ex.last.status, ex.last.text


# --- check ------------------------------------------------------------------------------------

def test_right_answer_says_correct():
    assert run(check, "2 founding-year", 2002, 2002) == ("pass", "✔ Task 2 (founding-year): correct.")


def test_wrong_answer_says_expected_yours_and_hint():
    status, text = run(check, "2 founding-year", 1991, 2002, hint="The Organization, not the Treaty.")
    assert status == "fail"
    assert text == ("✘ Task 2 (founding-year): expected 2002; your answer is 1991. "
                    "Hint: The Organization, not the Treaty.")


@pytest.mark.parametrize("answer", [None, ...])
def test_unanswered_is_not_done_yet(answer):
    status, text = run(check, "2 founding-year", answer, 2002)
    assert status == "todo"
    assert text.startswith("○ Task 2 (founding-year): not done yet.")


def test_slug_only_task():
    assert run(check, "founding-year", 2002, 2002)[1] == "✔ Task founding-year: correct."


@pytest.mark.parametrize("answer, words", [
    ("2002", "your answer is the text '2002': remove the quotes"),
    ("soon", "expected a number; your answer is the text 'soon'"),
    (pd.Series([2002]), "Take the value out with .item() or .iloc[0]"),
    ([2002], "expected a number; your answer is a list"),
    (True, "expected a number; your answer is a True/False value"),
])
def test_odd_types_for_a_number(answer, words):
    status, text = run(check, "1 n", answer, 2002)
    assert status == "fail" and words in text


def test_numpy_numbers_and_tolerance():
    import numpy as np

    assert run(check, "1 n", np.int64(14), 14)[0] == "pass"
    assert run(check, "1 n", 0.1 + 0.2, 0.3)[0] == "pass"
    assert run(check, "1 n", 2010, 2000, tolerance=10)[0] == "pass"
    status, text = run(check, "1 n", 2011, 2000, tolerance=10)
    assert status == "fail" and "expected 2000 (give or take 10); your answer is 2011" in text


def test_text_ignores_case_and_spaces():
    assert run(check, "1 t", "  Trilling ", "trilling")[0] == "pass"
    assert "expected text such as 'x'; your answer is a whole number" in run(check, "1 t", 3, "x")[1]


def test_booleans():
    assert run(check, "1 b", True, True)[0] == "pass"
    assert "expected True or False; your answer is a text" in run(check, "1 b", "yes", True)[1]


def test_lists_sets_and_dicts():
    assert "expected 3 item(s); your list has 2" in run(check, "1 l", [1, 2], [1, 2, 3])[1]
    assert "item 2: expected 'b'; your answer is 'c'" in run(check, "1 l", ["a", "c"], ["a", "b"])[1]
    assert run(check, "1 l", ["b", "a"], ["a", "b"], ordered=False)[0] == "pass"
    assert run(check, "1 l", pd.Series(["a", "b"]), ["a", "b"])[0] == "pass"
    text = run(check, "1 s", {"a", "x"}, {"a", "b"})[1]
    assert "1 expected item(s) missing, e.g. 'b'" in text and "should not be there, e.g. 'x'" in text
    assert "missing key(s) ['b']" in run(check, "1 d", {"a": 1}, {"a": 1, "b": 2})[1]
    assert "for key 'a': expected 1; your answer is 2" in run(check, "1 d", {"a": 2}, {"a": 1})[1]


def test_secret_does_not_show_the_answer():
    expected = secret(fingerprint(2002), "the founding year")
    assert run(check, "1 y", 2002.0, expected)[0] == "pass"
    status, text = run(check, "1 y", 1991, expected)
    assert status == "fail" and "2002" not in text
    assert "expected the founding year; your answer, 1991, is not it" in text
    ids = secret(fingerprint({"a", "b"}), "the ids")
    assert run(check, "1 i", ["b", "a"], ids, ordered=False)[0] == "pass"


def test_plausible_passes_with_its_own_words():
    status, text = run(check, "6 y", 2009, plausible(1991, 2025, "a year"))
    assert status == "pass" and "exact value is checked when your notebook is graded" in text
    assert "expected a year between 1991 and 2025; your answer is 1800" in run(
        check, "6 y", 1800, plausible(1991, 2025, "a year"))[1]


def test_a_check_never_raises_even_on_strange_objects():
    class Weird:
        def __eq__(self, other):
            raise RuntimeError("no comparing me")

    status, text = run(check, "1 w", Weird(), object())
    assert status == "fail" and "could not be checked (RuntimeError: no comparing me)" in text


def test_raise_mode_for_nbgrader(monkeypatch):
    monkeypatch.setenv("CSTO_CHECKS_RAISE", "1")
    check("1 y", 2002, 2002)
    with pytest.raises(AssertionError, match="expected 2002"):
        check("1 y", 1991, 2002)
    with pytest.raises(AssertionError, match="not done yet"):
        check("1 y", None, 2002)


# --- check_frame ------------------------------------------------------------------------------

FRAME = pd.DataFrame({"year": [2009, 2010], "events": [16, 15]})


def test_frame_columns_rows_and_values():
    assert run(check_frame, "2 per-year", FRAME, columns=["events", "year"], rows=2)[0] == "pass"
    text = run(check_frame, "2 per-year", FRAME, columns=["year", "category", "events"])[1]
    assert text == ("✘ Task 2 (per-year): expected a table with 3 columns (year, category, events); "
                    "your table has 2 columns (year, events).")
    assert "expected 3 rows; your table has 2" in run(check_frame, "2 per-year", FRAME, rows=3)[1]
    other = FRAME.assign(events=[16, 14])
    assert "row 2 (year = 2010), column 'events': expected 14; your answer is 15" in run(
        check_frame, "2 per-year", FRAME, expected=other)[1]
    assert run(check_frame, "2 per-year", FRAME[::-1], expected=FRAME, sort=True)[0] == "pass"


def test_frame_odd_answers():
    grouped = FRAME.set_index("year")["events"]
    assert ".reset_index() turns a Series into a table" in run(check_frame, "2 p", grouped, columns=["year", "events"])[1]
    assert "year is in the index: use .reset_index()" in run(
        check_frame, "2 p", FRAME.set_index("year"), columns=["year", "events"])[1]
    assert "expected a table (DataFrame); your answer is a list" in run(check_frame, "2 p", [1, 2])[1]
    assert run(check_frame, "2 p", None, columns=["year"])[0] == "todo"


def test_frame_secret():
    digest = fingerprint(FRAME)
    assert run(check_frame, "2 p", FRAME.copy(), expected=secret(digest, "the counts"))[0] == "pass"
    text = run(check_frame, "2 p", FRAME.assign(events=[1, 2]), expected=secret(digest, "the counts"))[1]
    assert "your table has the expected shape, but its values are not the counts" in text


# --- check_chart ------------------------------------------------------------------------------

def bar(**props):
    return alt.Chart(FRAME, **props).mark_bar().encode(x="year:O", y="events:Q", tooltip=["year", "events"])


def test_chart_right():
    assert run(check_chart, "3 chart", bar(title="Events"), mark="bar",
               encodings={"x": "year", "y": "events"}, tooltip=True)[0] == "pass"


def test_chart_wrong_mark_field_title_tooltip():
    assert "your chart has no title" in run(check_chart, "3 c", bar(), mark="bar")[1]
    line = alt.Chart(FRAME, title="t").mark_line().encode(x="year:O", y="events:Q")
    assert "expected a bar chart (mark_bar); yours is a line chart (mark_line)" in run(
        check_chart, "3 c", line, mark="bar")[1]
    assert "expected events on the x channel; your chart has year there" in run(
        check_chart, "3 c", bar(title="t"), encodings={"x": "events"})[1]
    assert "expected year on the color channel; your chart has nothing there" in run(
        check_chart, "3 c", bar(title="t"), encodings={"color": "year"})[1]
    no_tip = alt.Chart(FRAME, title="t").mark_bar().encode(x="year:O", y="events:Q")
    assert "no tooltips" in run(check_chart, "3 c", no_tip, tooltip=True)[1]
    counted = alt.Chart(FRAME, title="t").mark_bar().encode(x="year:O", y="count()")
    assert run(check_chart, "3 c", counted, encodings={"y": "count()"})[0] == "pass"


def test_chart_odd_answers():
    assert "expected an Altair chart; your answer is a table (DataFrame)" in run(check_chart, "3 c", FRAME)[1]
    broken = alt.Chart(title="t").mark_bar().encode(x="kind")  # no data: no type for kind
    assert "Altair cannot draw your chart" in run(check_chart, "3 c", broken)[1]
    layered = alt.layer(bar(), bar().mark_rule()).properties(title="t")
    assert run(check_chart, "3 c", layered, mark="rule")[0] == "pass"


# --- what the grader and the book see -----------------------------------------------------------

def test_record_and_text_are_deterministic():
    check("4 x", 1, 2)
    bundle = ex.last._repr_mimebundle_()
    assert bundle[CHECK_MIME] == {"task": "4 x", "status": "fail", "points": 1}
    assert bundle["text/plain"] == "✘ Task 4 (x): expected 2; your answer is 1."


def test_book_drops_the_record_quietly():
    from importlib.metadata import entry_points

    names = {e.value for e in entry_points(group="myst_nb.mime_renderers")}
    assert "csto_course.exercises:CheckMime" in names, "reinstall the package: pip install -e ."
    assert (("*", CHECK_MIME, None)) in ex.CheckMime.mime_priority_overrides
