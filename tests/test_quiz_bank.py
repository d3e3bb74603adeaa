"""Quiz banks: every bank in the course validates; every kind of bad bank fails
with a message naming the file, the question and the problem."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from csto_course import ROOT
from csto_course.quiz import QuizError, grade, load_bank, show_quiz
from csto_course.quiz.bank import SCHEMA_PATH, bank_paths, load_all

FIXTURES = Path(__file__).parent / "fixtures" / "quizzes"
COURSE_BANKS = bank_paths()


def test_the_course_has_banks():
    assert (ROOT / "data/quizzes/introduction.yml") in COURSE_BANKS


@pytest.mark.parametrize("path", COURSE_BANKS, ids=lambda p: p.name)
def test_course_bank_is_valid_and_its_own_answers_are_right(path):
    bank = load_bank(path)
    assert bank.id == path.stem
    for q in bank.questions:
        assert grade(q, q["answer"]).correct, q["id"]
        if q["type"] in ("single", "multiple", "truefalse"):
            wrong = [o["id"] for o in q["options"] if o["id"] not in q["answer"]]
            assert wrong, f"{q['id']}: no distractor"
            for oid in wrong:  # every distractor is graded wrong and teaches something
                res = grade(q, [oid] if q["type"] == "multiple" else oid)
                assert not res.correct and res.feedback[oid]["text"]


@pytest.mark.parametrize("path", COURSE_BANKS, ids=lambda p: p.name)
def test_course_bank_matches_the_json_schema_as_written(path):
    # The schema alone (as an editor would use it), on the raw YAML.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for q in data["questions"]:
        if q["type"] == "truefalse":
            q["feedback"] = {str(k).lower(): v for k, v in q["feedback"].items()}
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def test_introduction_uses_every_question_type():
    types = {q["type"] for q in load_bank("introduction").questions}
    assert types == {"single", "multiple", "truefalse", "numeric", "order", "match"}
    assert 6 <= len(load_bank("introduction").questions) <= 8


def test_load_all_reports_every_broken_bank(tmp_path):
    for name in ("good", "bad1", "bad2"):
        data = base_bank(name)
        if name != "good":
            data["questions"][0]["answer"] = "zz"
        (tmp_path / f"{name}.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(QuizError) as err:
        load_all(tmp_path)
    assert len(err.value.problems) == 2 and "bad1.yml" in str(err.value) and "bad2.yml" in str(err.value)


# --- bad input --------------------------------------------------------------------

def base_bank(bank_id="broken") -> dict:
    return {
        "id": bank_id, "title": "Broken", "chapter": "book/introduction",
        "questions": [
            {"id": "q1-pick", "type": "single", "prompt": "Pick.", "answer": "b",
             "options": [{"id": "a", "text": "A", "feedback": "no"}, {"id": "b", "text": "B", "feedback": "yes"},
                         {"id": "c", "text": "C", "feedback": "no"}],
             "explanation": "b.", "see": "Section"},
            {"id": "q2-many", "type": "multiple", "prompt": "Pick two.", "answer": ["a", "b"],
             "options": [{"id": "a", "text": "A", "feedback": "yes"}, {"id": "b", "text": "B", "feedback": "yes"},
                         {"id": "c", "text": "C", "feedback": "no"}],
             "explanation": "a, b.", "see": "Section"},
            {"id": "q3-tf", "type": "truefalse", "prompt": "True?", "answer": True,
             "feedback": {"true": "yes", "false": "no"}, "explanation": "true.", "see": "Section"},
            {"id": "q4-num", "type": "numeric", "prompt": "How many?", "answer": 2, "tolerance": 0.5,
             "unit": "things", "explanation": "2.", "see": "Section"},
            {"id": "q5-order", "type": "order", "prompt": "Order.", "explanation": "x y z.", "see": "Section",
             "items": [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}, {"id": "z", "text": "Z"}]},
            {"id": "q6-match", "type": "match", "prompt": "Match.", "explanation": "m.", "see": "Section",
             "choices": [{"id": "r1", "text": "R1"}, {"id": "r2", "text": "R2"}],
             "items": [{"id": "i1", "text": "I1", "answer": "r1", "feedback": "r1"},
                       {"id": "i2", "text": "I2", "answer": "r2", "feedback": "r2"}]},
        ],
    }


def q(data, n):
    return data["questions"][n]


BAD = {
    "unknown type": (lambda d: q(d, 0).update(type="essay"),
                     "question 'q1-pick': unknown question type 'essay' (expected one of single, multiple"),
    "answer not an option": (lambda d: q(d, 0).update(answer="e"),
                             "question 'q1-pick': answer 'e' is not one of the options a, b, c"),
    "multiple answer not an option": (lambda d: q(d, 1).update(answer=["a", "e"]),
                                      "question 'q2-many': answer 'e' is not one of the options a, b, c"),
    "no correct answer": (lambda d: q(d, 1).update(answer=[]),
                          "question 'q2-many': no correct answer"),
    "single with no answer": (lambda d: q(d, 0).pop("answer"),
                              "question 'q1-pick': missing field 'answer'"),
    "duplicate question id": (lambda d: q(d, 1).update(id="q1-pick"),
                              "question 'q1-pick': duplicate question id"),
    "duplicate option id": (lambda d: q(d, 0)["options"][2].update(id="a"),
                            "question 'q1-pick': duplicate option id 'a'"),
    "missing prompt": (lambda d: q(d, 2).pop("prompt"),
                       "question 'q3-tf': missing field 'prompt'"),
    "missing option feedback": (lambda d: q(d, 0)["options"][1].pop("feedback"),
                                "question 'q1-pick': missing field 'options[1].feedback'"),
    "missing explanation": (lambda d: q(d, 3).pop("explanation"),
                            "question 'q4-num': missing field 'explanation'"),
    "missing see": (lambda d: q(d, 4).pop("see"),
                    "question 'q5-order': missing field 'see'"),
    "missing title": (lambda d: d.pop("title"),
                      "broken.yml: missing field 'title'"),
    "misspelt field": (lambda d: q(d, 0).update(explaination="typo"),
                       "question 'q1-pick': unknown field 'explaination'"),
    "true/false answer not boolean": (lambda d: q(d, 2).update(answer="yes"),
                                      "question 'q3-tf': answer: 'yes' is not of type 'boolean'"),
    "true/false feedback missing": (lambda d: q(d, 2)["feedback"].pop("false"),
                                    "question 'q3-tf': missing field 'feedback.false'"),
    "negative tolerance": (lambda d: q(d, 3).update(tolerance=-1),
                           "question 'q4-num': tolerance: -1 is less than the minimum of 0"),
    "numeric answer is text": (lambda d: q(d, 3).update(answer="two"),
                               "question 'q4-num': answer: 'two' is not of type 'number'"),
    "range upside down": (lambda d: q(d, 3).update(ranges=[{"min": 5, "max": 1, "feedback": "f"}]),
                          "question 'q4-num': range 5..1: min is larger than max"),
    "order item twice": (lambda d: q(d, 4)["items"][2].update(id="x"),
                         "question 'q5-order': duplicate item id 'x'"),
    "order text twice": (lambda d: q(d, 4)["items"][2].update(text="X"),
                         "question 'q5-order': duplicate item text 'X'"),
    "order display not a permutation": (lambda d: q(d, 4).update(display=["x", "y"]),
                                        "question 'q5-order': display must list each item exactly once"),
    "match answer not a choice": (lambda d: q(d, 5)["items"][1].update(answer="r9"),
                                  "question 'q6-match': item 'i2': answer 'r9' is not one of the choices r1, r2"),
    "match choice twice": (lambda d: q(d, 5)["choices"][1].update(id="r1"),
                           "question 'q6-match': duplicate choice id 'r1'"),
    "bad question id": (lambda d: q(d, 0).update(id="q 1!"),
                        "question 'q 1!': id: 'q 1!' is not a valid id"),
    "no questions": (lambda d: d.update(questions=[]),
                     "broken.yml: questions: [] should be non-empty"),
    "id is not the file name": (lambda d: d.update(id="other"),
                                "broken.yml: id 'other' does not match the file name 'broken.yml'"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_bank_fails_naming_file_question_and_problem(tmp_path, case):
    break_it, expected = BAD[case]
    data = copy.deepcopy(base_bank())
    break_it(data)
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(QuizError) as err:
        load_bank(path)
    message = str(err.value)
    assert f"{path.as_posix()}" in message
    assert expected in message, message
    assert isinstance(err.value, ValueError)


def test_the_unbroken_base_bank_is_valid(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(base_bank()), encoding="utf-8")
    assert len(load_bank(path).questions) == 6


def test_message_format_for_a_course_file(tmp_path, monkeypatch):
    # Paths inside the repository are shown relative to it, as an instructor sees them.
    import csto_course.quiz.bank as bank_module

    data = base_bank("introduction")
    q(data, 0)["answer"] = "e"
    (tmp_path / "introduction.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setattr(bank_module, "ROOT", tmp_path.parent)
    with pytest.raises(QuizError, match=rf"^{tmp_path.name}/introduction.yml, question 'q1-pick': "
                                        r"answer 'e' is not one of the options a, b, c$"):
        load_bank("introduction", bank_dir=tmp_path)


def test_all_problems_are_reported_together(tmp_path):
    data = base_bank()
    q(data, 0)["answer"] = "e"
    q(data, 5)["items"][0]["answer"] = "r9"
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(QuizError) as err:
        load_bank(path)
    assert len(err.value.problems) == 2
    assert str(err.value).startswith("2 problems:")


def test_invalid_yaml_names_the_file(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(QuizError, match="broken.yml: not valid YAML"):
        load_bank(path)


def test_missing_bank_names_the_file(tmp_path):
    with pytest.raises(QuizError, match="nope.yml: no such quiz bank"):
        load_bank("nope", bank_dir=tmp_path)


def test_a_notebook_loading_a_bad_bank_gets_the_error(tmp_path):
    # What a notebook cell `show_quiz(...)` raises: the same named error.
    data = base_bank()
    q(data, 0)["type"] = "essay"
    (tmp_path / "broken.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(QuizError, match="broken.yml, question 'q1-pick': unknown question type 'essay'"):
        show_quiz("broken", bank_dir=tmp_path)


def test_yaml_true_false_keys_need_no_quotes(tmp_path):
    # YAML reads `true:` as a boolean key; the loader accepts it as an instructor writes it.
    path = tmp_path / "tf.yml"
    path.write_text("""id: tf
title: T
chapter: book/introduction
questions:
  - id: q3-tf
    type: truefalse
    prompt: True?
    answer: true
    feedback:
      true: Right.
      false: Wrong.
    explanation: e
    see: s
""", encoding="utf-8")
    tf = load_bank(path).question("q3-tf")
    assert [(o["id"], o["feedback"]) for o in tf["options"]] == [("true", "Right."), ("false", "Wrong.")]
    assert tf["answer"] == "true"


def test_order_display_is_fixed_and_never_the_answer():
    for bank in load_all():
        for question in bank.questions:
            if question["type"] == "order":
                assert question["display"] != question["answer"]
                assert sorted(question["display"]) == sorted(question["answer"])
    again = load_bank("introduction").question("q4-timeline")["display"]
    assert again == load_bank("introduction").question("q4-timeline")["display"]


def test_malicious_fixture_is_a_valid_bank():
    bank = load_bank(FIXTURES / "malicious.yml")
    assert "<script>" in bank.questions[0]["prompt"]


def test_a_bad_bank_stops_the_book_build(monkeypatch):
    from types import SimpleNamespace

    from sphinx.errors import ExtensionError

    from csto_course.quiz import sphinx as quiz_sphinx

    def broken():
        raise QuizError(["data/quizzes/x.yml, question 'q1': answer 'e' is not one of the options a, b"])

    monkeypatch.setattr(quiz_sphinx, "load_all", broken)
    with pytest.raises(ExtensionError, match=r"x\.yml, question 'q1': answer 'e'"):
        quiz_sphinx._validate(SimpleNamespace(env=SimpleNamespace()))
