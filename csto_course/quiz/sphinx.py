"""Sphinx wiring for quizzes (loaded by ``csto_course.sphinx_ext``).

* ``csto_course/static`` joins ``html_static_path``; quiz.js and quiz.css are
  added only to pages that hold a quiz or a progress summary.
* ``_static/quiz-manifest.js`` lists every bank whose chapter is in the book
  (``window.CSTO_QUIZ_MANIFEST``), for the progress summary.
* ``{quiz-progress}``: a directive placing that summary on a page.
* Every bank is validated when the build starts: a bad bank stops the build.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .bank import QuizError, bank_paths, load_all
from .html import manifest_entry, manifest_script

STATIC = Path(__file__).resolve().parent.parent / "static"
MANIFEST = "quiz-manifest.js"
logger = logging.getLogger(__name__)


class QuizProgress(SphinxDirective):
    """``{quiz-progress}``: the student's progress per chapter (filled by quiz.js)."""

    def run(self) -> list[nodes.Node]:
        for path in bank_paths():  # rebuild the page when a bank changes
            self.env.note_dependency(str(path))
        html = ('<div class="csto-quiz-progress"><p>Your quiz progress appears here '
                '(it needs JavaScript, and stays in this browser).</p></div>')
        return [nodes.raw("", html, format="html")]


def _static_path(app: Sphinx, config) -> None:
    config.html_static_path.append(str(STATIC))


def _validate(app: Sphinx) -> None:
    try:
        app.env.csto_quiz_banks = load_all()
    except QuizError as exc:
        raise ExtensionError(f"invalid quiz bank:\n{exc}") from None


def _page_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # 'csto-quiz' also matches 'csto-quiz-progress'. Called per page, so the
    # files go on this page only.
    if "csto-quiz" in context.get("body", ""):
        app.add_js_file(MANIFEST, priority=490)
        app.add_js_file("quiz.js")
        app.add_css_file("quiz.css")


def manifest(app: Sphinx) -> list[dict]:
    out = []
    for bank in sorted(getattr(app.env, "csto_quiz_banks", []), key=lambda b: b.id):
        if bank.chapter not in app.env.all_docs:
            logger.info(f"quiz bank '{bank.id}': chapter '{bank.chapter}' is not in the book; left out")
            continue
        title = app.env.titles[bank.chapter].astext() if bank.chapter in app.env.titles else ""
        out.append(manifest_entry(bank, app.builder.get_target_uri(bank.chapter), title))
    # Keep the contents-page order, so the summary reads like the book.
    order = {doc: n for n, doc in enumerate(_toc_order(app))}
    return sorted(out, key=lambda b: (order.get(b["chapter"], len(order)), b["id"]))


def _toc_order(app: Sphinx) -> list[str]:
    docs, seen = [], set()

    def walk(doc):
        if doc in seen:
            return
        seen.add(doc)
        docs.append(doc)
        for child in app.env.toctree_includes.get(doc, []):
            walk(child)

    walk(app.config.root_doc)
    return docs


def _write_manifest(app: Sphinx, exception) -> None:
    if exception or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / MANIFEST).write_text(manifest_script(manifest(app)), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _static_path)
    app.connect("builder-inited", _validate)
    app.connect("html-page-context", _page_assets)
    app.connect("build-finished", _write_manifest)
    app.add_directive("quiz-progress", QuizProgress)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
