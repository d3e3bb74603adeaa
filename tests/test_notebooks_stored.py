"""nbval compares only cells that were stored executed: make sure they all were."""

from __future__ import annotations

import json

import pytest

from csto_course import ROOT
from csto_course.notebooks import course_notebooks, draft_of, execute, in_step_with_draft

NOTEBOOKS = course_notebooks()


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebook found under book/, notebooks/ or exercises/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_stored_executed_without_errors_or_volatile_state(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    unexecuted = [i for i, c in enumerate(code) if c.get("execution_count") is None]
    errors = [i for i, c in enumerate(code) if any(o["output_type"] == "error" for o in c["outputs"])]
    assert not unexecuted, f"{path.name}: code cells {unexecuted} are stored unexecuted: run 'make execute'"
    assert not errors, f"{path.name}: code cells {errors} store an error"
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), f"{path.name}: not run top to bottom in one go: {counts}"
    assert "widgets" not in nb["metadata"], f"{path.name}: stores widget state (random ids)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_is_made_from_its_draft(path):
    draft = draft_of(path)
    assert draft.exists(), f"{path.name}: no draft at {draft.relative_to(ROOT)}"
    assert in_step_with_draft(path), (
        f"{path.relative_to(ROOT)} differs from {draft.relative_to(ROOT)}: "
        f"run 'make execute' (or 'csto-course execute {path.relative_to(ROOT)}')"
    )


def test_execute_is_deterministic_and_matches_the_committed_notebook(tmp_path):
    """`make execute` twice changes no byte (shown on the introduction: text, table,
    chart and quiz outputs)."""
    committed = ROOT / "book" / "introduction.ipynb"
    copy = tmp_path / committed.name
    runs = []
    for _ in range(2):
        execute(copy)
        runs.append(copy.read_bytes())
    assert runs[0] == runs[1], "a second run changed the notebook"
    assert runs[0] == committed.read_bytes(), "book/introduction.ipynb is not its draft's output: run 'make execute'"
