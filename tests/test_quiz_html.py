"""The static HTML form: deterministic, self-contained, escaped, accessible markup."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from csto_course.quiz import load_bank
from csto_course.quiz.grading import grading_view
from csto_course.quiz.html import render_bank

FIXTURES = Path(__file__).parent / "fixtures" / "quizzes"


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self._in_script = [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append([dict(attrs), ""])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            self.scripts[-1][1] += data


def parse(html: str) -> Collect:
    c = Collect()
    c.feed(html)
    return c


def test_deterministic_and_ids_from_bank_and_question():
    html = render_bank(load_bank("introduction"))
    assert html == render_bank(load_bank("introduction"))
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate DOM ids"
    assert all(i.startswith("csto-quiz-introduction") for i in ids)
    assert 'id="csto-quiz-introduction--q4-timeline"' in html


def test_self_contained_no_code_only_json_data():
    bank = load_bank("introduction")
    doc = parse(render_bank(bank))
    assert [attrs.get("type") for attrs, _ in doc.scripts] == ["application/json"]
    data = json.loads(doc.scripts[0][1])
    assert data["bank"] == "introduction"
    assert data["questions"] == [grading_view(q) for q in bank.questions]
    html = render_bank(bank)
    assert "http://" not in html and "https://" not in html
    handlers = [k for _t, attrs in doc.tags for k in attrs if k.startswith("on")]
    assert handlers == [] and "javascript:" not in html


def test_accessible_structure():
    html = render_bank(load_bank("introduction"))
    doc = parse(html)
    forms = [a for t, a in doc.tags if t == "form"]
    assert len(forms) == 8
    assert html.count("<fieldset>") == 8 and html.count("<legend>") == 8
    assert html.count('aria-live="polite"') >= 8
    labels = {a["for"] for t, a in doc.tags if t == "label"}
    for tag, attrs in doc.tags:  # every input and select has a label
        if tag in ("input", "select"):
            assert attrs["id"] in labels, attrs
    buttons = [a for t, a in doc.tags if t == "button"]
    assert all(b.get("type") in ("button", "submit") for b in buttons)


def test_malicious_text_is_escaped_and_cannot_leave_the_data_block():
    html = render_bank(load_bank(FIXTURES / "malicious.yml"))
    doc = parse(html)
    assert [t for t, _ in doc.tags].count("script") == 1  # only the JSON block
    assert [t for t, _ in doc.tags].count("img") == 0 and [t for t, _ in doc.tags].count("b") == 0
    assert "Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;script&gt;window.PWNED = &#x27;prompt&#x27;&lt;/script&gt;" in html
    raw = doc.scripts[0][1]
    assert "</" not in raw and "<" not in raw
    assert json.loads(raw)["questions"][0]["options"][0]["feedback"].startswith("</script>")
