"""Grading crafted submissions: complete, empty, wrong, crashing, endless, not a notebook,
cells deleted or moved. Each submission runs in its own kernel, so this file holds
few grading runs, each over many submissions at once."""

from __future__ import annotations

import csv
import json

import nbformat
import pytest

from csto_course import ROOT, cli
from csto_course.assignments import role, student_notebook, tasks
from csto_course.data import load
from csto_course.grading import grade

EXERCISE = ROOT / "exercises" / "00-introduction.ipynb"
FULL = nbformat.read(EXERCISE, as_version=4)
CODE_TASKS = [t["task"] for t in tasks(FULL) if t["kind"] == "code"]
WRITTEN = [t["task"] for t in tasks(FULL) if t["kind"] == "written"]


def _student():
    return student_notebook(FULL)


def _complete():
    """A student's notebook with every answer given (solutions copied in, markers gone)."""
    nb = _student()
    full = {c["id"]: c for c in FULL.cells}
    for c in nb.cells:
        if role(c) == "solution":
            c.source = "\n".join(ln for ln in full[c["id"]].source.splitlines() if "###" not in ln)
        if role(c) == "answer":
            c.source = f"My answer to {c.metadata['csto']['task']}: the essay cites a 2012 book."
    return nb


def _set(nb, cell_id, source):
    next(c for c in nb.cells if c["id"] == cell_id).source = source
    return nb


def _write(folder, name, nb):
    path = folder / name
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    subs = []
    # complete, with a helper cell of the student's own, a tampered check and a scratch cell
    nb = _complete()
    helper = nbformat.v4.new_code_cell("def newest_first(df):\n    return df.sort_values('written', ascending=False)")
    nb.cells.insert(2, helper)
    _set(nb, "task-1-check", 'print("✔ Task 1 (readings-by-date): correct.")')  # graded with the course's check anyway
    subs.append(_write(folder, "alice.ipynb", nb))
    (folder / "bob").mkdir()
    subs.append(_write(folder / "bob", "00-introduction.ipynb", _student()))  # empty: the student version as is
    wrong = _complete()
    _set(wrong, "task-1-solution", "readings_by_date = newest_first(readings[['id', 'genre', 'written']])\n"
                                   "def newest_first(df): pass")  # NameError in the student's own cell
    _set(wrong, "task-2-solution", "years_apart = 13")
    _set(wrong, "task-4-solution", "by_kind = sources['kind'].value_counts()")  # a Series, not a table
    second_busiest = int(load("events")["date"].dt.year.value_counts().index[1])  # the data grows
    _set(wrong, "task-6-solution", f"busiest_year = {second_busiest}")  # passes the visible check, fails the hidden one
    subs.append(_write(folder, "carol-00-introduction.ipynb", wrong))
    crash = _complete()
    _set(crash, "task-3-solution", "undated = None\nraise RuntimeError('boom')")
    subs.append(_write(folder, "dave.ipynb", crash))
    moved = _complete()
    moved.cells = [c for c in moved.cells if c["id"] not in ("task-2-solution", "task-8-model-answer", "task-5-check")]
    i = next(i for i, c in enumerate(moved.cells) if c["id"] == "task-6-solution")
    moved.cells.insert(1, moved.cells.pop(i))
    subs.append(_write(folder, "erin.ipynb", moved))
    (folder / "frank.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n\x00garbage\xff")
    (folder / "grace.ipynb").write_text(json.dumps({"cells": "nope", "hello": 1}), encoding="utf-8")
    (folder / "heidi.ipynb").write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                                    "cells": []}), encoding="utf-8")
    out = folder / "out" / "grades.csv"
    results = grade(subs + [folder / n for n in ("frank.ipynb", "grace.ipynb", "heidi.ipynb")], out,
                    timeout=90, progress=False)
    rows = {r["student"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    return rows, out, results


def test_rows_in_input_order_with_task_columns(graded):
    rows, out, results = graded
    header = next(csv.reader(out.open(encoding="utf-8")))
    assert header[:9] == ["student", "file", "exercise", "status", "tasks_passed", "tasks_total",
                          "score", "max_score", "message"]
    assert header[9:] == CODE_TASKS + WRITTEN
    assert [g.student for g in results] == ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]


def test_complete(graded):
    row = graded[0]["alice"]
    assert (row["status"], row["tasks_passed"], row["tasks_total"], row["score"]) == ("ok", "6", "6", "6", )
    assert all(row[t] == "pass" for t in CODE_TASKS) and all(row[t] == "to mark" for t in WRITTEN)
    assert row["message"] == ""


def test_empty_is_not_done(graded):
    row = graded[0]["bob"]
    assert (row["status"], row["tasks_passed"], row["score"], row["file"]) == ("ok", "0", "0", "00-introduction.ipynb")
    assert all(row[t] == "todo" for t in CODE_TASKS) and all(row[t] == "blank" for t in WRITTEN)


def test_wrong_answers(graded):
    rows, out, _ = graded
    row = rows["carol"]
    assert row["status"] == "error" and "NameError in code cell" in row["message"]
    assert [row[t] for t in CODE_TASKS] == ["fail", "fail", "pass", "fail", "fail", "fail"]
    assert row["score"] == "1"
    feedback = (out.parent / "grades-feedback" / "carol.md").read_text(encoding="utf-8")
    assert "expected 14; your answer is 13" in feedback  # the hidden check's words
    assert "Hint:" in feedback and "Traceback" not in feedback


def test_crashing_cell(graded):
    row = graded[0]["dave"]
    assert row["status"] == "error"
    assert row["message"].startswith("RuntimeError in code cell") and "the other tasks were graded" in row["message"]
    assert row["3 undated-readings"] == "todo" and row["tasks_passed"] == "5"


def test_cells_deleted_and_moved(graded):
    row = graded[0]["erin"]
    assert row["status"] == "ok"
    assert "Cells were moved" in row["message"] and "2 years-apart" in row["message"]
    assert row["2 years-apart"] == "missing" and row["8 two-standpoints"] == "blank"
    assert row["5 sources-chart"] == "pass"  # its check cell was deleted: the course's check ran
    assert row["6 busiest-year"] == "pass" and row["tasks_passed"] == "5"


@pytest.mark.parametrize("student, words", [("frank", "not JSON"), ("grace", "JSON without notebook cells"),
                                            ("heidi", "cannot tell which exercise")])
def test_not_a_notebook(graded, student, words):
    row = graded[0][student]
    assert row["status"] == "invalid" and words in row["message"]
    assert (graded[1].parent / "grades-feedback" / f"{student}.md").exists()


def test_feedback_file_per_student(graded):
    rows, out, _ = graded
    folder = out.parent / "grades-feedback"
    assert sorted(p.stem for p in folder.glob("*.md")) == sorted(rows)
    text = (folder / "alice.md").read_text(encoding="utf-8")
    assert "6 of 6 checked tasks passed" in text and "to be marked by your instructor" in text
    assert "> My answer to 7 dating-the-essay" in text


def test_endless_loop_times_out_through_the_cli(tmp_path, capsys):
    endless = _set(_complete(), "task-1-solution", "readings_by_date = None\nwhile True:\n    pass")
    path = _write(tmp_path, "ivan.ipynb", endless)
    out = tmp_path / "grades.csv"
    assert cli.main(["grade", str(path), "--out", str(out), "--timeout", "8"]) == 0
    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert row["status"] == "timeout" and "time limit of 8 s in code cell 2 (task 1 readings-by-date)" in row["message"]
    assert row["1 readings-by-date"] == "not run" and row["2 years-apart"] == "not run"
    err = capsys.readouterr().err
    assert "[1/1] ivan.ipynb: 0/6 tasks (timeout)" in err
