"""The static HTML form of a quiz, enhanced in the book by ``static/quiz.js``.

The output is deterministic (DOM ids come from the bank id and question ids, so
strict nbval can compare it) and holds no code: the grading data travels in a
``<script type="application/json">`` block. Every text is HTML-escaped.
"""

from __future__ import annotations

import json
from html import escape

from .bank import Bank
from .grading import grading_view

NOJS = ("Checking answers needs the online book (with JavaScript) or a live Jupyter "
        "notebook; here you can read the questions.")


def _e(text) -> str:
    return escape(str(text), quote=True)


def json_for_script(data) -> str:
    """JSON that cannot end its <script> block early: <, > and & become \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_bank(bank: Bank) -> str:
    root = f"csto-quiz-{bank.id}"
    data = {"bank": bank.id, "title": bank.title, "chapter": bank.chapter,
            "questions": [grading_view(q) for q in bank.questions]}
    n = len(bank.questions)
    parts = [
        f'<div class="csto-quiz" id="{root}" data-bank="{_e(bank.id)}" role="region" aria-labelledby="{root}--title">',
        f'<p class="csto-quiz-title" id="{root}--title"><strong>Quiz: {_e(bank.title)}</strong>'
        f' <span class="csto-quiz-count">({n} question{"s" if n != 1 else ""})</span></p>',
        f'<p class="csto-quiz-nojs">{_e(NOJS)}</p>',
    ]
    for number, q in enumerate(bank.questions, start=1):
        parts.append(_question(f"{root}--{q['id']}", q, number, n))
    parts += [
        '<div class="csto-quiz-footer" hidden>',
        '<p class="csto-quiz-score" aria-live="polite"></p>',
        '<button type="button" class="csto-quiz-reset">Clear my answers to this quiz</button>',
        '</div>',
        f'<script type="application/json" class="csto-quiz-data">{json_for_script(data)}</script>',
        '</div>',
    ]
    return "\n".join(parts) + "\n"


def manifest_entry(bank: Bank, url: str, page_title: str = "") -> dict:
    """One bank in the progress manifest; ``url`` is its chapter page, relative to the site root."""
    return {"id": bank.id, "title": bank.title, "chapter": bank.chapter, "url": url,
            "page_title": page_title or bank.title, "questions": [q["id"] for q in bank.questions]}


def manifest_script(entries: list[dict]) -> str:
    """``_static/quiz-manifest.js``: the banks of the book, for the progress summary."""
    data = json.dumps(entries, ensure_ascii=False, indent=1)
    return f"window.CSTO_QUIZ_MANIFEST = {data};\n"


def _fb(dom: str) -> str:
    """An empty slot next to an option or item; quiz.js writes feedback into it."""
    return f'<span class="csto-fb" id="{dom}--fb" hidden></span>'


def _question(dom: str, q: dict, number: int, total: int) -> str:
    body = _BODIES[q["type"]](dom, q)
    see = q["see"]
    link = (f'<a href="#{_e(see["anchor"])}">{_e(see["text"])}</a>' if see.get("anchor") else _e(see["text"]))
    return "\n".join([
        f'<form class="csto-q" id="{dom}" data-qid="{_e(q["id"])}" data-type="{q["type"]}" novalidate>',
        '<fieldset>',
        f'<legend><span class="csto-q-number">Question {number} of {total}.</span> {_e(q["prompt"])}</legend>',
        body,
        '</fieldset>',
        '<p class="csto-q-actions"><button type="submit" class="csto-check">Check answer</button></p>',
        f'<div class="csto-result" id="{dom}--result" role="status" aria-live="polite"></div>',
        '<div class="csto-after" hidden>',
        f'<details class="csto-explanation"><summary>Explanation</summary><p>{_e(q["explanation"])}</p></details>',
        f'<p class="csto-see">Review: {link}</p>',
        '</div>',
        '</form>',
    ])


def _choices(dom: str, q: dict, kind: str) -> str:
    rows = ['<p class="csto-hint">Choose every answer that applies.</p>'] if kind == "checkbox" else []
    for o in q["options"]:
        oid = f"{dom}--{o['id']}"
        rows.append(f'<div class="csto-option"><input type="{kind}" name="{dom}" id="{oid}" value="{_e(o["id"])}"'
                    f' aria-describedby="{oid}--fb"> <label for="{oid}">{_e(o["text"])}</label> {_fb(oid)}</div>')
    return "\n".join(rows)


def _numeric(dom: str, q: dict) -> str:
    unit = f' <span class="csto-unit" id="{dom}--unit">{_e(q["unit"])}</span>' if q["unit"] else ""
    described = f"{dom}--unit {dom}--value--fb" if q["unit"] else f"{dom}--value--fb"
    return (f'<div class="csto-numeric"><label for="{dom}--value">Your answer</label> '
            f'<input type="text" inputmode="decimal" autocomplete="off" id="{dom}--value" name="{dom}"'
            f' aria-describedby="{described}">{unit} {_fb(f"{dom}--value")}</div>')


def _order(dom: str, q: dict) -> str:
    text = {i["id"]: i["text"] for i in q["items"]}
    rows = [f'<p class="csto-hint" id="{dom}--hint">Use the Move up and Move down buttons to put the list in order.</p>',
            f'<ol class="csto-order" aria-describedby="{dom}--hint">']
    for iid in q["display"]:
        idom = f"{dom}--{iid}"
        rows.append(
            f'<li class="csto-order-item" data-item="{_e(iid)}"><span class="csto-order-text" id="{idom}--text">{_e(text[iid])}</span>'
            f' <span class="csto-order-buttons">'
            f'<button type="button" class="csto-up" aria-describedby="{idom}--text">&#8593; Move up</button> '
            f'<button type="button" class="csto-down" aria-describedby="{idom}--text">&#8595; Move down</button></span>'
            f' {_fb(idom)}</li>')
    rows += ['</ol>', f'<p class="csto-order-status" id="{dom}--status" aria-live="polite"></p>']
    return "\n".join(rows)


def _match(dom: str, q: dict) -> str:
    options = '<option value="">Choose…</option>' + "".join(
        f'<option value="{_e(c["id"])}">{_e(c["text"])}</option>' for c in q["choices"])
    rows = []
    for item in q["items"]:
        idom = f"{dom}--{item['id']}"
        rows.append(f'<div class="csto-match-row"><label for="{idom}">{_e(item["text"])}</label> '
                    f'<select id="{idom}" name="{idom}" data-item="{_e(item["id"])}" aria-describedby="{idom}--fb">'
                    f'{options}</select> {_fb(idom)}</div>')
    return "\n".join(rows)


_BODIES = {
    "single": lambda dom, q: _choices(dom, q, "radio"),
    "truefalse": lambda dom, q: _choices(dom, q, "radio"),
    "multiple": lambda dom, q: _choices(dom, q, "checkbox"),
    "numeric": _numeric,
    "order": _order,
    "match": _match,
}
