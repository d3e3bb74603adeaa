"""Load and validate question banks (``data/quizzes/<id>.yml``).

Validation has two layers: the JSON Schema (shape and types, also usable in an
editor) and the semantic checks below (answers that are options, unique ids, ...).
Every problem is reported as ``<file>, question '<id>': <problem>`` so an
instructor can find it; all problems of a bank are reported together.

A loaded bank holds *canonical* questions: plain JSON-able dicts in one shape per
type, the form that ``grade`` (Python) and ``CSTOQuiz.grade`` (quiz.js) both use.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from csto_course import ROOT

BANK_DIR = ROOT / "data" / "quizzes"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "quiz.schema.json"
TYPES = ("single", "multiple", "truefalse", "numeric", "order", "match")


class QuizError(ValueError):
    """A bank that cannot be used; ``problems`` lists every message."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        if len(self.problems) == 1:
            super().__init__(self.problems[0])
        else:
            super().__init__(f"{len(self.problems)} problems:\n" + "\n".join(self.problems))


@dataclass(frozen=True)
class Bank:
    id: str
    title: str
    chapter: str
    questions: tuple[dict, ...]
    source: str  # the file, as shown in error messages

    def question(self, qid: str) -> dict:
        for q in self.questions:
            if q["id"] == qid:
                return q
        raise KeyError(f"{self.source}: no question '{qid}'")


# --- loading -----------------------------------------------------------------

def load_bank(source: str | Path | dict, *, bank_dir: str | Path | None = None) -> Bank:
    """Load and validate a bank given by id ("introduction"), by path, or as a dict."""
    if isinstance(source, dict):
        return _build(source, label="<bank>", stem=None)
    path = Path(source)
    if path.suffix not in (".yml", ".yaml") and len(path.parts) == 1:
        path = Path(bank_dir or BANK_DIR) / f"{source}.yml"
    label = _label(path)
    if not path.is_file():
        raise QuizError([f"{label}: no such quiz bank"])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise QuizError([f"{label}: not valid YAML: {exc}"]) from None
    return _build(data, label=label, stem=path.stem)


def bank_paths(bank_dir: str | Path | None = None) -> list[Path]:
    return sorted(Path(bank_dir or BANK_DIR).glob("*.yml"))


def load_all(bank_dir: str | Path | None = None) -> list[Bank]:
    """Every bank in the directory; raises one QuizError listing all problems."""
    banks, problems = [], []
    for path in bank_paths(bank_dir):
        try:
            banks.append(load_bank(path))
        except QuizError as exc:
            problems += exc.problems
    if problems:
        raise QuizError(problems)
    return banks


def _label(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _validator(part: str) -> jsonschema.Draft202012Validator:
    """Validator for the bank ("bank", questions not looked into) or one question type."""
    schema = _schema()
    if part == "bank":
        sub = copy.deepcopy(schema)
        sub["properties"]["questions"] = {"type": "array", "minItems": 1}
    else:
        sub = {"$defs": schema["$defs"], "$ref": f"#/$defs/{part}"}
    return jsonschema.Draft202012Validator(sub)


def _schema_problems(validator, data) -> list[str]:
    out = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path).lstrip(".")
        if err.validator == "required":
            field = err.message.split("'")[1]
            msg = f"missing field '{f'{where}.' if where else ''}{field}'"
        elif err.validator == "additionalProperties":
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            msg = f"unknown field '{extra[0]}'" + (f" in {where}" if where else "")
        elif err.validator == "pattern" and err.validator_value == _schema()["$defs"]["id"]["pattern"]:
            msg = f"{where}: {err.instance!r} is not a valid id (letters and digits, joined by single - or _)"
        else:
            msg = f"{where or 'bank'}: {err.message}"
        if msg not in out:
            out.append(msg)
    return out


# --- validation and canonical form ----------------------------------------------

def _build(data: Any, *, label: str, stem: str | None) -> Bank:
    if not isinstance(data, dict):
        raise QuizError([f"{label}: a bank must be a mapping with id, title, chapter and questions"])
    problems = [f"{label}: {p}" for p in _schema_problems(_validator("bank"), data)]
    if stem is not None and data.get("id") not in (None, stem):
        problems.append(f"{label}: id '{data.get('id')}' does not match the file name '{stem}.yml'")
    questions, seen = [], set()
    raw_questions = data.get("questions") if isinstance(data.get("questions"), list) else []
    for n, raw in enumerate(raw_questions, start=1):
        qid = raw.get("id") if isinstance(raw, dict) else None
        where = f"{label}, question '{qid}'" if isinstance(qid, str) else f"{label}, question #{n}"
        if isinstance(qid, str):
            if qid in seen:
                problems.append(f"{where}: duplicate question id")
            seen.add(qid)
        q_problems, canonical = _check_question(raw)
        problems += [f"{where}: {p}" for p in q_problems]
        questions.append(canonical)
    if problems:
        raise QuizError(problems)
    return Bank(id=data["id"], title=data["title"], chapter=data["chapter"],
                questions=tuple(questions), source=label)


def _check_question(raw: Any) -> tuple[list[str], dict | None]:
    if not isinstance(raw, dict):
        return ["a question must be a mapping"], None
    qtype = raw.get("type")
    if qtype is None:
        return ["missing field 'type'"], None
    if qtype not in TYPES:
        return [f"unknown question type '{qtype}' (expected one of {', '.join(TYPES)})"], None
    raw = dict(raw)
    if qtype == "truefalse" and isinstance(raw.get("feedback"), dict):
        # YAML reads `true:` as a boolean key; the schema speaks of "true"/"false".
        raw["feedback"] = {str(k).lower() if isinstance(k, bool) else k: v for k, v in raw["feedback"].items()}
    problems = _schema_problems(_validator(qtype), raw)
    if problems:
        return problems, None
    problems = CHECKS[qtype](raw)
    return problems, (None if problems else _canonical(raw))


def _dupes(ids: list[str]) -> list[str]:
    return sorted({i for i in ids if ids.count(i) > 1})


def _check_options(q: dict) -> list[str]:
    ids = [o["id"] for o in q["options"]]
    problems = [f"duplicate option id '{d}'" for d in _dupes(ids)]
    answers = [q["answer"]] if q["type"] == "single" else q["answer"]
    if not answers:
        problems.append("no correct answer ('answer' lists no option)")
    for a in answers:
        if a not in ids:
            problems.append(f"answer '{a}' is not one of the options {', '.join(ids)}")
    problems += [f"answer '{d}' is listed twice" for d in _dupes(answers)]
    return problems


def _check_truefalse(q: dict) -> list[str]:
    return []  # the schema already demands a boolean answer and both feedbacks


def _check_numeric(q: dict) -> list[str]:
    problems = []
    if q.get("tolerance", 0) < 0:  # also in the schema; kept for a clear message
        problems.append("tolerance must be 0 or more")
    for r in q.get("ranges", []):
        if r["min"] > r["max"]:
            problems.append(f"range {r['min']}..{r['max']}: min is larger than max")
    return problems


def _check_order(q: dict) -> list[str]:
    ids = [i["id"] for i in q["items"]]
    texts = [i["text"] for i in q["items"]]
    problems = [f"duplicate item id '{d}'" for d in _dupes(ids)]
    problems += [f"duplicate item text '{d}'" for d in _dupes(texts)]
    if "display" in q and sorted(q["display"]) != sorted(ids):
        problems.append(f"display must list each item exactly once: {', '.join(ids)}")
    return problems


def _check_match(q: dict) -> list[str]:
    choice_ids = [c["id"] for c in q["choices"]]
    item_ids = [i["id"] for i in q["items"]]
    problems = [f"duplicate choice id '{d}'" for d in _dupes(choice_ids)]
    problems += [f"duplicate item id '{d}'" for d in _dupes(item_ids)]
    for item in q["items"]:
        if item["answer"] not in choice_ids:
            problems.append(f"item '{item['id']}': answer '{item['answer']}' is not one of the choices {', '.join(choice_ids)}")
    return problems


CHECKS = {"single": _check_options, "multiple": _check_options, "truefalse": _check_truefalse,
          "numeric": _check_numeric, "order": _check_order, "match": _check_match}


def _canonical(q: dict) -> dict:
    """One shape per type; ``answer`` is always present in the form a student gives."""
    see = q["see"] if isinstance(q["see"], dict) else {"text": q["see"]}
    out = {"id": q["id"], "type": q["type"], "prompt": q["prompt"]}
    t = q["type"]
    if t in ("single", "multiple"):
        out["options"] = [dict(o) for o in q["options"]]
        out["answer"] = q["answer"] if t == "single" else list(q["answer"])
    elif t == "truefalse":
        out["options"] = [{"id": "true", "text": "True", "feedback": q["feedback"]["true"]},
                          {"id": "false", "text": "False", "feedback": q["feedback"]["false"]}]
        out["answer"] = "true" if q["answer"] else "false"
    elif t == "numeric":
        out["answer"] = q["answer"]
        out["tolerance"] = q.get("tolerance", 0)
        out["unit"] = q.get("unit", "")
        out["ranges"] = [dict(r) for r in q.get("ranges", [])]
    elif t == "order":
        out["items"] = [{"id": i["id"], "text": i["text"], "feedback": i.get("feedback", "")} for i in q["items"]]
        out["answer"] = [i["id"] for i in q["items"]]
        out["display"] = list(q.get("display") or _scramble(q["id"], out["answer"]))
    elif t == "match":
        out["choices"] = [dict(c) for c in q["choices"]]
        out["items"] = [dict(i) for i in q["items"]]
        out["answer"] = {i["id"]: i["answer"] for i in q["items"]}
    out["explanation"] = q["explanation"]
    out["see"] = see
    return out


def _scramble(qid: str, ids: list[str]) -> list[str]:
    """A fixed shuffle (same every run, so outputs stay deterministic), never the answer."""
    shown = sorted(ids, key=lambda i: hashlib.sha256(f"{qid}/{i}".encode()).hexdigest())
    return shown if shown != ids else shown[1:] + shown[:1]
