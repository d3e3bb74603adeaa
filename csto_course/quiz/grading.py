"""Grading in plain Python: the rules the browser follows too.

``csto_course/static/quiz.js`` has ``CSTOQuiz.grade`` with the same semantics,
and ``tests/quiz_cases.yml`` runs the same cases through both.

Answers, per type (what a student gives):
  single, truefalse  an option id ("b"; truefalse also accepts True/False)
  multiple           a list of option ids
  numeric            a number, or text such as "2,000"
  order              a list of item ids, first to last
  match              a mapping item id -> choice id
None, "" and empty lists/mappings mean "no answer yet".
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

# ASCII digits only and an explicit separator set, so quiz.js can match it exactly.
NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
SEPARATORS = re.compile("[, \t\n\r\u00a0\u2009\u202f]")  # thousands separators and spaces
CORRECT, NOT_QUITE, NO_ANSWER = "Correct.", "Not quite.", "No answer yet."
NOT_A_NUMBER = "Please type a number, such as 2000 or 2.5."


@dataclass(frozen=True)
class Result:
    score: float  # 0..1
    correct: bool
    answered: bool
    message: str
    # option/item id -> {"ok": bool, "text": feedback}; numeric uses the key "value"
    feedback: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def grade(question: dict, answer) -> Result:
    """Grade one answer to one canonical question (see bank.py)."""
    return _GRADERS[question["type"]](question, answer)


def grading_view(question: dict) -> dict:
    """The part of a question the browser needs to grade it (embedded in the page)."""
    keep = {"id", "type", "answer", "tolerance", "ranges"}
    view = {k: v for k, v in question.items() if k in keep}
    for key in ("options", "items"):
        if key in question:
            view[key] = [{k: v for k, v in x.items() if k in ("id", "feedback", "answer")} for x in question[key]]
    if "choices" in question:
        view["choices"] = [{"id": c["id"]} for c in question["choices"]]
    return view


def _unanswered(message: str = NO_ANSWER) -> Result:
    return Result(score=0.0, correct=False, answered=False, message=message)


def _grade_one(q: dict, answer) -> Result:
    if isinstance(answer, bool):
        answer = "true" if answer else "false"
    by_id = {o["id"]: o for o in q["options"]}
    if not isinstance(answer, str) or answer not in by_id:  # None, "" or an id that is not an option
        return _unanswered()
    ok = answer == q["answer"]
    return Result(1.0 if ok else 0.0, ok, True, CORRECT if ok else NOT_QUITE,
                  {answer: {"ok": ok, "text": by_id[answer]["feedback"]}})


def _grade_multiple(q: dict, answer) -> Result:
    if isinstance(answer, str):
        answer = [answer]
    given = answer if isinstance(answer, (list, tuple, set)) else []
    chosen = [o["id"] for o in q["options"] if o["id"] in given]
    if not chosen:
        return _unanswered()
    right = set(q["answer"])
    hits = sum(1 for c in chosen if c in right)
    wrong = len(chosen) - hits
    ok = hits == len(right) and wrong == 0
    # Partial credit: each right option counts, each wrong one cancels one.
    score = max(0.0, (hits - wrong) / len(right))
    message = CORRECT if ok else (f"Not quite: {hits} of {len(right)} right options chosen"
                                  + (f", {wrong} wrong" if wrong else "") + ".")
    fb = {o["id"]: {"ok": o["id"] in right, "text": o["feedback"]} for o in q["options"] if o["id"] in chosen}
    return Result(score, ok, True, message, fb)


def parse_number(value) -> float | None:
    """A number from what a student typed: "2,000", " 2 000 ", "2.5", "1e3"; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = SEPARATORS.sub("", value)
    return float(text) if NUMBER.fullmatch(text) else None


def _grade_numeric(q: dict, answer) -> Result:
    if answer is None or (isinstance(answer, str) and not SEPARATORS.sub("", answer)):
        return _unanswered()
    value = parse_number(answer)
    if value is None:
        return _unanswered(NOT_A_NUMBER)
    target = q["answer"]
    # The small slack keeps 0.1 + 0.2 style rounding from failing an exact answer.
    ok = abs(value - target) <= q.get("tolerance", 0) + 1e-9 * max(1.0, abs(target))
    hint = next((r["feedback"] for r in q.get("ranges", []) if r["min"] <= value <= r["max"]), "")
    message = CORRECT if ok else ("Not quite: too high." if value > target else "Not quite: too low.")
    return Result(1.0 if ok else 0.0, ok, True, message, {"value": {"ok": ok, "text": hint}})


def _grade_order(q: dict, answer) -> Result:
    if not isinstance(answer, (list, tuple)) or not answer:
        return _unanswered()
    correct = q["answer"]
    given = list(answer)
    fb = {}
    for pos, item in enumerate(q["items"]):
        ok = pos < len(given) and given[pos] == correct[pos]
        fb[correct[pos]] = {"ok": ok, "text": item.get("feedback", "")}
    right = sum(1 for v in fb.values() if v["ok"])
    ok = right == len(correct)
    message = CORRECT if ok else f"Not quite: {right} of {len(correct)} in the right place."
    return Result(right / len(correct), ok, True, message, fb)


def _grade_match(q: dict, answer) -> Result:
    answer = {k: v for k, v in answer.items() if v} if isinstance(answer, dict) else {}
    items = q["items"]
    if not any(i["id"] in answer for i in items):
        return _unanswered()
    fb = {}
    for item in items:
        if item["id"] in answer:
            fb[item["id"]] = {"ok": answer[item["id"]] == item["answer"], "text": item["feedback"]}
        else:
            fb[item["id"]] = {"ok": False, "text": "No answer chosen."}
    right = sum(1 for v in fb.values() if v["ok"])
    ok = right == len(items)
    message = CORRECT if ok else f"Not quite: {right} of {len(items)} matched correctly."
    return Result(right / len(items), ok, True, message, fb)


_GRADERS = {"single": _grade_one, "truefalse": _grade_one, "multiple": _grade_multiple,
            "numeric": _grade_numeric, "order": _grade_order, "match": _grade_match}
