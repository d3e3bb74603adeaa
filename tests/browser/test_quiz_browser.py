"""Quizzes in headless Chromium: grading parity with Python, every question type
answered right and wrong with the mouse and with the keyboard alone, feedback and
live regions, answers remembered across a reload, the progress summary and reset,
and hostile text shown as text.

The answering tests run twice: on a standalone page made from ``html.py`` output
(no book needed) and on the built book's introduction page.
Set CSTO_QUIZ_BOOK=<dir> to point the "book" runs at another built site.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from csto_course.quiz import grade, load_bank
from csto_course.quiz.grading import grading_view
from csto_course.quiz.html import manifest_entry, manifest_script, render_bank

pytestmark = pytest.mark.browser

TESTS = Path(__file__).resolve().parent.parent
STATIC = Path(__file__).resolve().parents[2] / "csto_course" / "static"
SPEC = yaml.safe_load((TESTS / "quiz_cases.yml").read_text(encoding="utf-8"))
CASE_BANK = load_bank(SPEC["bank"])
MALICIOUS = load_bank(TESTS / "fixtures" / "quizzes" / "malicious.yml")
INTRO = load_bank("introduction")
QUESTIONS = INTRO.questions


# --- sites -----------------------------------------------------------------------

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def _serve():
    servers = []

    def serve(directory: Path) -> str:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/"

    yield serve
    for server in servers:
        server.shutdown()


PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="_static/quiz.css">
<script src="_static/quiz-manifest.js"></script><script src="_static/quiz.js"></script>
</head><body><main><h1>{title}</h1>{body}</main></body></html>"""


@pytest.fixture(scope="module")
def standalone_url(tmp_path_factory, _serve):
    root = tmp_path_factory.mktemp("quiz-site")
    (root / "_static").mkdir()
    for name in ("quiz.js", "quiz.css"):
        shutil.copy(STATIC / name, root / "_static" / name)
    (root / "_static" / "quiz-manifest.js").write_text(
        manifest_script([manifest_entry(INTRO, "intro.html", "Introduction")]), encoding="utf-8")
    pages = {
        "intro.html": render_bank(INTRO),
        "index.html": '<div class="csto-quiz-progress"></div>',
        "cases.html": render_bank(CASE_BANK),
        "malicious.html": render_bank(MALICIOUS),
    }
    for name, body in pages.items():
        (root / name).write_text(PAGE.format(title=name, body=body), encoding="utf-8")
    return _serve(root)


@dataclass
class Site:
    url: str
    quiz: str  # the page with the introduction quiz
    landing: str  # the page with the progress summary
    directory: Path | None = None  # the built book, for file checks


@pytest.fixture(scope="module")
def book_site(request, _serve):
    override = os.environ.get("CSTO_QUIZ_BOOK")
    directory = Path(override) if override else request.getfixturevalue("built_book")
    url = _serve(directory) if override else request.getfixturevalue("book_url")
    page = directory / "book" / "introduction.html"
    if 'class="csto-quiz"' not in page.read_text(encoding="utf-8"):
        pytest.fail(f"{page} shows no quiz: end book/introduction.ipynb with show_quiz('introduction')")
    return Site(url, "book/introduction.html", "book/index.html", directory)


@pytest.fixture(params=["standalone", "book"])
def site(request, standalone_url):
    if request.param == "standalone":
        return Site(standalone_url, "intro.html", "index.html")
    return request.getfixturevalue("book_site")


# --- answering ---------------------------------------------------------------------

def dom(qid: str, key: str | None = None) -> str:
    base = f"#csto-quiz-{INTRO.id}--{qid}"
    return base if key is None else f"{base}--{key}"


def right_answer(q):
    # What a student types into the numeric box is text.
    return f"{q['answer']:g}" if q["type"] == "numeric" else q["answer"]


def wrong_answer(q):
    t = q["type"]
    if t in ("single", "truefalse"):
        return next(o["id"] for o in q["options"] if o["id"] != q["answer"])
    if t == "multiple":  # partly right: one right option and one wrong
        return [q["answer"][0], next(o["id"] for o in q["options"] if o["id"] not in q["answer"])]
    if t == "numeric":
        return str(q["ranges"][0]["min"]) if q["ranges"] else str(q["answer"] + 2 * q["tolerance"] + 1)
    if t == "order":
        return list(q["display"])  # as shown, never the right order
    choices = [c["id"] for c in q["choices"]]
    return {i["id"]: next(c for c in choices if c != i["answer"]) for i in q["items"]}


def order_now(page, qid):
    return page.locator(f"{dom(qid)} .csto-order-item").evaluate_all("els => els.map(e => e.dataset.item)")


def answer_with_mouse(page, q, answer):
    qid, t = q["id"], q["type"]
    form = page.locator(dom(qid))
    if t in ("single", "truefalse"):
        page.locator(f"label[for='{dom(qid, answer)[1:]}']").click()
    elif t == "multiple":
        for o in q["options"]:
            box = page.locator(dom(qid, o["id"]))
            if box.is_checked() != (o["id"] in answer):
                page.locator(f"label[for='{dom(qid, o['id'])[1:]}']").click()
    elif t == "numeric":
        page.locator(dom(qid, "value")).click()
        page.locator(dom(qid, "value")).fill(answer)
    elif t == "order":
        for pos, item in enumerate(answer):
            while order_now(page, qid).index(item) > pos:
                form.locator(f"li[data-item='{item}'] .csto-up").click()
    elif t == "match":
        for item, choice in answer.items():
            page.locator(dom(qid, item)).select_option(choice)
    form.locator(".csto-check").click()


def is_focused(locator) -> bool:
    return locator.evaluate("e => e === document.activeElement")


def tab_to(page, locator, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(locator):
            return
    raise AssertionError(f"could not reach {locator} with the Tab key")


def start_at(form):
    # The student has just arrived at this question; from here on only keys are used.
    form.evaluate("f => { f.tabIndex = -1; f.focus(); }")


def answer_with_keyboard(page, q, answer):
    qid, t = q["id"], q["type"]
    form = page.locator(dom(qid))
    start_at(form)
    if t in ("single", "truefalse"):
        ids = [o["id"] for o in q["options"]]
        tab_to(page, page.locator(dom(qid, ids[0])))
        k = ids.index(answer)
        if k == 0:
            page.keyboard.press("Space")
        for _ in range(k):
            page.keyboard.press("ArrowDown")  # arrows move through a radio group and select
        assert page.locator(dom(qid, answer)).is_checked()
    elif t == "multiple":
        for o in q["options"]:
            tab_to(page, page.locator(dom(qid, o["id"])))
            if o["id"] in answer:
                page.keyboard.press("Space")
    elif t == "numeric":
        tab_to(page, page.locator(dom(qid, "value")))
        page.keyboard.type(answer)
        page.keyboard.press("Enter")  # Enter in the box checks the answer
        return
    elif t == "order":
        status = form.locator(".csto-order-status")
        for pos, item in enumerate(answer):
            steps = order_now(page, qid).index(item) - pos
            if steps <= 0:
                continue
            start_at(form)
            tab_to(page, form.locator(f"li[data-item='{item}'] .csto-up"))
            for _ in range(steps):
                page.keyboard.press("Enter")  # focus stays on the moved item's button
            assert status.inner_text().startswith(f"Moved to position {pos + 1} of {len(answer)}")
        assert order_now(page, qid) == answer
    elif t == "match":
        choices = [c["id"] for c in q["choices"]]
        for item in q["items"]:
            select = page.locator(dom(qid, item["id"]))
            tab_to(page, select)
            for _ in range(choices.index(answer[item["id"]]) + 1):
                page.keyboard.press("ArrowDown")  # a closed <select> steps through its options
            assert select.input_value() == answer[item["id"]]
    tab_to(page, form.locator(".csto-check"))
    page.keyboard.press("Enter")


def assert_feedback_shown(page, q, answer):
    """What the page shows equals what Python says for the same answer."""
    expected = grade(q, answer)
    form = page.locator(dom(q["id"]))
    result = form.locator(".csto-result")
    assert result.get_attribute("role") == "status" and result.get_attribute("aria-live") == "polite"
    icon = "✓ " if expected.correct else "✗ "
    assert result.inner_text() == icon + expected.message
    assert form.get_attribute("data-state") == ("correct" if expected.correct else
                                                "partial" if expected.score > 0 else "wrong")
    shown = form.locator(".csto-fb:not([hidden])")
    assert shown.count() == len(expected.feedback)
    for key, fb in expected.feedback.items():
        slot = page.locator(dom(q["id"], key) + "--fb")
        word = "✓ Correct" if fb["ok"] else "✗ Not quite"  # words, not colour alone
        assert slot.inner_text() == word + (f": {fb['text']}" if fb["text"] else "")
    assert form.locator(".csto-after").is_visible()
    assert form.locator(".csto-see").inner_text() == f"Review: {q['see']['text']}"


def assert_answer_restored(page, q, answer):
    qid, t = q["id"], q["type"]
    if t in ("single", "truefalse"):
        assert page.locator(dom(qid, answer)).is_checked()
    elif t == "multiple":
        assert [o["id"] for o in q["options"] if page.locator(dom(qid, o["id"])).is_checked()] == \
            [o["id"] for o in q["options"] if o["id"] in answer]
    elif t == "numeric":
        assert page.locator(dom(qid, "value")).input_value() == answer
    elif t == "order":
        assert order_now(page, qid) == answer
    else:
        assert {i: page.locator(dom(qid, i)).input_value() for i in answer} == answer


def storage(page):
    return page.evaluate("() => localStorage.getItem(CSTOQuiz.storageKey('introduction'))")


# --- the tests ---------------------------------------------------------------------

def test_browser_and_python_grade_every_case_the_same(browser_page, standalone_url):
    page = browser_page
    page.goto(standalone_url + "cases.html")
    runs = [{"q": grading_view(CASE_BANK.question(c["q"])), "answer": c["answer"]} for c in SPEC["cases"]]
    from_js = page.evaluate("runs => runs.map(r => CSTOQuiz.grade(r.q, r.answer))", runs)
    for case, js in zip(SPEC["cases"], from_js):
        py = grade(CASE_BANK.question(case["q"]), case["answer"]).to_dict()
        label = f"{case['q']} / {case['name']}"
        assert js["score"] == pytest.approx(py["score"], abs=1e-12), label
        assert {**js, "score": 0} == {**py, "score": 0}, label
        expect = case["expect"]
        assert (js["correct"], js["answered"]) == (expect["correct"], expect["answered"]), label
        assert js["score"] == pytest.approx(expect["score"], abs=1e-12), label
        assert {k: v["ok"] for k, v in js["feedback"].items()} == expect["ok"], label
    assert page.watch.problems() == []


@pytest.mark.parametrize("verdict", ["right", "wrong"])
@pytest.mark.parametrize("how", ["mouse", "keyboard"])
def test_answer_every_type_then_reload_then_progress_and_reset(site, browser_page, how, verdict):
    page = browser_page
    page.goto(site.url + site.quiz)
    assert page.locator(".csto-quiz.csto-js").count() == 1, "quiz.js did not start"
    answer_for = right_answer if verdict == "right" else wrong_answer
    answers = {q["id"]: answer_for(q) for q in QUESTIONS}
    for q in QUESTIONS:
        (answer_with_mouse if how == "mouse" else answer_with_keyboard)(page, q, answers[q["id"]])
        assert_feedback_shown(page, q, answers[q["id"]])
    n = len(QUESTIONS)
    right = n if verdict == "right" else 0
    score = page.locator(".csto-quiz-score")
    assert score.inner_text().startswith(f"Your progress: {right} of {n} correct ({n} answered).")

    # Answers are remembered in this browser: after a reload they and their feedback are back.
    page.reload()
    for q in QUESTIONS:
        assert_answer_restored(page, q, answers[q["id"]])
        assert_feedback_shown(page, q, answers[q["id"]])
    assert score.inner_text().startswith(f"Your progress: {right} of {n} correct")

    # The landing page sums it up per chapter, and can reset it.
    page.goto(site.url + site.landing)
    row = page.locator(".csto-quiz-progress tr[data-bank='introduction']")
    assert row.locator(".csto-answered").inner_text() == f"{n} of {n}"
    assert row.locator(".csto-correct").inner_text() == f"{right} of {n}"
    assert row.locator(".csto-status").inner_text() == ("✓ Complete" if right == n else "In progress")
    link = row.locator("th a")
    chapter = page.evaluate("() => CSTO_QUIZ_MANIFEST.find(b => b.id === 'introduction').page_title")
    assert chapter and link.inner_text() == chapter  # the chapter's own title
    assert link.get_attribute("href") == site.url + site.quiz
    reset = row.locator(".csto-progress-reset")
    assert reset.get_attribute("aria-label") == f"Reset progress for {chapter}"
    if how == "mouse":
        reset.click()
    else:
        tab_to(page, reset, limit=300)
        page.keyboard.press("Enter")
    assert row.locator(".csto-answered").inner_text() == f"0 of {n}"
    assert row.locator(".csto-status").inner_text() == "Not started"
    status = page.locator(".csto-progress-status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text() == f"Progress for {chapter} cleared."
    assert storage(page) is None

    page.goto(site.url + site.quiz)
    assert page.locator(f"{dom(QUESTIONS[0]['id'])} input:checked").count() == 0
    assert page.locator(".csto-result").all_inner_texts() == [""] * n
    assert page.watch.problems() == []


def test_clear_this_quiz_and_reset_all(browser_page, standalone_url):
    page = browser_page
    page.goto(standalone_url + "intro.html")
    q = QUESTIONS[0]
    answer_with_mouse(page, q, right_answer(q))
    assert storage(page) is not None
    page.locator(".csto-quiz-reset").click()
    assert storage(page) is None
    assert not page.locator(dom(q["id"], q["answer"])).is_checked()
    assert page.locator(dom(q["id"])).locator(".csto-result").inner_text() == ""
    assert "Your answers were cleared." in page.locator(".csto-quiz-score").inner_text()
    answer_with_mouse(page, q, right_answer(q))
    page.goto(standalone_url + "index.html")
    assert page.locator(".csto-answered").inner_text() == f"1 of {len(QUESTIONS)}"
    page.locator(".csto-progress-reset-all").click()
    assert page.locator(".csto-answered").inner_text() == f"0 of {len(QUESTIONS)}"
    assert page.locator(".csto-progress-status").inner_text() == "All quiz progress cleared."
    assert page.watch.problems() == []


def test_unanswered_check_says_so_and_stores_nothing(browser_page, standalone_url):
    page = browser_page
    page.goto(standalone_url + "intro.html")
    for q in QUESTIONS:
        if q["type"] == "order":
            continue  # a list is always in some order
        page.locator(dom(q["id"])).locator(".csto-check").click()
        assert page.locator(dom(q["id"])).locator(".csto-result").inner_text() == "No answer yet."
        assert page.locator(dom(q["id"])).locator(".csto-after").is_hidden()
    assert storage(page) is None or '"answers":{}' in storage(page)
    page.locator(dom("q5-osh-deaths", "value")).fill("lots")
    page.locator(dom("q5-osh-deaths")).locator(".csto-check").click()
    assert page.locator(dom("q5-osh-deaths")).locator(".csto-result").inner_text() == \
        "Please type a number, such as 2000 or 2.5."


def test_hostile_text_is_shown_as_text(browser_page, standalone_url):
    page = browser_page
    page.goto(standalone_url + "malicious.html")
    quiz = page.locator(".csto-quiz")
    for q in MALICIOUS.questions:  # show every kind of feedback, right and wrong
        form = page.locator(f"#csto-quiz-malicious--{q['id']}")
        if q["type"] in ("single", "truefalse", "multiple"):
            for o in q["options"] if q["type"] == "multiple" else q["options"][:1]:
                form.locator(f"#csto-quiz-malicious--{q['id']}--{o['id']}").check()
        elif q["type"] == "numeric":
            form.locator("input").fill("2.5")
        elif q["type"] == "match":
            form.locator("select").first.select_option("r1")
        form.locator(".csto-check").click()
    assert page.evaluate("() => window.PWNED") is None
    assert quiz.locator("b, img, i, u").count() == 0
    assert page.locator(".csto-quiz-title").inner_text().startswith(
        "Quiz: Tom & Jerry <b>bold</b> <script>window.PWNED = 'title'</script>")
    legend = page.locator("#csto-quiz-malicious--q1 legend").inner_text()
    assert "<script>window.PWNED = 'prompt'</script> & <b>this</b>" in legend
    fb = page.locator("#csto-quiz-malicious--q1--a--fb").inner_text()
    assert fb == "✗ Not quite: </script><script>window.PWNED='fb'</script>"
    assert page.locator("#csto-quiz-malicious--q4--value--fb").inner_text() == \
        "✗ Not quite: <script>window.PWNED='range'</script>"
    assert page.locator("#csto-quiz-malicious--q6--i1--fb").inner_text() == \
        "✓ Correct: <script>window.PWNED='match'</script>"
    assert page.watch.problems() == []


def test_book_loads_quiz_files_only_where_needed(book_site):
    for page in sorted(book_site.directory.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if "_static" in page.relative_to(book_site.directory).parts[0]:
            continue
        has_quiz = "csto-quiz" in html.split("<body", 1)[-1]
        assert ("_static/quiz.js" in html) == has_quiz, page
    assert (book_site.directory / "_static" / "quiz-manifest.js").exists()


def test_book_review_links_point_at_real_sections(book_site):
    html = (book_site.directory / book_site.quiz).read_text(encoding="utf-8")
    for q in QUESTIONS:
        anchor = q["see"].get("anchor")
        if anchor:
            assert f'id="{anchor}"' in html, f"{q['id']}: no section with id '{anchor}' on {book_site.quiz}"
