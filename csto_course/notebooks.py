"""Execute notebooks in place so that a second run changes no byte.

nbconvert's ``--execute --inplace`` stores widget state and per-cell timings,
which change on every run; nbclient plus dropping that metadata does not.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from . import ROOT

NOTEBOOK_DIRS = ("book", "notebooks", "exercises")
TIMEOUT_SECONDS = 300


def course_notebooks(root: Path = ROOT) -> list[Path]:
    """Every notebook of the course, in a stable order (checkpoints and builds left out)."""
    found = []
    for folder in NOTEBOOK_DIRS:
        found += [p for p in sorted((root / folder).rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]
    return found


def _strip_volatile(nb: nbformat.NotebookNode) -> None:
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)


def execute(path: Path) -> None:
    """Run every cell of ``path`` in a fresh kernel, in the notebook's folder, and save it."""
    nb = nbformat.read(path, as_version=4)
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
