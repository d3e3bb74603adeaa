"""Student versions: they run top to bottom, every check says "not done yet", and no
solution text leaks into them; assignment packs run outside the repository."""

from __future__ import annotations

import json
import re
import zipfile

import nbformat
import pytest
from nbclient import NotebookClient

from csto_course import ROOT
from csto_course.assignments import (ANSWER_STUB, CODE_STUB, ExerciseError, build_pack, exercise_notebooks,
                                     role, solution_lines, strip_blocks, student_notebook, task_of, tasks)
from csto_course.exercises import CHECK_MIME

EXERCISES = exercise_notebooks()
IDS = [p.stem for p in EXERCISES]


def test_there_are_exercises():
    assert EXERCISES, "no exercise notebook in exercises/"


def _records(nb):
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if CHECK_MIME in o.get("data", {}):
                out.append((cell.get("id"), o["data"][CHECK_MIME], o["data"]["text/plain"]))
    return out


def _run(nb, path):
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path)}}).execute()
    return nb


@pytest.mark.parametrize("path", EXERCISES, ids=IDS)
def test_full_version_follows_the_conventions(path):
    nb = nbformat.read(path, as_version=4)
    meta = nb.metadata.get("csto", {})
    assert meta.get("exercise") == path.stem and meta.get("title") and meta.get("objectives")
    found = tasks(nb)
    assert 4 <= len(found) <= 8, f"{len(found)} tasks: an exercise set has 4 to 8"
    assert any(t["kind"] == "code" for t in found) and any(t["kind"] == "written" for t in found)
    ids = [c.get("id") for c in nb.cells]
    assert len(ids) == len(set(ids)), "cell ids must be unique (the grader finds answers by id)"
    for t in found:
        cells = [c for c in nb.cells if task_of(c) == t["task"]]
        roles = [role(c) for c in cells]
        if t["kind"] == "code":
            assert "solution" in roles and "check" in roles, f"task {t['task']}: needs a solution and a visible check"
        else:
            assert "model-answer" in roles, f"task {t['task']}: needs a model answer"
            answer = next(c for c in cells if role(c) == "model-answer")
            assert "Rubric" in answer.source and "{dropdown}" in answer.source
        for c in cells:  # nbgrader can take the files as they are
            if role(c) in ("solution", "model-answer", "check", "hidden-check"):
                assert c.metadata["nbgrader"]["grade_id"] == c["id"]
            if role(c) == "solution":
                assert "hide-cell" in c.metadata.get("tags", []), "solutions (code and output) are collapsed in the book"
                first = c.source.splitlines()[0]
                assert re.fullmatch(r"\w+ = None", first), f"task {t['task']}: start with '<answer> = None'"
            if role(c) == "hidden-check":
                assert "remove-cell" in c.metadata.get("tags", [])


@pytest.mark.parametrize("path", EXERCISES, ids=IDS)
def test_student_version_leaks_no_solution(path):
    full = nbformat.read(path, as_version=4)
    student = student_notebook(full)
    text = json.dumps(student, ensure_ascii=False)
    raw = "\n".join(c.source for c in student.cells)
    secrets = solution_lines(full)
    assert secrets, "found no solution text to look for"
    leaked = [line for line in secrets if line in raw or json.dumps(line)[1:-1] in text]
    assert not leaked, f"solution text in the student version: {leaked[:3]}"
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert not any(role(c) in ("hidden-check", "model-answer") for c in student.cells)
    assert all(c.get("outputs", []) == [] for c in student.cells if c.cell_type == "code")
    n_written = sum(1 for t in tasks(full) if t["kind"] == "written")
    assert sum(1 for c in student.cells if c.source == ANSWER_STUB) == n_written
    stubs = sum(c.source.count(CODE_STUB) for c in student.cells if c.cell_type == "code")
    assert stubs == sum(1 for c in full.cells if role(c) == "solution")


@pytest.mark.parametrize("path", EXERCISES, ids=IDS)
def test_student_version_runs_and_every_check_is_not_done_yet(path, tmp_path):
    full = nbformat.read(path, as_version=4)
    student = _run(student_notebook(full), path.parent)
    errors = [o for c in student.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors
    records = _records(student)
    visible = [c.get("id") for c in student.cells if role(c) == "check"]
    assert {cid for cid, _, _ in records} == set(visible), "every visible check cell reports"
    not_done = [text for _, rec, text in records if rec["status"] != "todo"]
    assert not not_done, f"checks that are not 'not done yet' in the student version: {not_done}"
    assert all("not done yet" in text for _, _, text in records)


def test_strip_blocks_keeps_indent_and_rejects_broken_markers():
    src = "x = None\nif True:\n    ### BEGIN SOLUTION\n    x = 1\n    ### END SOLUTION\nx"
    out, removed = strip_blocks(src, "### BEGIN SOLUTION", "### END SOLUTION", CODE_STUB)
    assert out == "x = None\nif True:\n    # YOUR CODE HERE\nx" and removed == ["    x = 1"]
    for broken in ("### BEGIN SOLUTION\nx = 1", "x = 1\n### END SOLUTION",
                   "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION"):
        with pytest.raises(ExerciseError):
            strip_blocks(broken, "### BEGIN SOLUTION", "### END SOLUTION", CODE_STUB)


def test_assignment_pack_runs_outside_the_repository(tmp_path):
    chapters = [0]
    pack, key = build_pack(chapters, tmp_path / "week1.zip", due="2026-10-12", workdir=tmp_path)
    assert key == tmp_path / "week1-key.zip"
    with zipfile.ZipFile(pack) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path / "unpacked")
    with zipfile.ZipFile(key) as zf:
        key_names = zf.namelist()
    folder = tmp_path / "unpacked" / "week1"
    for needed in ("HANDOUT.md", "requirements.txt", "csto_course/exercises.py", "csto_course/data.py",
                   "data/datapackage.json", "data/sources.csv", "00-introduction.ipynb",
                   "exercises-00-introduction.ipynb"):
        assert f"week1/{needed}" in names, needed
    assert not any("exercises/" in n or n.endswith("-key.md") for n in names)
    assert "week1-key/ANSWER-KEY.md" in key_names and "week1-key/00-introduction.ipynb" in key_names
    handout = (folder / "HANDOUT.md").read_text(encoding="utf-8")
    assert "**Due:** Monday 12 October 2026" in handout
    full = nbformat.read(ROOT / "exercises" / "00-introduction.ipynb", as_version=4)
    for t in tasks(full):
        assert f"Task {t['task'].split()[0]}:" in handout
    for objective in full.metadata["csto"]["objectives"]:
        assert objective in handout
    pins = (folder / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^pandas==\d", pins, re.M) and re.search(r"^altair==\d", pins, re.M)
    # Leak scan of everything a student gets.
    student_text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*")
                             if p.is_file() and p.suffix in (".ipynb", ".md", ".py", ".txt"))
    leaked = [line for line in solution_lines(full) if line in student_text]
    assert not leaked, leaked[:3]
    # The pack runs from its own folder, with its own copy of the package and data.
    nb = nbformat.read(folder / "exercises-00-introduction.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import csto_course; print(csto_course.ROOT)"))
    _run(nb, folder)
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert nb.cells[-1].outputs[0]["text"].strip() == str(folder)
    assert all(rec["status"] == "todo" for _, rec, _ in _records(nb))
