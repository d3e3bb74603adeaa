"""The live Jupyter quiz: set answers in the widgets, press the buttons, read the feedback."""

from __future__ import annotations

from pathlib import Path

import pytest

from csto_course.quiz import load_bank, show_quiz
from csto_course.quiz.widget import QuizWidget

FIXTURES = Path(__file__).parent / "fixtures" / "quizzes"


@pytest.fixture
def quiz():
    return QuizWidget(load_bank("introduction"))


def test_single_right_then_wrong(quiz):
    qw = quiz.question("q1-source-for-april-2010")
    qw.check_button.click()
    assert "No answer yet." in qw.feedback.value and "Explanation" not in qw.feedback.value
    qw.choice.value = "b"
    qw.check_button.click()
    assert qw.result.correct
    assert "✓ Correct." in qw.feedback.value and "quotes Moscow analysts" in qw.feedback.value
    assert "<details><summary>Explanation</summary>" in qw.feedback.value
    assert "Review: The five readings" in qw.feedback.value
    qw.choice.value = "c"
    qw.check_button.click()
    assert not qw.result.correct and "✗ Not quite." in qw.feedback.value
    assert "before the events of April 2010" in qw.feedback.value


def test_multiple_partly_right_then_right(quiz):
    qw = quiz.question("q2-reading-the-essay")
    qw.checks["a"].value = True
    qw.checks["d"].value = True
    qw.check_button.click()
    assert qw.result.score == 0 and "1 of 3 right options chosen, 1 wrong" in qw.feedback.value
    assert "✗ Not quite: <em>It is critical of Russian policy.</em>" in qw.feedback.value
    qw.checks["d"].value = False
    qw.checks["b"].value = True
    qw.check_button.click()
    assert qw.result.score == pytest.approx(2 / 3) and not qw.result.correct
    qw.checks["c"].value = True
    qw.check_button.click()
    assert qw.result.correct and "✓ Correct." in qw.feedback.value


def test_true_false(quiz):
    qw = quiz.question("q3-what-the-treaty-obliges")
    assert [v for _label, v in qw.choice.options] == ["true", "false"]
    qw.choice.value = "true"
    qw.check_button.click()
    assert not qw.result.correct and "vaguely calls for consultations" in qw.feedback.value
    qw.choice.value = "false"
    qw.check_button.click()
    assert qw.result.correct


def test_order_with_the_move_buttons(quiz):
    qw = quiz.question("q4-timeline")
    assert qw.order == ["bakiyev", "treaty", "osh", "tulip", "kant", "csto"]
    qw.check_button.click()
    assert not qw.result.correct and "Not quite: 1 of 6 in the right place." in qw.feedback.value
    # Press buttons until the list is right, as a student would.
    target = ["treaty", "csto", "kant", "tulip", "bakiyev", "osh"]
    for pos, item in enumerate(target):
        while qw.order.index(item) > pos:
            qw.up_buttons[item].click()
    assert qw.order == target
    assert [row.children[2].value for row in qw.order_box.children][0].startswith("The Collective Security Treaty")
    qw.check_button.click()
    assert qw.result.correct and "15 May 1992" in qw.feedback.value
    qw.down_buttons["osh"].click()  # already last: nothing moves
    qw.up_buttons["treaty"].click()  # already first
    assert qw.order == target


def test_numeric_typed_and_submitted(quiz):
    qw = quiz.question("q5-osh-deaths")
    qw.text.value = "68"
    qw.check_button.click()
    assert "Not quite: too low." in qw.feedback.value and "April 2010 overthrow" in qw.feedback.value
    qw.text.value = "2,000"
    qw.check_button.click()
    assert qw.result.correct
    qw.text.value = "two thousand"
    qw.check_button.click()
    assert "Please type a number" in qw.feedback.value and not qw.result.answered


def test_match_with_dropdowns(quiz):
    qw = quiz.question("q6-who-says-what")
    qw.selects["political"].value = "trilling"
    qw.selects["dependence"].value = "saradzhyan"
    qw.check_button.click()
    assert "1 of 4 matched correctly" in qw.feedback.value
    assert "No answer chosen." in qw.feedback.value
    for item, choice in {"dependence": "essay", "credibility": "saradzhyan", "facilities": "commentary2023"}.items():
        qw.selects[item].value = choice
    qw.check_button.click()
    assert qw.result.correct


def test_score_summary_counts_checked_questions(quiz):
    assert "0 of 8 correct" in quiz.score.value and "(0 answered)" in quiz.score.value
    quiz.question("q1-source-for-april-2010").choice.value = "b"
    quiz.question("q1-source-for-april-2010").check_button.click()
    quiz.question("q7-shared-explanation").choice.value = "c"
    quiz.question("q7-shared-explanation").check_button.click()
    assert "1 of 8 correct" in quiz.score.value and "(2 answered)" in quiz.score.value


def test_widget_text_is_escaped():
    quiz = QuizWidget(load_bank(FIXTURES / "malicious.yml"))
    qw = quiz.question("q1")
    assert "<script>" not in qw.box.children[0].value and "&lt;script&gt;" in qw.box.children[0].value
    qw.choice.value = "a"
    qw.check_button.click()
    assert "<script>" not in qw.feedback.value and "&lt;/script&gt;&lt;script&gt;" in qw.feedback.value


def test_show_quiz_offers_widget_html_and_text():
    shown = show_quiz("introduction")
    bundle = shown._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", "application/vnd.jupyter.widget-view+json"}
    assert bundle["text/plain"] == "Quiz: The course and its five readings (8 questions)"
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == shown.widget.box.model_id
    # Deterministic parts: identical on a second display and a second load.
    again = show_quiz("introduction")._repr_mimebundle_()
    assert again["text/html"] == bundle["text/html"] and again["text/plain"] == bundle["text/plain"]
