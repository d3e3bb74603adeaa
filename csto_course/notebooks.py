"""The course's notebooks: written as MyST Markdown drafts, committed executed.

Authors edit ``drafts/NAME.md`` (``drafts/exercises/NAME.md`` for an exercise set),
readable and reviewable as text. :func:`execute` turns a draft into its notebook
with stable cell ids and runs it in place, so that a second run changes no byte:
nbconvert's ``--execute --inplace`` would store widget state and per-cell timings,
and jupytext would give every cell a random id.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from . import ROOT

NOTEBOOK_DIRS = ("book", "notebooks", "exercises")
DRAFTS = ROOT / "drafts"
TIMEOUT_SECONDS = 300
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def course_notebooks(root: Path = ROOT) -> list[Path]:
    """Every notebook of the course, in a stable order (checkpoints and builds left out)."""
    found = []
    for folder in NOTEBOOK_DIRS:
        found += [p for p in sorted((root / folder).rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]
    return found


def draft_of(notebook: Path) -> Path:
    """The Markdown draft a notebook is made from."""
    sub = "exercises" if notebook.resolve().parent.name == "exercises" else ""
    return DRAFTS / sub / f"{notebook.stem}.md"


def from_draft(draft: Path) -> nbformat.NotebookNode:
    """The (unexecuted) notebook a draft describes, with ids that stay put from run to run."""
    if not draft.exists():
        raise FileNotFoundError(f"{draft}: no such draft (every notebook is made from one)")
    nb = jupytext.read(draft, fmt="md:myst")  # drafts are MyST notebooks, whatever their header says
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
    if draft.parent.name == "exercises":
        from .assignments import prepare

        prepare(nb)  # ids the grader matches student cells by, and nbgrader metadata
    else:
        for n, cell in enumerate(nb.cells):
            cell.id = f"cell-{n:03d}"
    return nb


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _strip_volatile(nb: nbformat.NotebookNode) -> None:
    """Drop what changes from run to run: timings, widget state, and widget views,
    whose model ids are random and whose state is not kept (a stored quiz keeps its
    static HTML; run the cell to get the live widget)."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)


def execute(path: Path) -> None:
    """Make ``path`` afresh from its draft, run every cell in a new kernel in the
    notebook's folder, and save it."""
    nb = from_draft(draft_of(path))
    NotebookClient(
        nb,
        timeout=TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=False,
    ).execute()
    _strip_volatile(nb)
    nbformat.write(nb, path)


def in_step_with_draft(path: Path) -> bool:
    """True if the committed notebook holds exactly the cells its draft makes."""

    def cells(nb):
        return [(c.cell_type, c.id, c.source, c.metadata.get("tags", [])) for c in nb.cells]

    return cells(nbformat.read(path, as_version=4)) == cells(from_draft(draft_of(path)))
