"""The course's Sphinx extension: what the book needs beyond Jupyter Book itself.

* Charts: ``csto-charts.js`` (Vega + vega-embed, from vl-convert) is written into
  the built site and added only to the pages that hold a chart.
* ``{data-appendix}``: a directive that writes the data appendix from
  ``data/datapackage.json``.
* Quizzes: see ``csto_course.quiz.sphinx``; the theme's fixes: ``csto_course.theme``.
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from . import ROOT, charts


def _add_chart_script(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # Called per page: a script added here goes on this page only.
    if f'class="{charts.CHART_CLASS}"' in context.get("body", ""):
        app.add_js_file(charts.BOOK_SCRIPT, loading_method="defer")


def _write_chart_script(app: Sphinx, exception) -> None:
    if exception or app.builder.format != "html":
        return
    import vl_convert  # imported late: only HTML builds need the 0.9 MB bundle

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    script = charts.book_script(vl_convert.javascript_bundle())
    (static / charts.BOOK_SCRIPT).write_text(script, encoding="utf-8")


class ChartMime:
    """myst-nb mime plugin: a stored chart (Vega-Lite JSON) becomes the book's chart
    HTML, which ``csto-charts.js`` draws."""

    mime_priority_overrides = [(b, charts.JUPYTER_MIME, 5) for b in ("html", "dirhtml", "singlehtml")]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != charts.JUPYTER_MIME:
            return None
        return [nodes.raw("", charts.book_html(data.content), format="html")]


class DataAppendix(SphinxDirective):
    """``{data-appendix}``: every table of the data package, generated from its descriptor."""

    def run(self) -> list[nodes.Node]:
        from .appendix import appendix_markdown

        data_dir = ROOT / "data"
        self.env.note_dependency(str(data_dir / "datapackage.json"))
        page_dir = Path(self.env.doc2path(self.env.docname)).parent
        prefix = os.path.relpath(data_dir, page_dir).replace(os.sep, "/") + "/"
        text = appendix_markdown(data_dir, prefix)
        # Parsed as MyST with headings allowed: each table becomes a section of the page.
        holder = nodes.section()
        self.state.nested_parse(StringList(text.splitlines()), 0, holder, match_titles=True)
        return holder.children


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _add_chart_script)
    app.connect("build-finished", _write_chart_script)
    app.add_directive("data-appendix", DataAppendix)
    app.setup_extension("csto_course.quiz.sphinx")
    app.setup_extension("csto_course.theme")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
