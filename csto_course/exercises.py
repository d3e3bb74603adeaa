"""Checks for the course's exercises: feedback that teaches, never a traceback.

In an exercise notebook::

    from csto_course.exercises import check, check_frame, check_chart

    check("1 founding-year", founding_year, 2002, hint="The Organization, not the Treaty.")
    check_frame("2 events-per-year", per_year, columns=["year", "events"], rows=34)
    check_chart("3 events-chart", chart, mark="bar", encodings={"x": "year", "y": "events"})

Every check shows one line of plain, deterministic text (strict nbval compares it)::

    ✔ Task 1 (founding-year): correct.
    ✘ Task 1 (founding-year): expected 2002; your answer is 1991. Hint: ...
    ○ Task 1 (founding-year): not done yet. Your answer is still None: ...

and never raises (unless ``CSTO_CHECKS_RAISE=1`` is set: then a failed or unanswered
check raises ``AssertionError`` after showing its line, which is what nbgrader's
autograder counts). Beside the text, each check displays a small machine-readable
record under the mimetype ``application/vnd.csto.check+json`` --
``{"task": ..., "status": "pass"|"fail"|"todo", "points": ...}`` -- that the grader
(``csto_course.grading``) reads; the book does not show it (see :class:`CheckMime`).

A task string is ``"<number> <slug>"`` (or just a slug). A task may have several
checks (visible ones here, hidden ones the grader adds): it passes when all of them do.

Visible checks need not give the answer away: ``expected=secret(digest, "what")``
compares a fingerprint (see :func:`fingerprint`) and describes the expected value in
words instead of showing it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from typing import Any

CHECK_MIME = "application/vnd.csto.check+json"
PASS, FAIL, TODO = "pass", "fail", "todo"
SYMBOLS = {PASS: "✔", FAIL: "✘", TODO: "○"}
RAISE_ENV = "CSTO_CHECKS_RAISE"

TODO_TEXT = ("not done yet. Your answer is still None: write your code where it says "
             "# YOUR CODE HERE, run that cell, then run this one again.")


# --- results ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    """The outcome of one check: what the student sees and what the grader records."""

    task: str
    status: str
    detail: str
    points: float = 1

    @property
    def label(self) -> str:
        number, slug = split_task(self.task)
        if number and slug:
            return f"Task {number} ({slug})"
        return f"Task {number or slug}"

    @property
    def text(self) -> str:
        if self.status == PASS:
            return f"{SYMBOLS[PASS]} {self.label}: {self.detail or 'correct.'}"
        return f"{SYMBOLS[self.status]} {self.label}: {self.detail}"

    @property
    def record(self) -> dict:
        return {"task": self.task, "status": self.status, "points": self.points}

    @property
    def passed(self) -> bool:
        return self.status == PASS

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.text, CHECK_MIME: self.record}

    def __repr__(self) -> str:
        return self.text


def split_task(task: str) -> tuple[str, str]:
    """``"2 events-per-year"`` -> ``("2", "events-per-year")``; ``"slug"`` -> ``("", "slug")``."""
    task = str(task).strip()
    head, _, rest = task.partition(" ")
    if head.rstrip(".:").isdigit():
        return head.rstrip(".:"), rest.strip()
    return "", task


last: Result | None = None
"""The most recent check's result (checks themselves return None, so that a check on
the last line of a cell shows its line once)."""


def _emit(result: Result) -> Result:
    """Show the result (rich display in Jupyter, a printed line elsewhere)."""
    global last
    last = result
    try:
        from IPython import get_ipython
        from IPython.display import display

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython is always there in the course env
        shell = None
    if shell is not None:
        display({"text/plain": result.text, CHECK_MIME: result.record}, raw=True)
    else:
        print(result.text)
    if os.environ.get(RAISE_ENV) == "1" and not result.passed:
        raise AssertionError(result.text)
    return result


def _run(task: str, points: float, hint: str, answer: Any, compare) -> Result:
    """Common frame of every check: 'not done yet', the comparison, the hint, no exceptions."""
    if answer is None or answer is Ellipsis:
        return _emit(Result(task, TODO, TODO_TEXT, points))
    try:
        problem = compare()
    except Exception as exc:  # noqa: BLE001 -- a check must never end in a traceback
        problem = (f"your answer could not be checked ({type(exc).__name__}: "
                   f"{_first_line(str(exc))}). Look at the value you gave.")
    if problem is None:
        return _emit(Result(task, PASS, "correct.", points))
    if isinstance(problem, Passed):
        return _emit(Result(task, PASS, problem.text, points))
    text = problem or "not the expected answer"
    if not text.endswith("."):
        text += "."
    if hint:
        text += f" Hint: {hint.strip()}"
    return _emit(Result(task, FAIL, text, points))


class Passed(str):
    """Returned by a comparison that passes with a message of its own."""

    @property
    def text(self) -> str:
        return str(self)


# --- showing values -------------------------------------------------------------------------

def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:160]


def _kind(value: Any) -> str:
    """What a value is, in words a beginner knows."""
    import pandas as pd

    if isinstance(value, bool):
        return "True/False value"
    if isinstance(value, int):
        return "whole number"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, pd.DataFrame):
        return "table (DataFrame)"
    if isinstance(value, pd.Series):
        return "column (Series)"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, (set, frozenset)):
        return "set"
    if isinstance(value, dict):
        return "dictionary"
    if _is_chart(value):
        return "Altair chart"
    return type(value).__name__


def show(value: Any, limit: int = 80) -> str:
    """A short, deterministic description of a value for a message."""
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        cols = ", ".join(map(str, value.columns))
        return f"a table with {len(value)} row{'s' if len(value) != 1 else ''} and columns ({cols})"
    if isinstance(value, pd.Series):
        return f"a Series{f' named {value.name!r}' if value.name is not None else ''} with {len(value)} value{'s' if len(value) != 1 else ''}"
    if _is_chart(value):
        return "an Altair chart"
    value = _plain(value)
    if isinstance(value, (set, frozenset)):  # a set's repr changes order from run to run
        value = sorted(value, key=repr)
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: Any) -> Any:
    """numpy/pandas scalars as Python ones, so messages read 5 and not np.int64(5)."""
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__.startswith("numpy"):
        try:
            return item()
        except (ValueError, TypeError):
            return value
    return value


def _is_number(value: Any) -> bool:
    value = _plain(value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_chart(value: Any) -> bool:
    try:
        import altair as alt
    except ImportError:  # pragma: no cover
        return False
    return isinstance(value, alt.TopLevelMixin)


# --- fingerprints: checks that do not give the answer away -------------------------------------

def _canonical(value: Any) -> Any:
    import pandas as pd

    value = _plain(value)
    if isinstance(value, pd.DataFrame):
        frame = value.reset_index(drop=True)
        return {"columns": [str(c) for c in frame.columns],
                "rows": [[_canonical(v) for v in row] for row in frame.itertuples(index=False)]}
    if isinstance(value, pd.Series):
        return [_canonical(v) for v in value.tolist()]
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else round(value, 6)
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def fingerprint(value: Any) -> str:
    """A digest of a value (text compared without case and extra spaces; 2002.0 == 2002)."""
    payload = json.dumps(_canonical(value), sort_keys=True, ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class Secret:
    """An expected value known only by its fingerprint, described in words."""

    digest: str
    what: str


def secret(digest: str, what: str) -> Secret:
    """``check(task, answer, secret(fingerprint(2002), "the year the Organization was founded"))``.

    With ``check(..., ordered=False)`` a list answer is compared as a set: make the
    digest with ``fingerprint(set(...))``.
    """
    return Secret(digest, what)


@dataclass(frozen=True)
class Plausible:
    """A visible check for a value the data decides: right kind, sensible range."""

    low: float
    high: float
    what: str

    def compare(self, answer) -> str | None:
        if not _is_number(answer):
            return _compare_numbers(answer, self.low, None)
        if not self.low <= answer <= self.high:
            return f"expected {self.what} between {_fmt(self.low)} and {_fmt(self.high)}; your answer is {_fmt(answer)}"
        return Passed(f"{_fmt(answer)} is {self.what} in the expected range; "
                      "the exact value is checked when your notebook is graded.")


def plausible(low: float, high: float, what: str) -> Plausible:
    """``check(task, answer, plausible(1991, 2025, "a year"))``: a visible check that gives
    nothing away; a hidden check (which the grader runs) compares the exact value."""
    return Plausible(low, high, what)


# --- check: single values, lists, sets, dictionaries ----------------------------------------------

def check(task: str, answer: Any, expected: Any, *, tolerance: float | None = None,
          ordered: bool = True, hint: str = "", points: float = 1) -> None:
    """Compare an answer with the expected value and show what is right or wrong.

    Numbers match within ``tolerance`` (exactly, if None; floats up to rounding);
    text matches without regard to case or extra spaces; lists match item by item
    (in any order with ``ordered=False``); sets and dicts by their contents.
    """
    _run(task, points, hint, answer, lambda: _compare(answer, expected, tolerance, ordered))


def _compare(answer, expected, tolerance=None, ordered=True) -> str | None:
    import pandas as pd

    answer = _plain(answer)
    if isinstance(expected, Plausible):
        return expected.compare(answer)
    if isinstance(expected, Secret):
        if not ordered and _as_list(answer) is not None:
            answer = set(_as_list(answer))
        if fingerprint(answer) == expected.digest:
            return None
        return f"expected {expected.what}; your answer, {show(answer)}, is not it"
    if isinstance(expected, pd.DataFrame):
        return _compare_frames(answer, expected, tolerance=tolerance, sort=not ordered)
    if isinstance(expected, bool):
        if not isinstance(answer, bool):
            return f"expected True or False; your answer is a {_kind(answer)}: {show(answer)}"
        return None if answer == expected else f"expected {expected}; your answer is {answer}"
    if _is_number(expected):
        return _compare_numbers(answer, expected, tolerance)
    if isinstance(expected, str):
        if not isinstance(answer, str):
            return f"expected text such as {show(expected)}; your answer is a {_kind(answer)}: {show(answer)}"
        if _canonical(answer) == _canonical(expected):
            return None
        return f"expected {show(expected)}; your answer is {show(answer)}"
    if isinstance(expected, (set, frozenset)):
        items = _as_list(answer)
        if items is None:
            return f"expected a set or list of {len(expected)} items; your answer is a {_kind(answer)}: {show(answer)}"
        return _compare_sets(items, list(expected))
    if isinstance(expected, (list, tuple)):
        items = _as_list(answer)
        if items is None:
            return f"expected a list of {len(expected)} items; your answer is a {_kind(answer)}: {show(answer)}"
        return _compare_lists(items, list(expected), tolerance, ordered)
    if isinstance(expected, dict):
        if isinstance(answer, pd.Series):
            answer = answer.to_dict()
        if not isinstance(answer, dict):
            return f"expected a dictionary with keys {show(sorted(expected, key=str))}; your answer is a {_kind(answer)}"
        missing = [k for k in expected if k not in answer]
        extra = [k for k in answer if k not in expected]
        if missing or extra:
            parts = ([f"missing key(s) {show(missing)}"] if missing else []) + ([f"unexpected key(s) {show(extra)}"] if extra else [])
            return "your dictionary has " + " and ".join(parts)
        for key in expected:
            problem = _compare(answer[key], expected[key], tolerance)
            if problem:
                return f"for key {key!r}: {problem}"
        return None
    if answer == expected:
        return None
    return f"expected {show(expected)}; your answer is {show(answer)}"


def _compare_numbers(answer, expected, tolerance) -> str | None:
    import pandas as pd

    if isinstance(answer, (pd.Series, pd.DataFrame)) and answer.size == 1:
        return (f"expected a single number; your answer is {show(answer)} holding one value. "
                "Take the value out with .item() or .iloc[0]")
    if isinstance(answer, str):
        try:
            float(answer)
        except ValueError:
            return f"expected a number; your answer is the text {show(answer)}"
        return f"expected a number; your answer is the text {show(answer)}: remove the quotes"
    if not _is_number(answer):
        return f"expected a number; your answer is a {_kind(answer)}: {show(answer)}"
    expected = _plain(expected)
    if tolerance is not None:
        ok = abs(answer - expected) <= tolerance
        within = f" (give or take {_fmt(tolerance)})"
    else:
        floats = isinstance(answer, float) or isinstance(expected, float)
        ok = answer == expected or (floats and math.isclose(answer, expected, rel_tol=1e-9, abs_tol=1e-12))
        within = ""
    if ok:
        return None
    return f"expected {_fmt(expected)}{within}; your answer is {_fmt(answer)}"


def _fmt(number) -> str:
    return repr(_plain(number))


def _as_list(value) -> list | None:
    import pandas as pd

    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, (pd.Series, pd.Index)):
        return [_plain(v) for v in value.tolist()]
    if type(value).__module__.startswith("numpy") and hasattr(value, "tolist"):
        out = value.tolist()
        return out if isinstance(out, list) else None
    return None


def _compare_sets(items: list, expected: list) -> str | None:
    got = {_key(v) for v in items}
    want = {_key(v) for v in expected}
    missing = [v for v in expected if _key(v) not in got]
    extra = [v for v in items if _key(v) not in want]
    if not missing and not extra:
        return None
    parts = []
    if missing:
        parts.append(f"{len(missing)} expected item(s) missing, e.g. {show(sorted(missing, key=repr)[0])}")
    if extra:
        parts.append(f"{len(extra)} item(s) that should not be there, e.g. {show(sorted(extra, key=repr)[0])}")
    return "your answer has " + " and ".join(parts)


def _key(value):
    return json.dumps(_canonical(value), sort_keys=True, default=str)


def _compare_lists(items: list, expected: list, tolerance, ordered) -> str | None:
    if len(items) != len(expected):
        return f"expected {len(expected)} item(s); your list has {len(items)}"
    if not ordered:
        return _compare_sets(items, expected)
    for n, (got, want) in enumerate(zip(items, expected), start=1):
        problem = _compare(got, want, tolerance)
        if problem:
            return f"item {n}: {problem}"
    return None


# --- check_frame: tables --------------------------------------------------------------------------

def check_frame(task: str, df: Any, *, expected: Any = None, columns: list[str] | None = None,
                rows: int | None = None, sort: bool = False, tolerance: float | None = None,
                hint: str = "", points: float = 1) -> None:
    """Check a table: that it is a DataFrame, its columns (any order), its number of rows,
    and -- with ``expected`` (a DataFrame or a :func:`secret`) -- its values.

    ``sort=True`` compares rows in any order; the index is ignored.
    """
    def compare():
        problem = _frame_shape(df, columns, rows)
        if problem or expected is None:
            return problem
        if isinstance(expected, Secret):
            frame = df[columns] if columns else df
            if fingerprint(_sorted(frame) if sort else frame) == expected.digest:
                return None
            return (f"your table has the expected shape, but its values are not {expected.what}")
        return _compare_frames(df, expected, tolerance=tolerance, sort=sort)

    _run(task, points, hint, df, compare)


def _frame_shape(df, columns, rows) -> str | None:
    import pandas as pd

    if isinstance(df, pd.Series):
        return (f"expected a table (DataFrame); your answer is {show(df)}. "
                "After a groupby, .reset_index() turns a Series into a table")
    if not isinstance(df, pd.DataFrame):
        return f"expected a table (DataFrame); your answer is a {_kind(df)}: {show(df)}"
    if columns is not None:
        have = [str(c) for c in df.columns]
        if sorted(have) != sorted(map(str, columns)):
            in_index = [c for c in columns if c not in have and c in [str(n) for n in df.index.names]]
            text = (f"expected a table with {len(columns)} column{'s' if len(columns) != 1 else ''} "
                    f"({', '.join(columns)}); your table has {len(have)} "
                    f"column{'s' if len(have) != 1 else ''} ({', '.join(have)})")
            if in_index:
                text += f". {', '.join(in_index)} is in the index: use .reset_index()"
            return text
    if rows is not None and len(df) != rows:
        return f"expected {rows} row{'s' if rows != 1 else ''}; your table has {len(df)}"
    return None


def _sorted(frame):
    return frame.sort_values(list(frame.columns), kind="stable", key=_sort_key).reset_index(drop=True)


def _sort_key(column):
    # As plain objects: a categorical column would otherwise sort by category order,
    # and the same values typed as text would sort differently.
    return column.astype(object).map(_key)


def _compare_frames(df, expected, *, tolerance=None, sort=False) -> str | None:
    problem = _frame_shape(df, [str(c) for c in expected.columns], len(expected))
    if problem:
        return problem
    got = df[[c for c in expected.columns]]
    want = expected
    if sort:
        got, want = _sorted(got), _sorted(want)
    got, want = got.reset_index(drop=True), want.reset_index(drop=True)
    first = str(want.columns[0])
    for i in range(len(want)):
        for col in want.columns:
            a, e = _plain(got.at[i, col]), _plain(want.at[i, col])
            if _missing(a) and _missing(e):
                continue
            if _is_number(e) and _is_number(a):
                problem = _compare_numbers(a, e, tolerance)
            elif _canonical(a) == _canonical(e):
                problem = None
            else:
                problem = f"expected {show(e)}, yours is {show(a)}"
            if problem:
                where = f"row {i + 1}" + (f" ({first} = {show(_plain(want.at[i, first]))})" if col != first else "")
                return f"{where}, column {col!r}: {problem}"
    return None


def _missing(value) -> bool:
    import pandas as pd

    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --- check_chart: Altair charts ---------------------------------------------------------------

MARK_WORDS = {"bar": "bar chart", "line": "line chart", "point": "scatter plot (points)",
              "circle": "scatter plot (circles)", "area": "area chart", "rule": "rule chart",
              "tick": "tick chart", "rect": "heat map (rect)", "text": "text chart", "arc": "pie chart"}


def check_chart(task: str, chart: Any, *, mark: str | None = None,
                encodings: dict[str, str] | None = None, title: bool = True,
                tooltip: bool = False, hint: str = "", points: float = 1) -> None:
    """Check an Altair chart: its mark, the field on each channel (``{"x": "year"}``;
    ``"count()"`` for a count), that it has a title and, if asked, tooltips."""
    _run(task, points, hint, chart, lambda: _compare_chart(chart, mark, encodings or {}, title, tooltip))


def _compare_chart(chart, mark, encodings, title, tooltip) -> str | None:
    if not _is_chart(chart):
        return f"expected an Altair chart; your answer is a {_kind(chart)}: {show(chart)}"
    try:
        spec = chart.to_dict()
    except Exception as exc:  # noqa: BLE001
        return f"Altair cannot draw your chart: {_first_line(str(exc))}"
    views = _views(spec)
    if title and not _has_title(spec) and not any(_has_title(v) for v in views):
        return "your chart has no title: give one with alt.Chart(data, title=\"...\")"
    problems = []
    for view in views:
        problems = _view_problems(view, mark, encodings, tooltip)
        if not problems:
            return None
    return problems[0] if problems else "your chart has no marks"


def _views(spec: dict) -> list[dict]:
    if "mark" in spec:
        return [spec]
    out = []
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key, []):
            out += _views(sub)
    if "spec" in spec:
        out += _views(spec["spec"])
    return out


def _has_title(spec: dict) -> bool:
    t = spec.get("title")
    if isinstance(t, dict):
        t = t.get("text")
    if isinstance(t, list):
        t = " ".join(t)
    return bool(t and str(t).strip())


def _view_problems(view: dict, mark, encodings, tooltip) -> list[str]:
    problems = []
    got_mark = view.get("mark")
    got_mark = got_mark.get("type") if isinstance(got_mark, dict) else got_mark
    if mark and got_mark != mark:
        problems.append(f"expected a {MARK_WORDS.get(mark, mark)} (mark_{mark}); "
                        f"yours is a {MARK_WORDS.get(got_mark, got_mark)} (mark_{got_mark})")
    enc = view.get("encoding", {})
    for channel, field in encodings.items():
        have = _field_of(enc.get(channel))
        if have is None:
            problems.append(f"expected {field} on the {channel} channel; your chart has nothing there "
                            f"(add {channel}=\"{field}\" to .encode())")
        elif have != field:
            problems.append(f"expected {field} on the {channel} channel; your chart has {have} there")
    if tooltip and "tooltip" not in enc:
        problems.append("your chart has no tooltips: add tooltip=[...] to .encode()")
    return problems


def _field_of(channel) -> str | None:
    if channel is None:
        return None
    if isinstance(channel, list):
        return ", ".join(filter(None, (_field_of(c) for c in channel)))
    if not isinstance(channel, dict):
        return str(channel)
    if channel.get("aggregate") == "count" and "field" not in channel:
        return "count()"
    field = channel.get("field")
    if isinstance(field, dict):  # repeat
        field = next(iter(field.values()), None)
    if channel.get("timeUnit") and field:
        unit = channel["timeUnit"]
        unit = unit.get("unit") if isinstance(unit, dict) else unit
        return f"{unit}({field})"
    return field if field is not None else ("a constant value" if "value" in channel or "datum" in channel else None)


# --- the book: records are for the grader, not the reader ----------------------------------------

class CheckMime:
    """myst-nb mime plugin: the check record is dropped quietly from the book (the text
    line beside it is what a reader sees) instead of being warned about as unknown."""

    mime_priority_overrides = [("*", CHECK_MIME, None)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        return [] if data.mime_type == CHECK_MIME else None
