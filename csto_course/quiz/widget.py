"""The live Jupyter quiz: ipywidgets in front of the plain-Python grading.

Each question keeps its input widgets, its "Check answer" button and a feedback
HTML widget as attributes, so tests can set answers and press buttons.
"""

from __future__ import annotations

from html import escape

import ipywidgets as W

from .bank import Bank
from .grading import Result, grade

FULL = W.Layout(width="100%")


def _mark(ok: bool) -> str:
    # Words as well as symbols: meaning never rests on colour alone.
    return "✓ Correct" if ok else "✗ Not quite"


def feedback_html(question: dict, result: Result) -> str:
    """What a student sees after pressing "Check answer" (all text escaped)."""
    icon = "✓ " if result.correct else ("✗ " if result.answered else "")
    out = [f'<div class="csto-result"><p><strong>{escape(icon + result.message)}</strong></p>']
    names = {x["id"]: x["text"] for key in ("options", "items") for x in question.get(key, [])}
    rows = [f"<li>{_mark(fb['ok'])}: <em>{escape(names.get(key, 'your answer'))}</em>"
            + (f" — {escape(fb['text'])}" if fb["text"] else "") + "</li>"
            for key, fb in result.feedback.items()]
    if rows:
        out.append("<ul>" + "".join(rows) + "</ul>")
    if result.answered:
        out.append(f"<details><summary>Explanation</summary><p>{escape(question['explanation'])}</p></details>")
        out.append(f"<p>Review: {escape(question['see']['text'])}</p>")
    return "".join(out) + "</div>"


class QuestionWidget:
    def __init__(self, question: dict, number: int, total: int, on_check=None):
        self.question = q = question
        self.result: Result | None = None
        self._on_check = on_check
        prompt = W.HTML(f"<p><strong>Question {number} of {total}.</strong> {escape(q['prompt'])}</p>", layout=FULL)
        self.check_button = W.Button(description="Check answer", button_style="primary",
                                     tooltip="Grade this question")
        self.check_button.on_click(lambda _b: self.check())
        self.feedback = W.HTML(layout=FULL)
        body = getattr(self, f"_build_{q['type']}")()
        self.box = W.VBox([prompt, body, self.check_button, self.feedback],
                          layout=W.Layout(border="1px solid #ccc", padding="0.5em", margin="0 0 1em 0"))

    # --- inputs, one builder per type ---
    def _build_single(self):
        self.choice = W.RadioButtons(options=[(o["text"], o["id"]) for o in self.question["options"]],
                                     index=None, layout=FULL)
        return self.choice

    _build_truefalse = _build_single

    def _build_multiple(self):
        self.checks = {o["id"]: W.Checkbox(description=o["text"], indent=False, value=False, layout=FULL)
                       for o in self.question["options"]}
        return W.VBox([W.HTML("<em>Choose every answer that applies.</em>"), *self.checks.values()])

    def _build_numeric(self):
        self.text = W.Text(description="Your answer", placeholder="a number",
                           style={"description_width": "initial"})
        return W.HBox([self.text, W.Label(self.question["unit"])])

    def _build_order(self):
        q = self.question
        self.order = list(q["display"])
        text = {i["id"]: i["text"] for i in q["items"]}
        self.up_buttons, self.down_buttons, self._rows = {}, {}, {}
        for iid in self.order:
            up = W.Button(description="↑ Move up", tooltip=f"Move up: {text[iid]}", layout=W.Layout(width="auto"))
            down = W.Button(description="↓ Move down", tooltip=f"Move down: {text[iid]}", layout=W.Layout(width="auto"))
            up.on_click(lambda _b, iid=iid: self.move(iid, -1))
            down.on_click(lambda _b, iid=iid: self.move(iid, +1))
            self.up_buttons[iid], self.down_buttons[iid] = up, down
            self._rows[iid] = W.HBox([up, down, W.HTML(escape(text[iid]))])
        self.order_box = W.VBox([self._rows[i] for i in self.order])
        return W.VBox([W.HTML("<em>Put the list in order, first at the top.</em>"), self.order_box])

    def move(self, item_id: str, step: int):
        i = self.order.index(item_id)
        j = min(max(i + step, 0), len(self.order) - 1)
        self.order[i], self.order[j] = self.order[j], self.order[i]
        self.order_box.children = [self._rows[k] for k in self.order]

    def _build_match(self):
        q = self.question
        options = [("Choose…", "")] + [(c["text"], c["id"]) for c in q["choices"]]
        self.selects = {i["id"]: W.Dropdown(options=options, value="", layout=W.Layout(width="auto"))
                        for i in q["items"]}
        return W.VBox([W.VBox([W.HTML(escape(i["text"])), self.selects[i["id"]]]) for i in q["items"]])

    # --- reading and grading ---
    @property
    def answer(self):
        t = self.question["type"]
        if t in ("single", "truefalse"):
            return self.choice.value
        if t == "multiple":
            return [k for k, box in self.checks.items() if box.value]
        if t == "numeric":
            return self.text.value
        if t == "order":
            return list(self.order)
        return {k: s.value for k, s in self.selects.items()}

    def check(self) -> Result:
        self.result = grade(self.question, self.answer)
        self.feedback.value = feedback_html(self.question, self.result)
        if self._on_check:
            self._on_check()
        return self.result


class QuizWidget:
    def __init__(self, bank: Bank):
        self.bank = bank
        n = len(bank.questions)
        self.questions = [QuestionWidget(q, k, n, on_check=self._update_score)
                          for k, q in enumerate(bank.questions, start=1)]
        self.score = W.HTML()
        title = W.HTML(f"<h3>Quiz: {escape(bank.title)}</h3>")
        self.box = W.VBox([title, *(qw.box for qw in self.questions), self.score])
        self._update_score()

    def question(self, qid: str) -> QuestionWidget:
        return next(qw for qw in self.questions if qw.question["id"] == qid)

    def _update_score(self):
        results = [qw.result for qw in self.questions if qw.result and qw.result.answered]
        right = sum(r.correct for r in results)
        self.score.value = (f"<p><strong>Your score: {right} of {len(self.questions)} correct</strong>"
                            f" ({len(results)} answered).</p>")
