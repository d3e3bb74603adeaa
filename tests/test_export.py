"""Exported questions parse back (GIFT and QTI 1.2) and every question, answer and
piece of feedback that the format can hold is there."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
import zipfile
from io import BytesIO

import pytest
import yaml

from csto_course import cli
from csto_course.export import (QTI_NS, gift_escape, ordinal, parse_gift, parse_qti, to_gift,
                                to_qti_zip)
from csto_course.quiz import load_all, load_bank

ALL_TYPES = {
    "id": "all-types",
    "title": "Every type, with GIFT's special characters: ~ = # { } : and \\",
    "chapter": "book/introduction",
    "questions": [
        {"id": "s1", "type": "single", "prompt": "Which {one} is right? Say: 1 = 1 # ~ \\ ok",
         "options": [{"id": "a", "text": "A: yes {really}", "feedback": "Right # 1"},
                     {"id": "b", "text": "B = no", "feedback": "Wrong ~ see above"}],
         "answer": "a", "explanation": "Because.", "see": "Section 1"},
        {"id": "m1", "type": "multiple", "prompt": "Pick two of three.",
         "options": [{"id": "a", "text": "One", "feedback": "yes"}, {"id": "b", "text": "Two", "feedback": "no"},
                     {"id": "c", "text": "Three", "feedback": "yes"}],
         "answer": ["a", "c"], "explanation": "Two right.", "see": {"text": "Section 2", "anchor": "s-2"}},
        {"id": "t1", "type": "truefalse", "prompt": "The treaty was signed in 1992.", "answer": True,
         "feedback": {"true": "Yes, 15 May 1992.", "false": "No: it was 1992."},
         "explanation": "Tashkent.", "see": "Section 3"},
        {"id": "t2", "type": "truefalse", "prompt": "The CSTO dates from 1991.", "answer": False,
         "feedback": {"true": "No: 2002.", "false": "Right: 2002."}, "explanation": "2002.", "see": "Section 3"},
        {"id": "n1", "type": "numeric", "prompt": "How many dead in Osh?", "answer": 2000, "tolerance": 50,
         "unit": "people", "ranges": [{"min": 400, "max": 500, "feedback": "That is the official figure."}],
         "explanation": "About 2,000.", "see": "Section 4"},
        {"id": "n2", "type": "numeric", "prompt": "A share?", "answer": 0.5,
         "explanation": "Half.", "see": "Section 4"},
        {"id": "o1", "type": "order", "prompt": "Earliest first.",
         "items": [{"id": "x", "text": "Treaty signed.", "feedback": "May 1992"},
                   {"id": "y", "text": "Organization founded"}, {"id": "z", "text": "Charter in force"}],
         "explanation": "1992, 2002, 2003.", "see": "Section 5"},
        {"id": "h1", "type": "match", "prompt": "Match claim to reading.",
         "choices": [{"id": "e", "text": "Essay"}, {"id": "t", "text": "Trilling"}, {"id": "s", "text": "Saradzhyan"}],
         "items": [{"id": "i1", "text": "Security manager", "answer": "e", "feedback": "The essay."},
                   {"id": "i2", "text": "Not an enforcer", "answer": "t", "feedback": "Trilling's experts."}],
         "explanation": "Who says what.", "see": "Section 6"},
    ],
}


@pytest.fixture(scope="module")
def banks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quizzes")
    (folder / "all-types.yml").write_text(yaml.safe_dump(ALL_TYPES, allow_unicode=True), encoding="utf-8")
    return load_all() + [load_bank(folder / "all-types.yml")]


def _norm(text: str) -> str:
    return " ".join(str(text).split())


def test_every_bank_of_the_course_is_included():
    assert {b.id for b in load_all()} >= {"introduction"}


# --- GIFT ---------------------------------------------------------------------------------------

def test_gift_round_trip(banks):
    parsed = parse_gift(to_gift(banks))
    by_key = {(q["category"].rsplit("/", 1)[-1], q["id"]): q for q in parsed}
    assert len(parsed) == sum(len(b.questions) for b in banks), "one GIFT question per question"
    for bank in banks:
        for q in bank.questions:
            g = by_key[(bank.id, q["id"])]
            assert g["name"] == q["id"]
            assert _norm(g["prompt"]) == _norm(q["prompt"])
            assert _norm(q["explanation"]) in _norm(g["general_feedback"])
            assert _norm(q["see"]["text"]) in _norm(g["general_feedback"])
            _check_gift_answers(q, g)


def _check_gift_answers(q, g):
    t = q["type"]
    if t in ("single", "multiple"):
        assert g["type"] == "multichoice"
        texts = {_norm(o["text"]): o for o in q["options"]}
        assert sorted(texts) == sorted(_norm(a["text"]) for a in g["answers"])
        right = {q["answer"]} if t == "single" else set(q["answer"])
        for a in g["answers"]:
            option = texts[_norm(a["text"])]
            assert _norm(a["feedback"]) == _norm(option["feedback"])
            assert (a["weight"] > 0) == (option["id"] in right)
        assert abs(sum(a["weight"] for a in g["answers"] if a["weight"] > 0) - 100) < 0.01
    elif t == "truefalse":
        assert g["type"] == "truefalse"
        (a,) = g["answers"]
        fb = {o["id"]: o["feedback"] for o in q["options"]}
        right, wrong = q["answer"], "false" if q["answer"] == "true" else "true"
        assert a["value"] == (right == "true")
        assert _norm(a["right_feedback"]) == _norm(fb[right]) and _norm(a["wrong_feedback"]) == _norm(fb[wrong])
    elif t == "numeric":
        assert g["type"] == "numerical"
        exact = [a for a in g["answers"] if "answer" in a]
        assert exact[0]["answer"] == q["answer"] and exact[0]["tolerance"] == q["tolerance"]
        assert exact[0]["weight"] == 100
        ranges = [a for a in g["answers"] if "min" in a]
        assert [(r["min"], r["max"], _norm(r["feedback"])) for r in ranges] == [
            (x["min"], x["max"], _norm(x["feedback"])) for x in q["ranges"]]
        assert all(r["weight"] == 0 for r in ranges)
    elif t == "order":
        assert g["type"] == "matching"
        assert [(_norm(a["item"]), a["match"]) for a in g["answers"]] == [
            (_norm(i["text"]), ordinal(n)) for n, i in enumerate(q["items"], start=1)]
    elif t == "match":
        assert g["type"] == "matching"
        choice = {c["id"]: _norm(c["text"]) for c in q["choices"]}
        pairs = {(_norm(a["item"]), _norm(a["match"])) for a in g["answers"] if a["item"]}
        assert pairs == {(_norm(i["text"]), choice[i["answer"]]) for i in q["items"]}
        offered = {_norm(a["match"]) for a in g["answers"]}
        assert offered == set(choice.values()), "unused choices are offered as extra answers"
        for i in q["items"]:
            assert _norm(i["feedback"]) in _norm(g["general_feedback"])


def test_gift_escapes_what_moodle_reads_as_syntax():
    assert gift_escape("a {b} = c ~ d # e : f \\ g\nh") == "a \\{b\\} \\= c \\~ d \\# e \\: f \\\\ g h"
    assert ordinal(1) == "1st" and ordinal(2) == "2nd" and ordinal(3) == "3rd" and ordinal(11) == "11th"


# --- QTI 1.2 --------------------------------------------------------------------------------------

def test_qti_package_and_round_trip(banks):
    data = to_qti_zip(banks)
    with zipfile.ZipFile(BytesIO(data)) as zf:
        names = zf.namelist()
        assert "imsmanifest.xml" in names
        for bank in banks:
            root = ET.fromstring(zf.read(f"{bank.id}/{bank.id}.xml"))  # well-formed
            assert root.tag == f"{{{QTI_NS}}}questestinterop"
    items = {(i["bank"], i["id"]): i for i in parse_qti(data)}
    assert len(items) == sum(len(b.questions) for b in banks)
    for bank in banks:
        for q in bank.questions:
            i = items[(bank.id, q["id"])]
            prompt = _norm(q["prompt"]) + (f" ({q['unit']})" if q.get("unit") else "")
            assert _norm(i["prompt"]) == prompt
            t = q["type"]
            if t in ("single", "truefalse"):
                assert i["type"] == ("multiple_choice_question" if t == "single" else "true_false_question")
                assert i["correct"] == [q["answer"]]
                assert {k: _norm(v) for k, v in i["choices"].items()} == {o["id"]: _norm(o["text"]) for o in q["options"]}
            elif t == "multiple":
                assert i["type"] == "multiple_answers_question" and sorted(i["correct"]) == sorted(q["answer"])
            elif t == "numeric":
                assert i["type"] == "numerical_question"
                assert i["numeric"] == {"answer": q["answer"], "min": q["answer"] - q["tolerance"],
                                        "max": q["answer"] + q["tolerance"]}
            elif t == "order":
                assert i["type"] == "matching_question"
                assert i["pairs"] == {_norm(it["text"]): ordinal(n) for n, it in enumerate(q["items"], start=1)}
            elif t == "match":
                choice = {c["id"]: c["text"] for c in q["choices"]}
                assert i["type"] == "matching_question"
                assert i["pairs"] == {it["text"]: choice[it["answer"]] for it in q["items"]}


def test_qti_keeps_option_feedback(banks):
    bank = banks[-1]
    with zipfile.ZipFile(BytesIO(to_qti_zip([bank]))) as zf:
        xml = zf.read(f"{bank.id}/{bank.id}.xml").decode("utf-8")
    assert html.escape(html.escape("Wrong ~ see above")) in xml or "Wrong ~ see above" in html.unescape(xml)
    assert "That is the official figure." in xml


# --- the command line -----------------------------------------------------------------------------

def test_cli_writes_both_formats(tmp_path, capsys):
    n = sum(len(b.questions) for b in load_all())
    assert cli.main(["export-questions", "--format", "gift", "--out", str(tmp_path / "q.txt")]) == 0
    assert len(parse_gift((tmp_path / "q.txt").read_text(encoding="utf-8"))) == n
    assert cli.main(["export-questions", "--format", "qti", "--out", str(tmp_path / "q.zip"),
                     "--banks", "introduction"]) == 0
    assert len(parse_qti((tmp_path / "q.zip").read_bytes())) == len(load_bank("introduction").questions)
    assert cli.main(["export-questions", "--format", "qti", "--out", str(tmp_path / "x.zip"),
                     "--banks", "nope"]) == 2
    assert "no quiz bank nope" in capsys.readouterr().err
