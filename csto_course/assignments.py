"""Exercise notebooks for students and instructors: student versions, packs, handouts.

An exercise notebook (``exercises/NN-slug.ipynb``) is the instructor's *full* version:

* a task is a markdown cell tagged ``task`` whose metadata names it
  (``"csto": {"task": "2 events-per-year"}``); the cells after it, up to the next
  task, belong to it;
* code answers sit between nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION``
  markers, after a line that sets the answer to ``None``;
* written answers are markdown cells tagged ``model-answer`` (model answer and rubric);
* checks are code cells calling ``check``/``check_frame``/``check_chart``; cells tagged
  ``hidden-check`` hold checks the student never sees (the grader runs them).

:func:`student_notebook` makes the student version: solution blocks become
``# YOUR CODE HERE`` (the answer stays ``None``, so its check says "not done yet"),
model answers become an empty answer cell tagged ``answer``, hidden checks go,
outputs are cleared. Cell ids are kept: the grader uses them to find a student's
answers even when cells were moved.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import nbformat

from . import ROOT

EXERCISE_DIR = ROOT / "exercises"

SOLUTION_BEGIN, SOLUTION_END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_STUB = "# YOUR CODE HERE"
ANSWER_STUB = "*Write your answer here.*"
TAG_TASK, TAG_MODEL, TAG_ANSWER, TAG_HIDDEN = "task", "model-answer", "answer", "hidden-check"
# Tags that only shape the full version in the book; a student's cells must show.
BOOK_TAGS = {"hide-input", "hide-cell", "hide-output", "remove-cell", "remove-input", "remove-output"}
CHECK_CALL = re.compile(r"\bcheck(?:_frame|_chart)?\(\s*[\"']([^\"']+)[\"']")


class ExerciseError(ValueError):
    """An exercise notebook that breaks the conventions above."""


# --- reading a full version ---------------------------------------------------------------------

def exercise_notebooks(folder: Path = EXERCISE_DIR) -> list[Path]:
    return [p for p in sorted(Path(folder).glob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]


def exercise_name(nb: nbformat.NotebookNode, path: Path | None = None) -> str | None:
    name = nb.get("metadata", {}).get("csto", {}).get("exercise")
    return name or (path.stem if path is not None else None)


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def role(cell) -> str:
    """What a cell is: task, solution, model-answer, answer, check, hidden-check or other."""
    t = tags(cell)
    src = cell.get("source", "")
    if TAG_HIDDEN in t:
        return "hidden-check"
    if cell.get("cell_type") == "markdown":
        if TAG_MODEL in t:
            return "model-answer"
        if TAG_ANSWER in t:
            return "answer"
        if TAG_TASK in t:
            return "task"
        return "other"
    if cell.get("cell_type") == "code":
        if SOLUTION_BEGIN in src:
            return "solution"
        if CODE_STUB in src and cell.get("metadata", {}).get("csto", {}).get("task"):
            return "solution"
        if CHECK_CALL.search(src):
            return "check"
    return "other"


def task_of(cell) -> str | None:
    return cell.get("metadata", {}).get("csto", {}).get("task")


def tasks(nb) -> list[dict]:
    """The tasks of a notebook in order: id, kind (code/written), statement, checks."""
    out: dict[str, dict] = {}
    for cell in nb.cells:
        task = task_of(cell)
        if not task:
            continue
        entry = out.setdefault(task, {"task": task, "kind": "code", "statement": "",
                                      "checks": [], "points": 1, "rubric": ""})
        r = role(cell)
        if r == "task":
            entry["statement"] = cell.source
            entry["points"] = cell.metadata.get("csto", {}).get("points", 1)
        elif r in ("model-answer", "answer"):
            entry["kind"] = "written"
            if r == "model-answer":
                entry["rubric"] = cell.source
        elif r in ("check", "hidden-check"):
            entry["checks"] += CHECK_CALL.findall(cell.source)
    return list(out.values())


# --- the student version ----------------------------------------------------------------------

def strip_blocks(source: str, begin: str, end: str, stub: str | None) -> tuple[str, list[str]]:
    """Replace each begin/end block with ``stub`` (same indent; None: drop it).

    Returns the new source and the removed lines; raises ExerciseError on a block
    that is not closed or an end without a begin.
    """
    out, removed, inside, indent = [], [], False, ""
    for line in source.splitlines():
        mark = line.strip()
        if mark == begin:
            if inside:
                raise ExerciseError(f"'{begin}' inside another block")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            if stub is not None:
                out.append(indent + stub)
        elif mark == end:
            if not inside:
                raise ExerciseError(f"'{end}' without '{begin}'")
            inside = False
        elif inside:
            removed.append(line)
        else:
            out.append(line)
    if inside:
        raise ExerciseError(f"'{begin}' is never closed by '{end}'")
    return "\n".join(out), removed


def _student_cell(cell):
    cell = copy.deepcopy(cell)
    md = cell.setdefault("metadata", {})
    if "tags" in md:
        md["tags"] = [t for t in md["tags"] if t not in BOOK_TAGS]
        if not md["tags"]:
            del md["tags"]
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
        cell.source, _ = strip_blocks(cell.source, SOLUTION_BEGIN, SOLUTION_END, CODE_STUB)
        cell.source, _ = strip_blocks(cell.source, HIDDEN_BEGIN, HIDDEN_END, None)
    return cell


def student_notebook(nb) -> nbformat.NotebookNode:
    """The student version of a full exercise notebook (a new notebook; ``nb`` is untouched)."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        r = role(cell)
        if r == "hidden-check":
            continue
        if r == "model-answer":
            answer = nbformat.v4.new_markdown_cell(ANSWER_STUB)
            answer["id"] = cell.get("id", answer["id"])
            answer.metadata = {"tags": [TAG_ANSWER], "csto": dict(cell.metadata.get("csto", {}))}
            if "nbgrader" in cell.metadata:
                answer.metadata["nbgrader"] = dict(cell.metadata["nbgrader"])
            cells.append(answer)
            continue
        cells.append(_student_cell(cell))
    out.cells = cells
    out.metadata.setdefault("csto", {})["version"] = "student"
    return out


def solution_lines(nb) -> list[str]:
    """Every non-trivial line a student version must not contain: solution blocks,
    hidden checks and model answers (for leak tests)."""
    lines = []
    for cell in nb.cells:
        r = role(cell)
        if r == "solution":
            _, removed = strip_blocks(cell.source, SOLUTION_BEGIN, SOLUTION_END, CODE_STUB)
            lines += removed
        elif r == "hidden-check":
            lines += cell.source.splitlines()
        elif r == "model-answer":
            lines += cell.source.splitlines()
        if cell.cell_type == "code":
            _, removed = strip_blocks(cell.source, HIDDEN_BEGIN, HIDDEN_END, None)
            lines += removed
    # Text the student version shows anyway (a visible check that starts like a hidden
    # one, the markers) is no secret.
    public = "\n".join(c.source for c in student_notebook(nb).cells)
    keep = []
    for line in lines:
        text = line.strip()
        if text in (SOLUTION_BEGIN, SOLUTION_END, HIDDEN_BEGIN, HIDDEN_END) or text in public:
            continue
        # Lines too short or too generic to identify a solution ("```", ":::", ")").
        if len(re.sub(r"[^A-Za-z0-9]", "", text)) >= 8 and text not in keep:
            keep.append(text)
    return keep


def write_student_versions(paths: list[Path], out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        target = out_dir / Path(path).name
        nbformat.write(student_notebook(nb), target)
        written.append(target)
    return written


# --- authoring: drafts in MyST markdown -> full notebooks -----------------------------------

def prepare(nb) -> None:
    """Assign tasks, ids and nbgrader metadata in place (idempotent)."""
    current = None
    for n, cell in enumerate(nb.cells):  # first pass: which task each cell belongs to
        r = role(cell)
        if r == "task":
            current = task_of(cell)
            if not current:
                raise ExerciseError(f"cell {n}: a task cell needs metadata csto.task")
        elif r == "other" and cell.cell_type == "markdown" and cell.source.lstrip().startswith("## "):
            current = None  # a new section ends the task
        calls = CHECK_CALL.findall(cell.source) if cell.cell_type == "code" else []
        if calls and any(c != current for c in calls):
            raise ExerciseError(f"cell {n}: checks {calls} sit under task {current!r}")
        if current and r != "other":
            cell.metadata.setdefault("csto", {})["task"] = current
    seen: set[str] = set()
    for cell in nb.cells:  # second pass: stable ids, nbgrader metadata
        r, task = role(cell), task_of(cell)
        number, _ = _split(task) if task else ("", "")
        if task and r != "other":
            base = f"task-{number or 'x'}" + ("" if r == "task" else f"-{r}")
        else:
            base = f"cell-{cell.cell_type}"
        cid, k = base, 1
        while cid in seen or (cid == base and base.startswith("cell-")):
            k += 1 if cid in seen or cid != base else 0
            cid = f"{base}-{k}"
        seen.add(cid)
        cell["id"] = cid
        points = _points(nb, task)
        if r == "solution":
            cell.metadata["nbgrader"] = _nbg(cid, solution=True, grade=False)
        elif r == "model-answer":
            cell.metadata["nbgrader"] = _nbg(cid, solution=True, grade=True, points=points)
        elif r in ("check", "hidden-check"):
            share = sum(1 for c in nb.cells if task_of(c) == task and role(c) in ("check", "hidden-check"))
            cell.metadata["nbgrader"] = _nbg(cid, solution=False, grade=True, locked=True,
                                             points=round(points / (share or 1), 4))
        if r == "hidden-check":
            t = cell.metadata.setdefault("tags", [])
            if "remove-cell" not in t:
                t.append("remove-cell")


def _split(task: str) -> tuple[str, str]:
    from .exercises import split_task

    return split_task(task)


def _points(nb, task) -> float:
    for cell in nb.cells:
        if role(cell) == "task" and task_of(cell) == task:
            return cell.metadata.get("csto", {}).get("points", 1)
    return 1


def _nbg(grade_id, *, solution, grade, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution}
    if grade:
        meta["points"] = points
    return meta


# --- packs ---------------------------------------------------------------------------------------

PACK_REQUIREMENTS = ("altair", "pandas", "numpy", "narwhals", "PyYAML", "jsonschema",
                     "ipywidgets", "ipykernel")


def chapter_files(chapter: int, root: Path = ROOT) -> tuple[Path, Path]:
    """The chapter's notebook and its full exercise notebook (chapter 0: the introduction)."""
    if chapter == 0:
        page = root / "book" / "introduction.ipynb"
    else:
        found = sorted((root / "notebooks").glob(f"{chapter:02d}-*.ipynb"))
        if not found:
            raise ExerciseError(f"chapter {chapter} has no notebook yet (notebooks/{chapter:02d}-*.ipynb)")
        page = found[0]
    ex = sorted((root / "exercises").glob(f"{chapter:02d}-*.ipynb"))
    if not page.exists():
        raise ExerciseError(f"chapter {chapter}: {page.relative_to(root)} is missing")
    if not ex:
        raise ExerciseError(f"chapter {chapter} has no exercises yet (exercises/{chapter:02d}-*.ipynb)")
    return page, ex[0]


def pack_requirements(root: Path = ROOT) -> str:
    pins = {}
    for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = (name.strip(), version.strip())
    lines = ["# What the notebooks in this pack need (versions the course is tested with).",
             "# Install: python -m pip install -r requirements.txt"]
    for name in PACK_REQUIREMENTS:
        if name.lower() in pins:
            lines.append("==".join(pins[name.lower()]))
    lines.append("jupyterlab>=4  # or any Jupyter front end: Notebook 7, VS Code")
    return "\n".join(lines) + "\n"


def handout(exercises: list[tuple[int, nbformat.NotebookNode, str, str]], *, due: str | None,
            title: str) -> str:
    """The student's handout: objectives, readings, tasks and due date, in markdown.

    ``exercises``: (chapter, full exercise notebook, chapter file name, exercise file name).
    """
    lines = [f"# {title}", ""]
    if due:
        lines += [f"**Due:** {due}", ""]
    lines += ["## How to work", "",
              "1. Install Python 3.11 or later, then, in this folder:",
              "   `python -m pip install -r requirements.txt` and `jupyter lab`.",
              "2. Read each chapter notebook, then open its exercises and work top to bottom.",
              "   Write code where it says `# YOUR CODE HERE` and run the check under it:",
              "   it says what is right, what is wrong and gives a hint. Write your answers to",
              "   the reading questions where it says *Write your answer here.*",
              "3. Before you hand in: *Kernel → Restart and run all*, then save.",
              "   Hand in the exercise notebooks (`exercises-*.ipynb`) only. Keep their file",
              "   names and do not delete the check cells: they are graded.", ""]
    for chapter, nb, page, ex in exercises:
        meta = nb.metadata.get("csto", {})
        lines += [f"## {meta.get('title', ex)}", "",
                  f"Chapter: `{page}` · Exercises: `{ex}`"
                  + (f" · Time: about {meta['time']}" if meta.get("time") else ""), ""]
        if meta.get("objectives"):
            lines += ["**Objectives.** After these exercises you can:", ""]
            lines += [f"- {o}" for o in meta["objectives"]] + [""]
        if meta.get("readings"):
            lines += ["**Readings.**", ""] + [f"- {r}" for r in meta["readings"]] + [""]
        lines += ["**Tasks.**", ""]
        for t in tasks(nb):
            kind = "written answer" if t["kind"] == "written" else "code, checked automatically"
            lines.append(f"- Task {_headline(t)} ({kind}; {t['points']} point{'s' if t['points'] != 1 else ''})")
        lines.append("")
    return "\n".join(lines)


def _headline(task: dict) -> str:
    number, slug = _split(task["task"])
    first = next((ln.strip("# ").strip() for ln in task["statement"].splitlines() if ln.strip()), slug)
    first = re.sub(r"^Task\s+\d+\s*[:.·—-]?\s*", "", first)
    return f"{number}: {first}" if number else first


def answer_key(exercises: list[tuple[int, nbformat.NotebookNode, str, str]], *, title: str) -> str:
    lines = [f"# Answer key: {title}", "",
             "For instructors only. The full notebooks beside this file hold every solution",
             "and the hidden checks; grade submissions with",
             "`csto-course grade SUBMISSIONS... --exercises <this folder> --out grades.csv`.", ""]
    for chapter, nb, page, ex in exercises:
        lines += [f"## {nb.metadata.get('csto', {}).get('title', ex)}", ""]
        for t in tasks(nb):
            lines += [f"### Task {_headline(t)}", ""]
            if t["kind"] == "written":
                lines += ["Model answer and rubric:", "", t["rubric"], ""]
            else:
                sol = [c for c in nb.cells if task_of(c) == t["task"] and role(c) == "solution"]
                for c in sol:
                    lines += ["```python", c.source, "```", ""]
                hidden = sum(1 for c in nb.cells if task_of(c) == t["task"] and role(c) == "hidden-check")
                lines += [f"Checked by {len(t['checks'])} check(s), {hidden} of them in hidden cells.", ""]
    return "\n".join(lines)


def _copy_package(dest: Path) -> None:
    src = Path(__file__).resolve().parent
    shutil.copytree(src, dest / "csto_course",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"))


def _copy_data(dest: Path, root: Path, banks: list[str]) -> None:
    data = root / "data"
    (dest / "data").mkdir(parents=True)
    for f in sorted(data.iterdir()):
        if f.is_file() and f.suffix in (".csv", ".json"):
            shutil.copy2(f, dest / "data" / f.name)
    if (data / "geo").is_dir():
        (dest / "data" / "geo").mkdir()
        for f in sorted((data / "geo").glob("*.json")):
            shutil.copy2(f, dest / "data" / "geo" / f.name)
    (dest / "data" / "quizzes").mkdir()
    for bank in banks:
        path = data / "quizzes" / f"{bank}.yml"
        if path.exists():
            shutil.copy2(path, dest / "data" / "quizzes" / path.name)


def _zip(folder: Path, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                info = zipfile.ZipInfo(f.relative_to(folder.parent).as_posix(), (1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, f.read_bytes())


def quiz_banks_in(nb) -> list[str]:
    found = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            found += re.findall(r"show_quiz\(\s*[\"']([^\"']+)[\"']", cell.source)
    return found


def build_pack(chapters: list[int], out: Path, *, due: str | None = None,
               root: Path = ROOT, key_out: Path | None = None, workdir: Path | None = None) -> tuple[Path, Path]:
    """Write the student pack ``out`` (zip) and its answer key (``<out>-key.zip``)."""
    import tempfile

    out = Path(out)
    if due:
        try:
            due = dt.date.fromisoformat(due).strftime("%A %d %B %Y")
        except ValueError:
            pass  # free text such as "week 3, before the seminar"
    key_out = Path(key_out) if key_out else out.with_name(out.stem + "-key.zip")
    chosen = []
    for chapter in chapters:
        page, ex = chapter_files(chapter, root)
        chosen.append((chapter, page, ex, nbformat.read(ex, as_version=4), nbformat.read(page, as_version=4)))
    names = ["the introduction" if c == 0 else f"chapter {c}" for c in chapters]
    title = "Russia, the CSTO and Kyrgyzstan: assignment on " + " and ".join(
        [", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        pack = Path(tmp) / out.stem
        key = Path(tmp) / key_out.stem
        pack.mkdir()
        key.mkdir()
        listing = []
        banks = []
        for chapter, page, ex, full, page_nb in chosen:
            page_name = f"{chapter:02d}-{page.stem}.ipynb" if chapter == 0 else page.name
            ex_name = f"exercises-{ex.name}"
            shutil.copy2(page, pack / page_name)
            nbformat.write(student_notebook(full), pack / ex_name)
            shutil.copy2(ex, key / ex.name)
            listing.append((chapter, full, page_name, ex_name))
            banks += quiz_banks_in(page_nb)
        _copy_package(pack)
        _copy_data(pack, root, banks)
        (pack / "requirements.txt").write_text(pack_requirements(root), encoding="utf-8")
        (pack / "HANDOUT.md").write_text(handout(listing, due=due, title=title), encoding="utf-8")
        (key / "ANSWER-KEY.md").write_text(answer_key(listing, title=title), encoding="utf-8")
        _zip(pack, out)
        _zip(key, key_out)
    return out, key_out


# --- the book without solutions -------------------------------------------------------------

def student_book(out_dir: Path, *, root: Path = ROOT, build: bool = True, toc: Path | None = None) -> Path:
    """Build the book from the student versions (no solutions, no instructor guide).

    Sources are copied to ``<out_dir>/src`` with the exercises replaced by their student
    versions; the HTML goes to ``<out_dir>/_build/html``. Returns that folder.
    """
    import subprocess
    import sys

    import yaml

    out_dir = Path(out_dir).resolve()
    src = out_dir / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    for name in ("_config.yml", "book", "notebooks", "data"):
        path = root / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("instructors", ".ipynb_checkpoints"))
        elif path.exists():
            shutil.copy2(path, src / name)
    write_student_versions(exercise_notebooks(root / "exercises"), src / "exercises")
    toc = yaml.safe_load(Path(toc or root / "_toc.yml").read_text(encoding="utf-8"))
    toc["parts"] = [p for p in toc.get("parts", []) if not any(
        str(c.get("file", "")).startswith("book/instructors") for c in p.get("chapters", []))]
    (src / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    html = out_dir / "_build" / "html"
    if build:
        jb = Path(sys.executable).with_name("jupyter-book")
        subprocess.run([str(jb), "build", str(src), "--path-output", str(out_dir), "--all",
                        "--warningiserror", "--nitpick", "--keep-going"], check=True)
    return html
