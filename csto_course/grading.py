"""Grade submitted exercise notebooks: ``csto-course grade SUBMISSIONS... --out grades.csv``.

Each submission is graded in a worker process (a pool of ``os.cpu_count()``), which
runs it in a kernel of its own (another process) with a time limit for the whole
notebook. The notebook that is run is rebuilt from the instructor's full version:

* the student's answer cells (solution and written-answer cells, found by cell id,
  so moved cells are still found) replace the instructor's solutions;
* cells the student added stay after the answer cell they followed;
* every check comes from the instructor's version, hidden checks included, so
  deleted or edited check cells are still graded with the course's checks.

Checks report through a display record (``csto_course.exercises.CHECK_MIME``); a task
passes when every one of its checks ran and passed. Written answers are collected
for the instructor to mark. Nothing a submission does can stop the grading of the
others: unreadable files, crashes and endless loops each get a row saying so.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .assignments import ANSWER_STUB, EXERCISE_DIR, exercise_name, role, student_notebook, task_of, tasks
from .exercises import CHECK_MIME, FAIL, PASS, TODO

DEFAULT_TIMEOUT = 120
MAX_BYTES = 20_000_000
COLUMNS = ["student", "file", "exercise", "status", "tasks_passed", "tasks_total", "score",
           "max_score", "message"]


@dataclass
class Graded:
    """One submission's row, its per-task results and its feedback."""

    student: str
    file: str
    exercise: str = ""
    status: str = "ok"  # ok | error | timeout | invalid
    tasks: dict[str, str] = field(default_factory=dict)  # task -> pass | fail | todo | missing | to mark | blank
    score: float = 0
    max_score: float = 0
    messages: list[str] = field(default_factory=list)
    feedback: str = ""

    @property
    def passed(self) -> int:
        return sum(1 for s in self.tasks.values() if s == PASS)

    @property
    def total(self) -> int:
        return sum(1 for s in self.tasks.values() if s not in ("to mark", "blank"))

    def row(self) -> dict:
        return {"student": self.student, "file": self.file, "exercise": self.exercise,
                "status": self.status, "tasks_passed": self.passed, "tasks_total": self.total,
                "score": _num(self.score), "max_score": _num(self.max_score),
                "message": " ".join(self.messages), **self.tasks}


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def student_name(path: Path, exercises: list[str]) -> str:
    """``alice.ipynb`` -> alice; ``alice/00-introduction.ipynb`` -> alice;
    ``alice-00-introduction.ipynb`` -> alice."""
    stem = path.stem
    for name in exercises:
        for variant in (name, f"exercises-{name}"):
            if stem == variant:
                return path.parent.name or stem
            if stem.endswith(variant):
                return stem[: -len(variant)].strip("-_ ") or path.parent.name
    return stem


# --- one submission (runs in a worker process) --------------------------------------------------

def grade_one(path: str, key_dir: str, timeout: float, exercise: str | None = None) -> Graded:
    import nbformat

    path = Path(path)
    keys = {p.stem: p for p in sorted(Path(key_dir).glob("*.ipynb"))}
    g = Graded(student=student_name(path, list(keys)), file=path.name)
    # Read: anything that is not a notebook gets a clear row.
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return _invalid(g, f"the file is {size // 1_000_000} MB; a notebook here is well under {MAX_BYTES // 1_000_000} MB")
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _invalid(g, f"not a Jupyter notebook: the file is not JSON text ({type(exc).__name__})")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list) or "nbformat" not in data:
        return _invalid(g, "not a Jupyter notebook: JSON without notebook cells")
    try:
        sub = nbformat.reads(raw.decode("utf-8"), as_version=4)
    except Exception as exc:  # noqa: BLE001 -- nbformat raises many kinds
        return _invalid(g, f"not a readable Jupyter notebook ({type(exc).__name__})")
    name = exercise or exercise_name(sub)
    if name not in keys:
        name = next((k for k in keys if k in path.stem), name)
    if name not in keys:
        return _invalid(g, f"cannot tell which exercise this is (exercise {name!r} unknown; "
                           f"known: {', '.join(keys) or 'none'})")
    g.exercise = name
    key = nbformat.read(keys[name], as_version=4)
    nb, notes = merge(key, sub)
    g.messages += notes
    status, where, cells_run = _execute(nb, timeout)
    _score(g, key, nb, cells_run)
    if status == "timeout":
        g.status = "timeout"
        g.messages.insert(0, f"stopped after the time limit of {timeout:g} s {where}; later tasks were not graded.")
    elif status == "error":
        g.status = "error"
        g.messages.insert(0, where)
    else:
        errors = _errors(nb)
        if errors:
            g.status = "error"
            g.messages.insert(0, errors[0] + (f" (and {len(errors) - 1} more cell errors)" if len(errors) > 1 else "")
                              + "; the other tasks were graded.")
    g.feedback = feedback(g, key, nb, sub)
    return g


def _invalid(g: Graded, message: str) -> Graded:
    g.status = "invalid"
    g.messages.append(message)
    g.feedback = f"# Feedback: {g.student}\n\n**{g.file}** could not be graded: {message}.\n"
    return g


def merge(key, sub) -> tuple:
    """The notebook to run: the instructor's version with the student's answers in it."""
    import copy

    import nbformat

    answer_roles = ("solution", "model-answer")
    key_ids = [c.get("id") for c in key.cells]
    by_id = {}
    for c in sub.cells:
        cid = c.get("id")
        grade_id = c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        for k in (cid, grade_id):
            if k and k in key_ids and k not in by_id:
                by_id[k] = c
    extras: dict[str | None, list] = {}
    anchor = None
    for c in sub.cells:
        cid = c.get("id")
        if cid in key_ids:
            anchor = cid
        elif c.get("cell_type") == "code" and c.get("source", "").strip() and c not in by_id.values():
            extras.setdefault(anchor, []).append(c)
    notes = []
    seen_order = [k for k in (c.get("id") for c in sub.cells) if k in key_ids]
    if seen_order != sorted(seen_order, key=key_ids.index):
        notes.append("Cells were moved; the notebook was graded in the course's order.")
    stub = student_notebook(key)
    stub_by_id = {c.get("id"): c for c in stub.cells}
    cells, missing = [], []
    first_code = next((c.get("id") for c in key.cells if c.cell_type == "code"), None)
    for c in key.cells:
        cid = c.get("id")
        if role(c) in answer_roles:
            mine = by_id.get(cid)
            if mine is None:
                missing.append(task_of(c) or cid)
                new = copy.deepcopy(stub_by_id.get(cid, c))
                new.metadata.setdefault("csto", {})["missing"] = True
            else:
                new = copy.deepcopy(stub_by_id.get(cid, c))
                new.source = mine.get("source", "")
            cells.append(new)
        else:
            cells.append(copy.deepcopy(c))
        for extra in extras.get(cid, []) + (extras.get(None, []) if cid == first_code else []):
            e = nbformat.v4.new_code_cell(extra.get("source", ""))
            e.metadata["csto"] = {"student-extra": True}
            cells.append(e)
    if missing:
        notes.append("Answer cells missing (deleted?) for task(s) " + ", ".join(dict.fromkeys(missing))
                     + "; they count as not done.")
    nb = copy.deepcopy(key)
    nb.cells = cells
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
    return nb, notes


def _execute(nb, timeout: float) -> tuple[str, str, int]:
    """Run ``nb`` in a fresh kernel within ``timeout`` seconds in all.

    Returns (status, message, number of cells run): ok, timeout or error (the kernel
    died or could not start). Cell errors do not stop the run.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    deadline = time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="csto-grade-") as work:
        client = NotebookClient(nb, timeout=max(1, int(timeout)), kernel_name="python3",
                                allow_errors=True, record_timing=False, store_widget_state=False,
                                shutdown_kernel="immediate", startup_timeout=60,
                                resources={"metadata": {"path": work}})
        ran = 0
        try:
            # The kernel's own log lines (e.g. its TCP warning) would bury the progress lines.
            with client.setup_kernel(env=_kernel_env(), stderr=subprocess.DEVNULL):
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return "timeout", _where(nb, index), ran
                    client.timeout = max(1, int(left + 0.999))
                    try:
                        client.execute_cell(cell, index)
                    except CellTimeoutError:
                        return "timeout", _where(nb, index), ran
                    ran += 1
        except DeadKernelError:
            return "error", f"the kernel died {_where(nb, index)} (a crash or running out of memory); later tasks were not graded.", ran
        except Exception as exc:  # noqa: BLE001 -- a kernel that never started, a broken cell...
            return "error", f"the notebook could not be run: {type(exc).__name__}: {str(exc).strip()[:200]}", ran
    return "ok", "", ran


def _kernel_env() -> dict:
    env = dict(os.environ)
    env.pop("CSTO_CHECKS_RAISE", None)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def _where(nb, index: int) -> str:
    cell = nb.cells[index]
    task = task_of(cell)
    n = sum(1 for c in nb.cells[: index + 1] if c.cell_type == "code")
    return f"in code cell {n}" + (f" (task {task})" if task else "")


def _errors(nb) -> list[str]:
    out = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                value = _strip_ansi(o.get("evalue", ""))
                out.append(f"{o.get('ename', 'Error')} {_where(nb, index)}" + (f": {value[:160]}" if value else ""))
    return out


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _records(cell) -> list[tuple[dict, str]]:
    out = []
    for o in cell.get("outputs", []):
        data = o.get("data", {}) if o.get("output_type") in ("display_data", "execute_result") else {}
        rec = data.get(CHECK_MIME)
        if isinstance(rec, str):
            try:
                rec = json.loads(rec)
            except json.JSONDecodeError:
                rec = None
        if isinstance(rec, dict) and rec.get("status") in (PASS, FAIL, TODO):
            text = data.get("text/plain", "")
            out.append((rec, "".join(text) if isinstance(text, list) else text))
    return out


def _score(g: Graded, key, nb, cells_run: int) -> None:
    """Task results from the check records of the cells that come from the key."""
    lines: dict[str, list[str]] = {}
    for t in tasks(key):
        task = t["task"]
        if t["kind"] == "written":
            answer = next((c.source for c in nb.cells if task_of(c) == task and role(c) in ("answer", "model-answer")), "")
            missing = any(task_of(c) == task and c.metadata.get("csto", {}).get("missing") for c in nb.cells)
            g.tasks[task] = "blank" if missing or not answer.strip() or answer.strip() == ANSWER_STUB else "to mark"
            continue
        checks = [c for c in nb.cells if task_of(c) == task and role(c) in ("check", "hidden-check")]
        if checks and not any(c.get("outputs") or c.get("execution_count") for c in checks):
            g.tasks[task] = "not run"  # the run stopped before this task (time limit, dead kernel)
            g.max_score += t["points"]
            lines.setdefault(task, []).append(f"Task {task} was not run: the notebook stopped before it.")
            continue
        statuses = []
        for c in checks:
            recs = [(r, text) for r, text in _records(c) if r.get("task") == task]
            if not recs:
                err = next((o for o in c.get("outputs", []) if o.get("output_type") == "error"), None)
                reason = (f"the check could not run ({err.get('ename')}: {_strip_ansi(err.get('evalue', ''))[:120]})"
                          if err else "the check did not run")
                statuses.append("missing")
                lines.setdefault(task, []).append(f"✘ Task {task}: {reason}.")
            for r, text in recs:
                statuses.append(r["status"])
                lines.setdefault(task, []).append(text)
        if any(c.metadata.get("csto", {}).get("missing") for c in nb.cells if task_of(c) == task and role(c) == "solution"):
            state = "missing"
        elif statuses and all(s == PASS for s in statuses):
            state = PASS
        elif FAIL in statuses:
            state = FAIL
        elif TODO in statuses:
            state = TODO
        else:
            state = FAIL
        g.tasks[task] = state
        g.max_score += t["points"]
        if state == PASS:
            g.score += t["points"]
    g._lines = lines  # for the feedback


STATE_WORDS = {PASS: "passed", FAIL: "not yet right", TODO: "not done", "missing": "answer cell missing",
               "not run": "not run (the notebook stopped before it)",
               "to mark": "to be marked by your instructor", "blank": "not answered"}


def feedback(g: Graded, key, nb, sub) -> str:
    lines = [f"# Feedback: {g.student}", "",
             f"Exercise **{g.exercise}** (`{g.file}`): {g.passed} of {g.total} checked tasks passed, "
             f"score {_num(g.score)} of {_num(g.max_score)}.", ""]
    if g.messages:
        lines += ["**Notes.** " + " ".join(g.messages), ""]
    for t in tasks(key):
        task = t["task"]
        state = g.tasks.get(task, "missing")
        lines += [f"## Task {task}: {STATE_WORDS.get(state, state)}", ""]
        if t["kind"] == "written":
            answer = next((c.source for c in nb.cells if task_of(c) == task and role(c) in ("answer", "model-answer")), "")
            lines += ["Your answer:", "", *(f"> {ln}" for ln in (answer.strip() or "(none)").splitlines()), ""]
        else:
            lines += [f"    {ln}" for ln in getattr(g, "_lines", {}).get(task, [])] + [""]
    return "\n".join(lines)


# --- many submissions ---------------------------------------------------------------------------

def _worker(args) -> Graded:
    path, key_dir, timeout, exercise = args
    try:
        return grade_one(path, key_dir, timeout, exercise)
    except Exception as exc:  # noqa: BLE001 -- a grader bug must not lose the other rows
        g = Graded(student=Path(path).stem, file=Path(path).name, status="error")
        g.messages.append(f"the grader failed on this file: {type(exc).__name__}: {exc}")
        g.feedback = f"# Feedback: {g.student}\n\n{g.messages[0]}\n"
        return g


def grade(submissions: list[Path], out: Path, *, key_dir: Path = EXERCISE_DIR,
          timeout: float = DEFAULT_TIMEOUT, workers: int | None = None,
          exercise: str | None = None, progress=True) -> list[Graded]:
    """Grade every submission, write ``out`` (CSV) and ``<out stem>-feedback/<student>.md``.

    ``progress``: True for a line per submission on stderr, False for none, or a file.
    """
    if progress is True:
        progress = sys.stderr
    elif progress is False:
        progress = None
    paths = [Path(p) for p in submissions]
    workers = max(1, min(workers or os.cpu_count() or 1, len(paths) or 1))
    jobs = [(str(p), str(key_dir), timeout, exercise) for p in paths]
    results: list[Graded | None] = [None] * len(paths)
    done = 0
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = {pool.submit(_worker, job): i for i, job in enumerate(jobs)}
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                g = fut.result()
            except Exception as exc:  # noqa: BLE001 -- e.g. a worker killed by the system
                g = Graded(student=paths[i].stem, file=paths[i].name, status="error",
                           messages=[f"the grading process failed: {type(exc).__name__}: {exc}"])
            results[i] = g
            done += 1
            if progress is not None:
                if g.status == "invalid":
                    summary, extra = "invalid", f": {' '.join(g.messages)}"
                else:
                    summary = f"{g.passed}/{g.total} tasks"
                    extra = "" if g.status == "ok" else f" ({g.status})"
                print(f"[{done}/{len(paths)}] {paths[i].name}: {summary}{extra}", file=progress, flush=True)
    graded = [g for g in results if g is not None]
    write_csv(graded, Path(out))
    write_feedback(graded, Path(out))
    return graded


def write_csv(graded: list[Graded], out: Path) -> None:
    task_columns: list[str] = []
    for g in graded:
        for t in g.tasks:
            if t not in task_columns:
                task_columns.append(t)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS + task_columns, restval="")
        writer.writeheader()
        for g in graded:
            writer.writerow(g.row())


def feedback_dir(out: Path) -> Path:
    return out.with_name(out.stem + "-feedback")


def write_feedback(graded: list[Graded], out: Path) -> None:
    folder = feedback_dir(out)
    folder.mkdir(parents=True, exist_ok=True)
    by_student: dict[str, list[str]] = {}
    for g in graded:
        by_student.setdefault(_safe(g.student), []).append(g.feedback)
    for student, parts in by_student.items():
        (folder / f"{student}.md").write_text("\n\n".join(parts), encoding="utf-8")


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "student"
