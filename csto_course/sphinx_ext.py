"""The course's Sphinx extension: what the book needs beyond Jupyter Book itself.

* Charts: ``csto-charts.js`` (Vega + vega-embed, from vl-convert) is written into
  the built site and added only to the pages that hold a chart.
* ``{data-appendix}``: a directive that writes the data appendix from
  ``data/datapackage.json``.
* Quizzes: see ``csto_course.quiz.sphinx``.
"""

from __future__ import annotations

import os
import re
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


TEMPLATES = Path(__file__).parent / "templates"
REDIRECT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<link rel="icon" href="data:,">
<meta http-equiv="refresh" content="0; url={target}">
</head><body><p><a href="{target}">{title}</a></p></body></html>
"""


def _use_course_templates(app: Sphinx, config) -> None:
    config.templates_path.insert(0, str(TEMPLATES))


COURSE_CSS = "course.css"  # csto_course/static: phones, print, charts' data tables
COURSE_JS = "course.js"  # csto_course/static: the theme's sidebar buttons made to work
_TOGGLE = re.compile(r'(<a [^>]*>([^<]*)</a>)<details([^>]*)><summary>(?=<span class="toctree-toggle")')


def _label_toggles(generate):
    """The theme's sidebar: its expand/collapse toggles are unnamed icons; name them."""
    def generate_toctree_html(kind, *args, **kwargs):
        out = generate(kind, *args, **kwargs)
        if kind != "sidebar":  # "raw" callers want the BeautifulSoup object
            return out
        out = str(out)  # the sidebar's HTML (a BeautifulSoup object in this theme version)
        named = _TOGGLE.sub(lambda m: f'{m[1]}<details{m[3]}><summary aria-label="Pages under '
                            f'{m[2].replace(chr(34), "&quot;")}">', out)
        return named.replace('<summary><span class="toctree-toggle"',
                             '<summary aria-label="Pages in this part"><span class="toctree-toggle"')
    return generate_toctree_html


def _accessible_markup(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # Docutils 0.21 marks bibliography entries "doc-biblioentry" inside a role="list":
    # a list whose items are not list items (axe: aria-required-children).
    body = context.get("body", "")
    if 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')
    if "generate_toctree_html" in context:
        context["generate_toctree_html"] = _label_toggles(context["generate_toctree_html"])


def _search_from_disk(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # Opened from disk (file://), the search page cannot fetch result pages for their
    # summaries (a console error per result); it lists the results without them.
    if pagename == "search":
        app.add_js_file(None, body="if (location.protocol === 'file:') "
                                   "DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;")


def _write_root_redirect(app: Sphinx, exception) -> None:
    """The site's front door: a redirect to the landing page that, unlike the one
    sphinx-external-toc writes, names an empty icon, so the browser neither asks for
    /favicon.ico (a 404) nor starts a request the redirect would abort."""
    if exception or app.builder.format != "html" or app.config.root_doc == "index":
        return
    target = app.builder.get_target_uri(app.config.root_doc)
    page = REDIRECT.format(title=app.config.html_title, target=target)
    (Path(app.outdir) / "index.html").write_text(page, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _use_course_templates)
    # Before sphinx-external-toc, which writes a bare redirect only if none exists.
    app.connect("build-finished", _write_root_redirect, priority=400)
    app.connect("html-page-context", _add_chart_script)
    app.connect("html-page-context", _accessible_markup, priority=600)  # after the theme's
    app.add_css_file(COURSE_CSS)
    app.add_js_file(COURSE_JS, loading_method="defer")
    app.connect("html-page-context", _search_from_disk)
    app.connect("build-finished", _write_chart_script)
    app.add_directive("data-appendix", DataAppendix)
    app.setup_extension("csto_course.quiz.sphinx")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
