"""Grading in plain Python, every type: right, wrong, partly right, empty.

The cases live in tests/quiz_cases.yml; the browser test runs the same file
through quiz.js, so both graders are held to one specification.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from csto_course.quiz import Result, grade, load_bank
from csto_course.quiz.grading import grading_view, parse_number

SPEC = yaml.safe_load((Path(__file__).parent / "quiz_cases.yml").read_text(encoding="utf-8"))
BANK = load_bank(SPEC["bank"])
CASES = SPEC["cases"]


def check(result: dict, expect: dict) -> None:
    """Compare a result (as a dict) with a case's expectations; shared in spirit with the browser test."""
    assert result["score"] == pytest.approx(expect["score"], abs=1e-12)
    assert result["correct"] is expect["correct"]
    assert result["answered"] is expect["answered"]
    if "message" in expect:
        assert result["message"] == expect["message"]
    assert {k: v["ok"] for k, v in result["feedback"].items()} == expect["ok"]
    for key, text in expect.get("text", {}).items():
        assert result["feedback"][key]["text"] == text


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['q']}-{c['name']}")
def test_grade(case):
    result = grade(BANK.question(case["q"]), case["answer"])
    assert isinstance(result, Result)
    check(result.to_dict(), case["expect"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['q']}-{c['name']}")
def test_the_view_embedded_in_the_page_grades_the_same(case):
    question = BANK.question(case["q"])
    assert grade(grading_view(question), case["answer"]) == grade(question, case["answer"])


def test_every_type_has_right_wrong_and_empty_cases():
    by_type = {}
    for case in CASES:
        by_type.setdefault(BANK.question(case["q"])["type"], []).append(case["expect"])
    assert set(by_type) == {"single", "multiple", "truefalse", "numeric", "order", "match"}
    for qtype, expects in by_type.items():
        assert any(e["correct"] for e in expects), qtype
        assert any(e["answered"] and not e["correct"] for e in expects), qtype
        assert any(not e["answered"] for e in expects), qtype
        if qtype in ("multiple", "order", "match"):  # the types that give part marks
            assert any(0 < e["score"] < 1 for e in expects), qtype


def test_feedback_text_is_the_option_feedback():
    res = grade(BANK.question("one"), "a")
    assert res.feedback == {"a": {"ok": False, "text": "a is wrong"}}
    res = grade(BANK.question("tf"), True)
    assert res.feedback == {"true": {"ok": False, "text": "no, it is false"}}


def test_score_stays_between_zero_and_one():
    for case in CASES:
        assert 0 <= grade(BANK.question(case["q"]), case["answer"]).score <= 1


@pytest.mark.parametrize("text, value", [
    ("2000", 2000.0), ("2,000", 2000.0), ("2 000", 2000.0), ("2\u00a0000", 2000.0), ("-1.5", -1.5),
    ("1e3", 1000.0), (".5", 0.5), ("5.", 5.0), (7, 7.0),
    ("", None), ("abc", None), ("2k", None), ("1.2.3", None), ("inf", None), ("nan", None),
    ("٢", None), (True, None), (None, None), (float("nan"), None),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_garbage_answers_are_no_answer_not_a_crash():
    for qid in ("one", "many", "tf", "num", "ord", "mat"):
        for junk in (None, 42, ["zz"], {"zz": "r1"}, "zz"):
            res = grade(BANK.question(qid), junk)
            assert 0 <= res.score <= 1
